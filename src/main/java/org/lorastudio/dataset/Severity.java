package org.lorastudio.dataset;

/** How bad a dataset problem is: errors stop training, warnings are shown but allowed. */
public enum Severity {
    ERROR,
    WARNING
}
