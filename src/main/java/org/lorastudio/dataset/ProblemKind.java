package org.lorastudio.dataset;

/**
 * Every kind of problem a dataset scan or check reports, with its severity. The rule: a problem is an
 * {@link Severity#ERROR} when training would read wrong data or fail on it (a broken image, a caption that cannot
 * be decoded, a path that leaves the folder, a listed file that is missing, a metadata line that cannot be
 * parsed); everything that still trains but probably not as the user meant is a {@link Severity#WARNING}.
 */
public enum ProblemKind {
    /** The image cannot be decoded (not an image, corrupt data, unsupported variant, absurd size). */
    UNREADABLE_IMAGE(Severity.ERROR),
    /** The image file ends early: decoders may silently fill the rest with grey, so it must not train. */
    TRUNCATED_IMAGE(Severity.ERROR),
    /** A metadata row or a symlink points outside the dataset folder; it is never followed. */
    PATH_ESCAPE(Severity.ERROR),
    /** A metadata row names a file that does not exist. */
    MISSING_FILE(Severity.ERROR),
    /** A metadata row names a file that is not a supported image type. */
    UNSUPPORTED_FILE(Severity.ERROR),
    /** A metadata line that cannot be parsed, or a header without the required columns. */
    MALFORMED_METADATA(Severity.ERROR),
    /** A caption file that is not valid UTF-8, is too large, or cannot be read. */
    UNREADABLE_CAPTION(Severity.ERROR),
    /** Width or height below the training resolution: the image will be upscaled. */
    SMALL_IMAGE(Severity.WARNING),
    /** Byte-identical to another image: it trains twice as often as the user probably meant. */
    DUPLICATE_IMAGE(Severity.WARNING),
    /** No caption at all: trains with an empty prompt. */
    MISSING_CAPTION(Severity.WARNING),
    /** A caption that is empty or only whitespace. */
    EMPTY_CAPTION(Severity.WARNING),
    /** A caption file whose image does not exist. */
    ORPHAN_CAPTION(Severity.WARNING),
    /** Two images share one caption file ({@code a.png} and {@code a.jpg} both use {@code a.txt}). */
    SHARED_CAPTION(Severity.WARNING),
    /** A metadata file lists the same image twice; the first row is used. */
    DUPLICATE_ROW(Severity.WARNING),
    /** Files or folders that look like data but are not used (subfolders without a repeat count, .txt files
     * beside a metadata file). */
    IGNORED_FILES(Severity.WARNING);

    private final Severity severity;

    ProblemKind(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }
}
