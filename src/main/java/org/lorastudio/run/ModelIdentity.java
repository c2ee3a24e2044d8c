package org.lorastudio.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.lorastudio.util.Hashing;

/**
 * Which base model a run used: the path as configured, plus size and SHA-256, because a path alone does not say
 * whether the file behind it was replaced since.
 *
 * @param path the path as given in the config
 * @param sizeBytes total size in bytes (all files, for a model folder)
 * @param sha256 hex SHA-256 of the file; for a folder, of the list of its files' relative paths and hashes
 */
@JsonPropertyOrder({"path", "size_bytes", "sha256"})
public record ModelIdentity(
        @JsonProperty("path") String path,
        @JsonProperty("size_bytes") long sizeBytes,
        @JsonProperty("sha256") String sha256) {

    /**
     * Hashes a single-file model or a model folder (diffusers or HF layout). Reading a multi-GB model takes
     * seconds, so the trainer calls this once per run, before step 1.
     */
    public static ModelIdentity of(Path model) throws IOException {
        if (!Files.isDirectory(model)) {
            return new ModelIdentity(model.toString(), Files.size(model), Hashing.sha256(model));
        }
        MessageDigest digest = Hashing.newSha256();
        long size = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(model)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            String rel = model.relativize(f).toString().replace('\\', '/');
            String line = rel + "  " + Hashing.sha256(f) + "\n";
            digest.update(line.getBytes(StandardCharsets.UTF_8));
            size += Files.size(f);
        }
        return new ModelIdentity(model.toString(), size, HexFormat.of().formatHex(digest.digest()));
    }
}
