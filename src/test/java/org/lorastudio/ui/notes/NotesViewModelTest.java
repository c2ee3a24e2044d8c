package org.lorastudio.ui.notes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.NotesTemplate;
import org.lorastudio.run.RunFolder;
import org.lorastudio.ui.runs.FakeRuns;

class NotesViewModelTest {
    static final String HOSTILE = """
            # Run
            <script>alert('x')</script>

            Inline <img src=http://evil.example/track.png onerror="alert(1)"> and <b>bold</b>.

            [click me](javascript:alert(1)) and [ok](https://example.com/paper) and [also](JavaScript:void(0))

            ![remote](https://evil.example/pixel.gif) ![local](samples/step20-p0.png) ![ref][r]

            <iframe src="https://evil.example"></iframe>

            [r]: //evil.example/ref.png
            """;

    @TempDir
    Path workspace;
    RunFolder a;
    RunFolder b;
    SimpleObjectProperty<Path> run = new SimpleObjectProperty<>();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    NotesViewModel vm;

    @BeforeEach
    void setUp() throws IOException {
        Path runs = workspace.resolve("runs");
        a = FakeRuns.completed(runs, "first", Instant.parse("2026-11-01T10:00:00Z"), 4, "1e-3", 2, 10, 0.5, List.of());
        b = FakeRuns.completed(runs, "second", Instant.parse("2026-11-02T10:00:00Z"), 8, "1e-3", 2, 10, 0.5,
                List.of());
        vm = new NotesViewModel(runs, run, Runnable::run, Runnable::run, timer, 100, 20);
    }

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
    }

    @Test
    void opensTheNewestRunAndShowsWhichSectionsAreFilled() {
        vm.refreshRuns().join();
        assertThat(run.get()).isEqualTo(b.dir());
        assertThat(vm.textProperty().get()).contains("Does rank 8 learn");
        assertThat(vm.dirtyProperty().get()).isFalse();
        assertThat(vm.sections()).extracting(NotesSections.Section::title)
                .containsExactly("Goal", "Data", "Config changes", "Results", "Conclusion");
        assertThat(vm.sections().get(0).state()).isEqualTo(NotesSections.State.FILLED);
        assertThat(vm.sections().get(1).state()).isEqualTo(NotesSections.State.EMPTY);
        assertThat(vm.htmlProperty().get()).contains("<h2>Goal</h2>");
    }

    @Test
    void autosavesAfterTypingStops() throws Exception {
        vm.refreshRuns().join();
        vm.textProperty().set(vm.textProperty().get() + "\nMore thoughts.\n");
        assertThat(vm.dirtyProperty().get()).isTrue();
        waitFor(() -> b.notesText().contains("More thoughts."));
        waitFor(() -> !vm.dirtyProperty().get());
        // the status line follows the dirty flag on the same save callback; on a loaded machine it can lag a moment
        waitFor(() -> vm.statusProperty().get().startsWith("Saved"));
        assertThat(vm.statusProperty().get()).startsWith("Saved");
    }

    @Test
    void switchingRunsSavesTheEditFirst() {
        vm.refreshRuns().join();
        vm.textProperty().set("# edited before switching\n");
        run.set(a.dir());
        assertThat(b.notesText()).isEqualTo("# edited before switching\n");
        assertThat(vm.textProperty().get()).contains("Does rank 4 learn");
        assertThat(vm.dirtyProperty().get()).isFalse();
    }

    @Test
    void closingSavesOnTheCallingThread() {
        vm.refreshRuns().join();
        vm.textProperty().set("closing now\n");
        assertThat(vm.saveNow()).isTrue();
        assertThat(b.notesText()).isEqualTo("closing now\n");
    }

    @Test
    void anOutsideChangeIsKeptAsACopyBeforeSaving() throws IOException {
        vm.refreshRuns().join();
        Files.writeString(b.notesFile(), "written by the trainer\n");
        vm.textProperty().set("my edit\n");
        vm.save().join();
        assertThat(b.notesText()).isEqualTo("my edit\n");
        try (Stream<Path> s = Files.list(b.dir())) {
            Path copy = s.filter(p -> p.getFileName().toString().startsWith("notes.conflict-")).findFirst()
                    .orElseThrow();
            assertThat(Files.readString(copy)).isEqualTo("written by the trainer\n");
        }
        assertThat(vm.statusProperty().get()).contains("kept as notes.conflict-");
    }

    @Test
    void insertTemplateFillsAnEmptyNotesFile() throws IOException {
        Files.writeString(a.notesFile(), "");
        run.set(a.dir());
        assertThat(vm.textProperty().get()).isEmpty();
        vm.insertTemplate();
        assertThat(vm.textProperty().get()).startsWith("# first\n").contains("## Conclusion");
        assertThat(vm.dirtyProperty().get()).isTrue();
    }

    @Test
    void previewOfHostileNotesHasNoScriptAndNoRemoteUrl() {
        String page = new MarkdownRenderer().page(HOSTILE, a.dir());
        String lower = page.toLowerCase(java.util.Locale.ROOT);
        assertThat(lower).doesNotContain("<script").doesNotContain("<iframe").doesNotContain("<img src=http")
                .doesNotContain("onerror=\"").doesNotContain("<b>");
        assertThat(lower).doesNotContainPattern("(href|src)=\"\\s*javascript:");
        assertThat(page).contains("click me and");
        assertThat(lower).doesNotContain("src=\"http").doesNotContain("evil.example/pixel");
        assertThat(page).contains("&lt;script&gt;").contains("alt=\"" + MarkdownRenderer.BLOCKED_ALT + "\"")
                .contains("src=\"samples/step20-p0.png\"").contains("Content-Security-Policy");
        // the only remaining web address is a link the user clicks (opened in the system browser), never a load
        assertThat(page).contains("href=\"https://example.com/paper\"");
        assertThat(page.replace("href=\"https://example.com/paper\"", "")).doesNotContainPattern(
                "(src|href)=\"(https?:)?//");
    }

    @Test
    void sectionsReportMissingAndExtraHeadings() {
        List<NotesSections.Section> s = NotesSections.analyze("# x\n## Goal\nfind out\n## Extra\n\n",
                NotesTemplate.standard());
        assertThat(s).extracting(NotesSections.Section::state).containsExactly(NotesSections.State.FILLED,
                NotesSections.State.MISSING, NotesSections.State.MISSING, NotesSections.State.MISSING,
                NotesSections.State.MISSING, NotesSections.State.EMPTY);
        assertThat(s.get(5).fromTemplate()).isFalse();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void previewHidesHtmlCommentsSuchAsTheFactMarkersButNotInCode() {
        String html = new MarkdownRenderer().html("# Run\n\n<!-- data:begin (written by LoRA Studio) -->\n"
                + "- **Images:** 32\n<!-- data:end -->\n\ntext <!-- inline --> more\n\n```\n<!-- kept -->\n```\n");
        assertThat(html).doesNotContain("data:begin").doesNotContain("data:end").doesNotContain("inline")
                .contains("<strong>Images:</strong> 32").contains("&lt;!-- kept --&gt;");
    }
}
