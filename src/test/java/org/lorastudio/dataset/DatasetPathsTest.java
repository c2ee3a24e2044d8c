package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatasetPathsTest {
    @Test
    void namesThatLeaveTheFolderAreRefusedAsText() {
        String[] hostile = {"../outside.png", "a/../../x.png", "sub/../a.png", "/etc/passwd", "C:\\x.png", "C:x.png",
                "c:/x.png", "..\\outside.png", "a\\..\\..\\b.png", "\\\\server\\share\\x.png", "", "a\0.png", "dir/",
                ".", "./"};
        for (String name : hostile) {
            assertThat(DatasetPaths.checkName(name).refusal()).as(name).isPresent();
            assertThat(DatasetPaths.checkName(name).name()).as(name).isEmpty();
        }
    }

    @Test
    void relativeNamesAreNormalised() {
        assertThat(DatasetPaths.checkName("a.png").name()).contains("a.png");
        assertThat(DatasetPaths.checkName("./a.png").name()).contains("a.png");
        assertThat(DatasetPaths.checkName("10_cat//b.png").name()).contains("10_cat/b.png");
        assertThat(DatasetPaths.checkName("..a.png").name()).contains("..a.png");
    }
}
