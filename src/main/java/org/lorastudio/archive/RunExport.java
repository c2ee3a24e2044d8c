package org.lorastudio.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.lorastudio.run.RunFolder;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.Hashing;
import org.lorastudio.util.UserException;

/**
 * One run as one zip file ({@code runs export}), to hand to someone or to keep with the weights that Git does not
 * hold: every file of the run folder under {@code <run-id>/}, weights and {@code checkpoints/} only on request,
 * plus {@value #MANIFEST} at the root listing each file's SHA-256 in {@code sha256sum} format, so that
 * {@code unzip x.zip && sha256sum -c MANIFEST.sha256} checks it without LoRA Studio, and {@link #verify} checks it
 * without unpacking.
 */
public final class RunExport {
    /** The manifest's name at the zip's root. */
    public static final String MANIFEST = "MANIFEST.sha256";
    private static final int BUFFER = 1 << 16;

    private RunExport() {
    }

    /**
     * What was exported.
     *
     * @param zip the zip file
     * @param files the files packed (the manifest not counted), as paths inside the zip
     * @param bytes their total size
     */
    public record Result(Path zip, List<String> files, long bytes) {
        public Result {
            files = List.copyOf(files);
        }
    }

    /**
     * Packs {@code run} into {@code zip}, written atomically (a reader never sees half a zip).
     *
     * @param withWeights include LoRA files and {@code checkpoints/}
     * @throws UserException when the zip would be written inside the run folder it packs
     */
    public static Result export(RunFolder run, Path zip, boolean withWeights) throws IOException {
        Path dir = run.dir().toAbsolutePath().normalize();
        if (zip.toAbsolutePath().normalize().startsWith(dir)) {
            throw new UserException("cannot write the export " + zip + " inside the run folder it packs; choose"
                    + " another --out");
        }
        String root = run.id().value();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !isTemporary(p))
                    .filter(p -> withWeights || !RunArchive.isWeight(rel(dir, p)))
                    .sorted().toList();
        }
        Map<String, String> sums = new TreeMap<>();
        long[] total = {0};
        AtomicFiles.write(zip, out -> {
            ZipOutputStream zos = new ZipOutputStream(out, StandardCharsets.UTF_8);
            byte[] buffer = new byte[BUFFER];
            for (Path p : files) {
                String name = root + "/" + rel(dir, p);
                ZipEntry entry = new ZipEntry(name);
                entry.setLastModifiedTime(FileTime.from(Files.getLastModifiedTime(p).toInstant()));
                zos.putNextEntry(entry);
                MessageDigest digest = Hashing.newSha256();
                try (InputStream in = Files.newInputStream(p)) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        digest.update(buffer, 0, n);
                        zos.write(buffer, 0, n);
                        total[0] += n;
                    }
                }
                zos.closeEntry();
                sums.put(name, HexFormat.of().formatHex(digest.digest()));
            }
            zos.putNextEntry(new ZipEntry(MANIFEST));
            zos.write(manifest(sums).getBytes(StandardCharsets.UTF_8));
            zos.closeEntry();
            zos.finish();
        });
        return new Result(zip, List.copyOf(sums.keySet()), total[0]);
    }

    /** The manifest text: {@code <sha256>  <path>} per line, sorted by path, as {@code sha256sum} writes it. */
    static String manifest(Map<String, String> sums) {
        StringBuilder sb = new StringBuilder();
        sums.forEach((name, sum) -> sb.append(sum).append("  ").append(name).append('\n'));
        return sb.toString();
    }

    /**
     * Checks an export against its manifest by recomputing every entry's SHA-256: returns one sentence per
     * problem (a changed, missing, unlisted or duplicated file, a bad manifest line), empty when the zip is intact.
     *
     * @throws UserException when the file is not a readable zip
     */
    public static List<String> verify(Path zip) throws IOException {
        Map<String, String> actual = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String manifest = null;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip), StandardCharsets.UTF_8)) {
            byte[] buffer = new byte[BUFFER];
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.isDirectory()) {
                    continue;
                }
                if (e.getName().equals(MANIFEST)) {
                    manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    continue;
                }
                MessageDigest digest = Hashing.newSha256();
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
                if (actual.put(e.getName(), HexFormat.of().formatHex(digest.digest())) != null) {
                    problems.add(e.getName() + " is in the zip twice");
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new UserException(zip + " is not a valid zip file: " + e.getMessage(), e);
        }
        if (manifest == null) {
            problems.add("the zip has no " + MANIFEST + "; it was not made by 'runs export'");
            return problems;
        }
        Map<String, String> listed = new LinkedHashMap<>();
        int lineNr = 0;
        for (String line : manifest.split("\n")) {
            lineNr++;
            if (line.isBlank()) {
                continue;
            }
            if (!line.matches("[0-9a-f]{64}  .+")) {
                problems.add(MANIFEST + " line " + lineNr + " is not '<sha256>  <path>': " + line);
                continue;
            }
            listed.put(line.substring(66), line.substring(0, 64));
        }
        listed.forEach((name, sum) -> {
            String found = actual.get(name);
            if (found == null) {
                problems.add(name + " is listed in " + MANIFEST + " but missing from the zip");
            } else if (!found.equals(sum)) {
                problems.add(name + " has SHA-256 " + found + ", the manifest says " + sum + " (changed or damaged)");
            }
        });
        actual.keySet().stream().filter(n -> !listed.containsKey(n))
                .forEach(n -> problems.add(n + " is in the zip but not listed in " + MANIFEST));
        return problems;
    }

    private static String rel(Path dir, Path p) {
        return dir.relativize(p).toString().replace('\\', '/');
    }

    /** {@link AtomicFiles}' temporary files ({@code .notes.md.123.tmp}) are never part of a run. */
    private static boolean isTemporary(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(".") && n.endsWith(".tmp");
    }
}
