package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.llm.PeftCompatibility;
import org.lorastudio.safetensors.FileKind;
import org.lorastudio.safetensors.SafeText;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.TensorInfo;
import org.lorastudio.util.UserException;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lorastudio inspect FILE}: what is inside a safetensors file, without loading it. The header is validated
 * as strictly as for training (a malformed file fails here with the same one-line reason), tensors are listed in
 * natural name order ({@code blocks.2} before {@code blocks.10}) so two listings diff cleanly, and kohya's
 * JSON-in-a-string metadata is pretty-printed. Everything taken from the file is escaped before printing, since a
 * hostile name could otherwise carry terminal control sequences.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show the tensors and metadata of a .safetensors file without loading its weights.",
                "Lists every tensor (name, dtype, shape, size) in natural order, the totals, what the file looks"
                        + " like (kohya/PEFT/diffusers LoRA, SD checkpoint, UNet, VAE, CLIP, LLaMA), then the"
                        + " metadata, with JSON values pretty-printed. For a PEFT adapter it also names the PEFT"
                        + " releases that load the adapter_config.json next to it.",
                "A malformed file is reported in one line and the command exits with status 1."})
final class InspectCommand implements Runnable {
    /** Plain metadata values longer than this are cut (e.g. base64 thumbnails in modelspec metadata). */
    static final int MAX_VALUE_CHARS = 400;
    /** Pretty-printed JSON values longer than this many lines are cut (kohya tag frequencies can be huge). */
    static final int MAX_JSON_LINES = 200;
    /**
     * JSON values longer than this are shown as cut plain text instead of being parsed: a tree of a hostile 100 MB
     * array would need gigabytes. Real kohya tag-frequency tables stay well below it.
     */
    static final int MAX_JSON_CHARS = 1_000_000;
    /** Names longer than this do not widen the name column; their row just runs longer. */
    private static final int MAX_NAME_COLUMN = 100;

    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                    .build())
            .defaultPrettyPrinter(new DefaultPrettyPrinter()
                    .withSeparators(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n")))
            .build();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the .safetensors file to inspect")
    Path file;

    @ArgGroup(exclusive = true)
    Sections sections = new Sections();

    @Option(names = "--filter", paramLabel = "TEXT",
            description = "list only tensors whose name contains TEXT (case-insensitive)")
    String filter;

    /** Which parts to print; at most one of the two options. */
    static final class Sections {
        @Option(names = "--metadata-only", description = "print the metadata only, not the tensors")
        boolean metadataOnly;

        @Option(names = "--no-metadata", description = "do not print the metadata")
        boolean noMetadata;
    }

    @Override
    public void run() {
        if (!Files.exists(file)) {
            throw new UserException(file + ": no such file");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            out.printf(Locale.ROOT, "File:       %s%n", SafeText.oneLine(file.getFileName().toString()));
            out.printf(Locale.ROOT, "Size:       %s (%,d bytes; header %,d bytes)%n", humanBytes(f.fileSize()),
                    f.fileSize(), f.headerSize());
            if (!sections.metadataOnly) {
                FileKind kind = FileKind.guess(f);
                out.printf(Locale.ROOT, "Looks like: %s%n", kind.summary());
                if (kind.kind() == FileKind.Kind.PEFT_LORA) {
                    out.printf(Locale.ROOT, "PEFT:       %s%n", SafeText.oneLine(peftConfigLine()));
                }
                printTensors(out, f);
            }
            if (!sections.noMetadata) {
                printMetadata(out, f.metadata());
            }
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": no such file", e);
        } catch (IOException e) {
            throw new UserException(file + ": could not be read (" + e.getMessage() + ")", e);
        }
        out.flush();
    }

    /** What the {@code adapter_config.json} next to a PEFT adapter says about the PEFT releases that load it. */
    private String peftConfigLine() {
        Path config = file.toAbsolutePath().resolveSibling(PeftAdapter.CONFIG);
        if (!Files.isRegularFile(config)) {
            return "no " + PeftAdapter.CONFIG + " next to this file; PEFT needs it to load the adapter";
        }
        try {
            return PeftAdapter.CONFIG + " " + PeftCompatibility.of(config).describe();
        } catch (UserException e) {
            return e.getMessage();
        }
    }

    private void printTensors(PrintWriter out, SafetensorsFile f) {
        String needle = filter == null ? null : filter.toLowerCase(Locale.ROOT);
        List<TensorInfo> rows = new ArrayList<>();
        for (TensorInfo t : f.tensors().values()) {
            if (needle == null || t.name().toLowerCase(Locale.ROOT).contains(needle)) {
                rows.add(t);
            }
        }
        rows.sort(Comparator.comparing(TensorInfo::name, InspectCommand::compareNatural));
        List<String[]> cells = new ArrayList<>();
        long params = 0;
        long bytes = 0;
        for (TensorInfo t : rows) {
            cells.add(new String[] {SafeText.oneLine(t.name()), t.dtype().name(), t.shapeString(),
                    humanBytes(t.byteSize())});
            params += t.numel();
            bytes += t.byteSize();
        }
        out.println();
        if (!rows.isEmpty()) {
            int[] w = {"NAME".length(), "DTYPE".length(), "SHAPE".length(), "SIZE".length()};
            for (String[] c : cells) {
                w[0] = Math.max(w[0], Math.min(MAX_NAME_COLUMN, c[0].length()));
                for (int i = 1; i < 4; i++) {
                    w[i] = Math.max(w[i], c[i].length());
                }
            }
            String format = "%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %" + w[3] + "s%n";
            out.printf(Locale.ROOT, format, "NAME", "DTYPE", "SHAPE", "SIZE");
            for (String[] c : cells) {
                out.printf(Locale.ROOT, format, (Object[]) c);
            }
            out.println();
        }
        String count = filter == null ? rows.size() + (rows.size() == 1 ? " tensor" : " tensors")
                : rows.size() + " of " + f.tensors().size() + " tensors match '" + SafeText.shorten(filter, 80) + "'";
        out.printf(Locale.ROOT, "%s, %,d parameters, %s%n", count, params, humanBytes(bytes));
    }

    private static void printMetadata(PrintWriter out, Map<String, String> metadata) {
        out.println();
        if (metadata.isEmpty()) {
            out.println("Metadata: none");
            return;
        }
        out.printf(Locale.ROOT, "Metadata (%d %s):%n", metadata.size(), metadata.size() == 1 ? "entry" : "entries");
        List<String> keys = new ArrayList<>(metadata.keySet());
        keys.sort(InspectCommand::compareNatural);
        for (String key : keys) {
            List<String> lines = valueLines(metadata.get(key));
            String k = "  " + SafeText.shorten(key, 200) + ":";
            if (lines.size() == 1) {
                out.println(k + " " + lines.get(0));
            } else {
                out.println(k);
                for (String line : lines) {
                    out.println("      " + line);
                }
            }
        }
    }

    /** A metadata value as printable lines: JSON pretty-printed, plain text cut, both escaped. */
    static List<String> valueLines(String value) {
        List<String> lines = new ArrayList<>();
        String pretty = prettyJson(value);
        if (pretty != null) {
            String[] all = pretty.split("\n", -1);
            int shown = all.length > MAX_JSON_LINES ? MAX_JSON_LINES - 1 : all.length;
            for (int i = 0; i < shown; i++) {
                lines.add(SafeText.oneLine(all[i]));
            }
            if (shown < all.length) {
                lines.add(String.format(Locale.ROOT, "… (%,d more lines)", all.length - shown));
            }
            return lines;
        }
        boolean cut = value.length() > MAX_VALUE_CHARS;
        String shown = cut ? value.substring(0, MAX_VALUE_CHARS) : value;
        for (String line : shown.split("\\R", -1)) {
            lines.add(SafeText.oneLine(line));
        }
        if (cut) {
            int last = lines.size() - 1;
            lines.set(last, lines.get(last) + String.format(Locale.ROOT, "… (truncated; %,d characters in all)",
                    value.length()));
        }
        return lines;
    }

    /** The value pretty-printed if it is a JSON object or array (kohya stores those as strings), else null. */
    private static String prettyJson(String value) {
        String v = value.strip();
        boolean looksLikeJson = v.startsWith("{") && v.endsWith("}") || v.startsWith("[") && v.endsWith("]");
        if (!looksLikeJson || v.length() > MAX_JSON_CHARS) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(v);
            return node == null ? null : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return null; // not JSON after all: shown as plain text
        }
    }

    /** Decimal units as in file managers: 999 B, 8.53 MB, 3.22 GB. */
    static String humanBytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = -1;
        while (v >= 999.995 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** Orders names with digit runs compared as numbers ({@code layers.2} before {@code layers.10}); total order. */
    static int compareNatural(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int ei = digitsEnd(a, i);
                int ej = digitsEnd(b, j);
                int c = compareDigits(a.substring(i, ei), b.substring(j, ej));
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b); // "01" vs "1": fall back to plain order so distinct names never tie
    }

    private static int digitsEnd(String s, int from) {
        int e = from;
        while (e < s.length() && Character.isDigit(s.charAt(e))) {
            e++;
        }
        return e;
    }

    private static int compareDigits(String x, String y) {
        String a = x.replaceFirst("^0+(?=.)", "");
        String b = y.replaceFirst("^0+(?=.)", "");
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
}
