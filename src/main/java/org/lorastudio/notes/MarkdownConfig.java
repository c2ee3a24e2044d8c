package org.lorastudio.notes;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.config.LoadedConfig;
import org.lorastudio.util.UserException;

/**
 * A config written inside Markdown (issue 5, "config from notes"): the first fenced {@code ```yaml} (or
 * {@code ```yml}, or {@code ~~~yaml}) block of a notes file or any other Markdown document. It is validated by the
 * same {@link ConfigLoader} as a YAML file, so the messages are the same; the block is handed over with every line
 * outside it blanked, so line numbers in those messages count lines of the Markdown file, where the user looks.
 * Relative paths in the block resolve against the Markdown file's folder, as they would for a YAML file there.
 */
public final class MarkdownConfig {
    /** A CommonMark fence: up to three spaces, three or more backticks or tildes, then the info string. */
    private static final Pattern FENCE = Pattern.compile("^( {0,3})(`{3,}|~{3,})\\s*([^\\s`]*)[^`]*$");
    private static final int MAX_CHARS = 4 << 20;

    private MarkdownConfig() {
    }

    /**
     * The YAML block of a document.
     *
     * @param yaml the block's text with every line before it blank (so line numbers match the document)
     * @param firstLine 1-based line of the block's first content line
     * @param lastLine 1-based line of its last content line (firstLine - 1 for an empty block)
     */
    public record YamlBlock(String yaml, int firstLine, int lastLine) {
        /** Just the block's own lines, as a user would copy them into a {@code .yaml} file. */
        public String text() {
            return yaml.substring(firstLine - 1);
        }
    }

    /**
     * The first YAML block of {@code markdown}; empty when there is none.
     *
     * @throws UserException when the block is never closed (naming the line it starts on)
     */
    public static Optional<YamlBlock> find(String markdown, String sourceName) {
        String[] lines = markdown.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            Matcher open = FENCE.matcher(strip(lines[i]));
            if (!open.matches()) {
                i++;
                continue;
            }
            int indent = open.group(1).length();
            String fence = open.group(2);
            String info = open.group(3).toLowerCase(Locale.ROOT);
            int close = closingFence(lines, i + 1, fence);
            boolean yaml = info.equals("yaml") || info.equals("yml");
            if (close < 0) {
                if (yaml) {
                    throw new UserException(sourceName + ": the ```" + info + " block starting at line " + (i + 1)
                            + " is never closed; add a line with " + fence + " after the config");
                }
                return Optional.empty(); // an unclosed other block runs to the end (CommonMark)
            }
            if (yaml) {
                StringBuilder sb = new StringBuilder();
                sb.append("\n".repeat(i + 1));
                for (int k = i + 1; k < close; k++) {
                    sb.append(unindent(strip(lines[k]), indent)).append('\n');
                }
                return Optional.of(new YamlBlock(sb.toString(), i + 2, close));
            }
            i = close + 1;
        }
        return Optional.empty();
    }

    /**
     * Validates the YAML block of {@code markdown} like a YAML file: every problem, with lines of the Markdown.
     *
     * @throws UserException when the document has no YAML block
     */
    public static ConfigReport check(String markdown, String sourceName, Path baseDir, List<String> overrides) {
        YamlBlock block = find(markdown, sourceName).orElseThrow(() -> new UserException(sourceName
                + " has no ```yaml block; put the config between a line ```yaml and a line ```"));
        return ConfigLoader.check(block.yaml(), sourceName, baseDir, overrides);
    }

    /**
     * Loads the config of a Markdown file (overrides applied on top).
     *
     * @throws org.lorastudio.config.ConfigException listing every problem of the block
     * @throws UserException when the file cannot be read or has no YAML block
     */
    public static LoadedConfig load(Path markdownFile, List<String> overrides) {
        Path abs = markdownFile.toAbsolutePath().normalize();
        return check(read(abs), String.valueOf(abs.getFileName()), abs.getParent(), overrides).orThrow();
    }

    static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("Markdown file not found: " + file);
        }
        try {
            if (Files.size(file) > MAX_CHARS) {
                throw new UserException(file + " is too large for a notes file (" + Files.size(file) + " bytes)");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new UserException(file + " is not UTF-8 text; save it as UTF-8", e);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static int closingFence(String[] lines, int from, String fence) {
        Pattern close = Pattern.compile("^ {0,3}" + Pattern.quote(String.valueOf(fence.charAt(0))) + "{"
                + fence.length() + ",}\\s*$");
        for (int k = from; k < lines.length; k++) {
            if (close.matcher(strip(lines[k])).matches()) {
                return k;
            }
        }
        return -1;
    }

    /** Removes a Windows line end. */
    private static String strip(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** Removes up to {@code n} leading spaces, as CommonMark does for content of an indented fence. */
    private static String unindent(String line, int n) {
        int k = 0;
        while (k < n && k < line.length() && line.charAt(k) == ' ') {
            k++;
        }
        return line.substring(k);
    }
}
