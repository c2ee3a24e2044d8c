package org.lorastudio.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RunIdTest {
    private static final Instant T = Instant.parse("2026-11-29T07:15:30.750Z");

    @Test
    void idIsUtcTimestampToTheSecondThenName() {
        RunId id = RunId.generate("cyberpunk", T, s -> false);
        assertThat(id.value()).isEqualTo("20261129-071530-cyberpunk");
        assertThat(id.time()).contains(Instant.parse("2026-11-29T07:15:30Z"));
        assertThat(id.label()).isEqualTo("cyberpunk");
    }

    @Test
    void collisionInTheSameSecondGetsNumberedSuffix() {
        Set<String> taken = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            String id = RunId.generate("cyberpunk", T, taken::contains).value();
            taken.add(id);
            ids.add(id);
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids.subList(0, 3)).containsExactly("20261129-071530-cyberpunk", "20261129-071530-cyberpunk-2",
                "20261129-071530-cyberpunk-3");
        assertThat(ids.get(10)).isEqualTo("20261129-071530-cyberpunk-11");
    }

    @Test
    void idsSortByTimeAndCollisionNumberNumerically() {
        List<RunId> ids = new ArrayList<>(List.of(
                new RunId("20261129-071530-cyberpunk-10"),
                new RunId("20261201-000000-aaa"),
                new RunId("20261129-071530-cyberpunk-2"),
                new RunId("20251231-235959-zzz"),
                new RunId("20261129-071530-cyberpunk")));
        ids.sort(null);
        assertThat(ids).extracting(RunId::value).containsExactly(
                "20251231-235959-zzz",
                "20261129-071530-cyberpunk",
                "20261129-071530-cyberpunk-2",
                "20261129-071530-cyberpunk-10",
                "20261201-000000-aaa");
    }

    @Test
    void laterRunsSortAfterEarlierOnesWhateverTheirNames() {
        RunId early = RunId.generate("zebra", T, s -> false);
        RunId late = RunId.generate("aardvark", T.plusSeconds(1), s -> false);
        assertThat(early).isLessThan(late);
    }

    @Test
    void pathTraversalIsRemovedFromTheName() {
        assertThat(RunId.sanitizeName("../evil")).isEqualTo("evil");
        assertThat(RunId.sanitizeName("a/../../b")).isEqualTo("a-b");
        assertThat(RunId.sanitizeName("..")).isEqualTo("run");
        assertThat(RunId.sanitizeName("C:\\Windows\\x")).isEqualTo("c-windows-x");
        assertThat(RunId.generate("../evil", T, s -> false).value()).isEqualTo("20261129-071530-evil");
    }

    @Test
    void windowsDeviceNamesAreAvoided() {
        assertThat(RunId.sanitizeName("CON")).isEqualTo("con_");
        assertThat(RunId.sanitizeName("nul")).isEqualTo("nul_");
        assertThat(RunId.sanitizeName("Com1.txt")).isEqualTo("com1_.txt");
        assertThat(RunId.sanitizeName("console")).isEqualTo("console");
    }

    @Test
    void longNamesAreCapped() {
        String name = RunId.sanitizeName("x".repeat(500));
        assertThat(name).hasSize(RunId.MAX_NAME_LENGTH);
        assertThat(RunId.sanitizeName("a".repeat(RunId.MAX_NAME_LENGTH - 1) + "-bcd")).doesNotEndWith("-");
    }

    @Test
    void unicodeIsFoldedToASafeLowerCaseCharset() {
        assertThat(RunId.sanitizeName("Café Crème")).isEqualTo("cafe-creme");
        assertThat(RunId.sanitizeName("Straße № 5")).isEqualTo("stra-e-no-5");
        assertThat(RunId.sanitizeName("猫の絵")).isEqualTo("run");
        assertThat(RunId.sanitizeName("my style 🎨 v2")).isEqualTo("my-style-v2");
        assertThat(RunId.sanitizeName("  Cyberpunk City, v2!  ")).isEqualTo("cyberpunk-city-v2");
        assertThat(RunId.sanitizeName("lr1.5e-4_r16")).isEqualTo("lr1.5e-4_r16");
        assertThat(RunId.sanitizeName(null)).isEqualTo("run");
    }

    @Test
    void everySanitizedNameIsASafeFolderName() {
        for (String raw : List.of("../evil", "CON", "a\u0000b", ".hidden", "-x-", "a:b*c?d\"e<f>g|h", "\t\n")) {
            String s = RunId.sanitizeName(raw);
            assertThat(s).matches("[a-z0-9][a-z0-9._-]*").doesNotContain("..");
            assertThat(new RunId("20261129-071530-" + s).value()).isNotBlank();
        }
    }

    @Test
    void idMustBeOneFolderName() {
        assertThatThrownBy(() -> new RunId("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunId("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunId(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RunId("old-run").time()).isEmpty();
        assertThat(new RunId("old-run").label()).isEqualTo("old-run");
    }
}
