package org.lorastudio.dataset;

import java.util.Locale;
import java.util.Optional;

/**
 * The two Hugging Face imagefolder metadata formats. Each parses a decoded file into a {@link MetadataTable} and
 * renders a single row with a new caption, leaving the rest of the file to the caller.
 */
enum MetadataFormat {
    CSV("metadata.csv") {
        @Override
        MetadataTable parse(String content, boolean bom, String label) {
            return CsvMetadata.parse(content, bom, label);
        }

        @Override
        String renderRow(MetadataTable table, MetadataTable.Row row, String text) {
            return CsvMetadata.renderRow(table, row, text);
        }

        @Override
        String renderNewRow(MetadataTable table, String fileName, String text) {
            return CsvMetadata.renderNewRow(table, fileName, text);
        }
    },
    JSONL("metadata.jsonl") {
        @Override
        MetadataTable parse(String content, boolean bom, String label) {
            return JsonlMetadata.parse(content, bom, label);
        }

        @Override
        String renderRow(MetadataTable table, MetadataTable.Row row, String text) {
            return JsonlMetadata.renderRow(table, row, text);
        }

        @Override
        String renderNewRow(MetadataTable table, String fileName, String text) {
            return JsonlMetadata.renderNewRow(table, fileName, text);
        }
    };

    /** The column (CSV) or key (JSONL) holding the image path. */
    static final String FILE_NAME = "file_name";
    /** The column or key holding the caption, as diffusers' training scripts default to. */
    static final String TEXT = "text";

    private final String defaultFileName;

    MetadataFormat(String defaultFileName) {
        this.defaultFileName = defaultFileName;
    }

    /** The name the file has when it sits in the dataset folder. */
    String defaultFileName() {
        return defaultFileName;
    }

    abstract MetadataTable parse(String content, boolean bom, String label);

    /** The row's text (without terminator) with its caption replaced by {@code text}. */
    abstract String renderRow(MetadataTable table, MetadataTable.Row row, String text);

    /** A new row (without terminator) for an image the file does not list yet. */
    abstract String renderNewRow(MetadataTable table, String fileName, String text);

    /** The format of a metadata path by its extension: {@code .csv} or {@code .jsonl}. */
    static Optional<MetadataFormat> fromFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        if (lower.endsWith(".jsonl")) {
            return Optional.of(JSONL);
        }
        return Optional.empty();
    }
}
