package org.lorastudio.compare;

/** How a comparison is rendered. */
public enum ReportFormat {
    /** Aligned columns for a terminal. */
    TEXT,
    /** GitHub-flavoured Markdown tables, to paste into notes or an issue. */
    MARKDOWN
}
