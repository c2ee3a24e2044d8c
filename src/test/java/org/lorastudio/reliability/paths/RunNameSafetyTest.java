package org.lorastudio.reliability.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.RunCatalog;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunId;
import org.lorastudio.util.UserException;

/**
 * Issue 9, item 5, for names: a run's experiment name becomes a folder name (its run id) and part of the LoRA file
 * names. Hostile names are turned into real folders and files here, and each must be a single, portable, bounded
 * and unique name inside the runs folder: no separators, no {@code ..}, no control characters, no trailing dot or
 * space, never a Windows device name, at most 255 bytes, and two runs never share a folder.
 */
class RunNameSafetyTest {
    static final List<String> HOSTILE_NAMES = List.of("CON", "con", "aux.txt", "NUL.tar.gz", "COM1", "lpt9.x",
            "\uFF23\uFF2F\uFF2E", "con.", "..", ".", "...", "../../etc/passwd", "a/b", "a\\b", "C:\\Windows\\x",
            "C:", "name\u0000x", "tab\tnew\nline\r", "bell\u0007esc\u001b", "trailing dots...", "trailing spaces   ",
            "  leading", "ünïcödé ñame", "中文名字", "😀🎉", "", "-", "_", ".hidden", "CON .txt", "a:b", "a*b?c\"<>|",
            "\u202Egnp.exe", "zero\u200Bwidth", "x".repeat(10_000), "語".repeat(300), "a".repeat(47) + "-b",
            "COM¹", "-rf --no-preserve-root", "$(rm -rf ~)", "%APPDATA%", "~", "name.", "name ");
    /** Characters every file system (and a shell without quoting) takes; what the id spec allows. */
    private static final Pattern SAFE_ID = Pattern.compile("\\d{8}-\\d{6}-[a-z0-9][a-z0-9._-]*(-\\d+)?");
    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul", "com1", "com2", "com3",
            "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7",
            "lpt8", "lpt9");

    @TempDir
    Path tmp;

    @Test
    void hostileNamesBecomeSafeUniqueRunFolders() throws IOException {
        Path runs = tmp.resolve("runs");
        Instant now = Instant.parse("2026-11-29T07:15:30Z");
        Set<Path> made = new HashSet<>();
        for (String name : HOSTILE_NAMES) {
            RunFolder run = RunFolder.create(runs, name, "sd15", "name: x\n", now);
            Path dir = run.dir();
            String id = dir.getFileName().toString();
            assertThat(dir.getParent()).as("parent of the folder for %s", printable(name)).isEqualTo(runs);
            assertThat(id).as("id for %s", printable(name)).matches(SAFE_ID);
            assertThat(id).doesNotContain("..").doesNotEndWith(".").doesNotEndWith(" ");
            assertThat(id.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(16 + RunId.MAX_NAME_LENGTH + 8);
            assertThat(made.add(dir)).as("a new folder for %s", printable(name)).isTrue();
            assertThat(Files.isRegularFile(dir.resolve("run.json"))).isTrue();
            String part = RunId.sanitizeName(name);
            assertThat(part).isNotEmpty().hasSizeLessThanOrEqualTo(RunId.MAX_NAME_LENGTH);
            String stem = part.contains(".") ? part.substring(0, part.indexOf('.')) : part;
            assertThat(WINDOWS_DEVICES).as("name part %s", part).doesNotContain(stem.toLowerCase(Locale.ROOT));
        }
        try (var list = Files.list(runs)) {
            assertThat(list.count()).isEqualTo(HOSTILE_NAMES.size());
        }
    }

    @Test
    void sameNameInTheSameSecondAndNamesThatSanitizeAlikeGetTheirOwnFolders() throws IOException {
        Path runs = tmp.resolve("runs");
        Instant now = Instant.parse("2026-11-29T07:15:30Z");
        List<String> ids = new ArrayList<>();
        for (String name : List.of("Café", "cafe", "CAFE", "café ", "ca/fe", "cafe", "cafe")) {
            ids.add(RunFolder.create(runs, name, "sd15", "name: x\n", now).id().value());
        }
        assertThat(ids).doesNotHaveDuplicates().startsWith("20261129-071530-cafe", "20261129-071530-cafe-2");
        // on a case-insensitive file system the ids must differ in more than case
        assertThat(ids.stream().map(s -> s.toLowerCase(Locale.ROOT))).doesNotHaveDuplicates();
    }

    @Test
    void runIdsRefuseEverythingButOneFolderName() {
        for (String bad : List.of("..", ".", "a/b", "a\\b", "../x", "", " ", "x\u0000")) {
            assertThatThrownBy(() -> new RunId(bad)).as(printable(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void runReferencesResolveInsideTheRunsFolderOrAsAnExplicitPath() throws IOException {
        Path runs = tmp.resolve("runs");
        RunFolder run = RunFolder.create(runs, "mine", "sd15", "name: x\n", Instant.parse("2026-11-29T07:15:30Z"));
        Files.createDirectories(tmp.resolve("elsewhere"));
        RunCatalog catalog = new RunCatalog(runs);
        assertThat(catalog.resolve("mine").dir()).isEqualTo(run.dir());
        // a path is explicit: it must be a run folder, never a folder that merely exists
        String elsewhere = tmp.resolve("elsewhere").toString();
        assertThatThrownBy(() -> catalog.resolve(elsewhere)).isInstanceOf(UserException.class)
                .hasMessageContaining("not a run folder");
        assertThatThrownBy(() -> catalog.resolve(runs.resolve("../elsewhere").toString()))
                .isInstanceOf(UserException.class).hasMessageContaining("not a run folder");
        assertThatThrownBy(() -> catalog.resolve("..")).isInstanceOf(UserException.class);
    }

    /**
     * The LoRA file names ({@code <semantic-name>-step<N>.safetensors}) of the longest names a config allows must
     * be creatable: file systems count bytes, and 80 CJK characters are 240 of the 255.
     */
    @Test
    void loraFileNamesOfTheLongestAllowedNamesFitTheFileSystem() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        for (String name : List.of("語".repeat(80), "😀".repeat(40), "a".repeat(80), "ü".repeat(80), "CON", "_._",
                "x" + "\u0301".repeat(79), "a.b.c")) {
            TrainingConfig config = ConfigLoader.load("name: '" + name + "'\nbase_model: m.safetensors\n"
                    + "train_data_dir: data\nlora_rank: 1024\nlearning_rate: 1.2345e-4\nmax_train_steps: 1000000\n",
                    "long.yaml", tmp, List.of()).config();
            String file = config.semanticName() + "-step1000000.safetensors";
            assertThat(file.getBytes(StandardCharsets.UTF_8).length).as("bytes of %s", file).isLessThanOrEqualTo(255);
            assertThat(file).doesNotContain("/", "\\", ":", "..").doesNotStartWith(".");
            Path created = Files.createFile(dir.resolve(file));
            assertThat(created.getParent()).isEqualTo(dir);
            Files.delete(created);
        }
        for (String refused : List.of("..", "a/b", "a\\b", "c:d", "x".repeat(81))) {
            assertThatThrownBy(() -> ConfigLoader.load("name: '" + refused + "'\nbase_model: m.safetensors\n"
                    + "train_data_dir: data\n", "bad.yaml", tmp, List.of())).as(refused)
                    .isInstanceOf(UserException.class).hasMessageContaining("bad.yaml: name:");
        }
    }

    private static String printable(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        StringBuilder sb = new StringBuilder();
        shown.codePoints().forEach(c -> sb.append(c < 0x20 ? String.format("\\u%04x", c) : Character.toString(c)));
        return "'" + sb + "'";
    }
}
