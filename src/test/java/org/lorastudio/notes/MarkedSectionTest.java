package org.lorastudio.notes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lorastudio.run.NotesTemplate;

class MarkedSectionTest {
    private static final MarkedSection S = MarkedSection.RESULTS;

    @Test
    void firstInsertGoesUnderTheHeadingAndItsHint() {
        String notes = "# x\n\n## Results\n\n_hint_\n\n## Conclusion\n\nmine\n";
        String out = S.insertInto(notes, "a\n");
        assertThat(out).isEqualTo("# x\n\n## Results\n\n_hint_\n\n<!-- results:begin (written by LoRA Studio; "
                + "edit outside the markers, text inside is replaced) -->\na\n<!-- results:end -->\n\n"
                + "## Conclusion\n\nmine\n");
    }

    @Test
    void replacingKeepsEveryByteOutsideTheMarkers() {
        String first = S.insertInto("## Results\n\n_hint_\n\n## Conclusion\n", "one\n");
        int begin = first.indexOf("<!-- results:begin");
        String edited = first.substring(0, begin) + "my text before\n" + first.substring(begin)
                .replace("<!-- results:end -->\n", "<!-- results:end -->\nmy text after ✓\r\n  spaces  \n");
        String second = S.insertInto(edited, "two\nlines\n");
        String third = S.insertInto(second, "three\n");
        int b2 = third.indexOf("<!-- results:begin");
        int e2 = third.indexOf("<!-- results:end -->") + "<!-- results:end -->\n".length();
        int b1 = edited.indexOf("<!-- results:begin");
        int e1 = edited.indexOf("<!-- results:end -->") + "<!-- results:end -->\n".length();
        assertThat(third.substring(0, b2)).isEqualTo(edited.substring(0, b1));
        assertThat(third.substring(e2)).isEqualTo(edited.substring(e1));
        assertThat(S.contentIn(third)).contains("three\n");
        assertThat(third).containsOnlyOnce("results:begin").containsOnlyOnce("results:end");
    }

    @Test
    void aDeletedEndMarkerEndsTheBlockAtTheNextHeading() {
        String notes = "## Results\n\n<!-- results:begin -->\nold\n\n## Conclusion\nkeep\n";
        String out = S.insertInto(notes, "new\n");
        assertThat(out).isEqualTo("## Results\n\n" + S.wrap("new\n") + "## Conclusion\nkeep\n");
    }

    @Test
    void missingHeadingAppendsASection() {
        assertThat(S.insertInto("mine", "x\n")).isEqualTo("mine\n\n## Results\n\n" + S.wrap("x\n"));
    }

    @Test
    void sectionsAreIndependent() {
        String notes = NotesTemplate.standard().render("n", "id", java.time.LocalDate.of(2026, 1, 1));
        String out = MarkedSection.DATA.insertInto(notes, "data\n");
        out = MarkedSection.CONFIG_CHANGES.insertInto(out, "changes\n");
        out = MarkedSection.DATA.insertInto(out, "data 2\n");
        assertThat(out).containsSubsequence("## Data", "data 2", "## Config changes", "changes", "## Results");
        assertThat(out).doesNotContain("data\n<!--");
    }
}
