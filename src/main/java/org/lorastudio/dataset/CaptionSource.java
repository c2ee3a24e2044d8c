package org.lorastudio.dataset;

/** Where a dataset's captions come from (SPEC §6). */
public enum CaptionSource {
    /** {@code <image-stem>.txt} next to each image (kohya convention). */
    TXT_FILES,
    /** {@code metadata.csv} with columns {@code file_name,text} (Hugging Face imagefolder). */
    METADATA_CSV,
    /** {@code metadata.jsonl}, one {@code {"file_name": ..., "text": ...}} per line (Hugging Face imagefolder). */
    METADATA_JSONL
}
