package org.lorastudio.ui.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.dataset.ProblemKind;
import org.lorastudio.dataset.TagEdit;
import org.lorastudio.model.clip.ClipTokenizer;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.ui.common.TaskExecutor;
import org.lorastudio.ui.common.UiTestData;
import org.lorastudio.util.UserException;

/** The Datasets screen's logic, on the test thread (same-thread executors, no FX toolkit). */
class DatasetsViewModelTest {
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path tmp;
    private Path workspace;
    private Path data;
    private final AtomicLong clock = new AtomicLong(0);
    private final List<String> errors = new ArrayList<>();
    private DatasetsViewModel vm;

    @BeforeEach
    void setUp() throws IOException {
        workspace = tmp.resolve("workspace");
        data = workspace.resolve("datasets").resolve("tags");
        UiTestData.png(data.resolve("a.png"), 600, 600, 0xcc3333);
        UiTestData.png(data.resolve("b.png"), 600, 600, 0x33cc33);
        UiTestData.png(data.resolve("c.png"), 100, 80, 0x3333cc);
        UiTestData.png(data.resolve("d.png"), 600, 600, 0x999999);
        Files.writeString(data.resolve("a.txt"), "1girl, neon lights, rain");
        Files.writeString(data.resolve("b.txt"), "neon lights, city\n");
        Files.writeString(data.resolve("c.txt"), "rain, umbrella");
        vm = new DatasetsViewModel(workspace, TaskExecutor.sameThread(), TaskExecutor.sameThread(), clock::get);
        vm.setErrorHandler(errors::add);
    }

    private ImageEntry entry(String name) {
        return vm.entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    private String disk(String file) throws IOException {
        return Files.readString(data.resolve(file), StandardCharsets.UTF_8);
    }

    private void type(String text) {
        clock.addAndGet(2 * SECOND);
        vm.editorTextProperty().set(text);
    }

    @Test
    void openingAFolderListsImagesSelectsTheFirstAndLoadsItsCaption() {
        vm.refreshFolders();
        assertThat(vm.folders()).containsExactly(data);
        vm.open(data);
        assertThat(vm.entries()).extracting(ImageEntry::name).containsExactly("a.png", "b.png", "c.png", "d.png");
        assertThat(vm.current().name()).isEqualTo("a.png");
        assertThat(vm.editorTextProperty().get()).isEqualTo("1girl, neon lights, rain");
        assertThat(vm.tags()).containsExactly("1girl", "neon lights", "rain");
        assertThat(vm.frequencies().get(0).tag()).isEqualTo("neon lights");
        assertThat(vm.frequencies().get(0).count()).isEqualTo(2);
        assertThat(vm.statusProperty().get()).contains("4 images").contains("1 without caption");
        assertThat(errors).isEmpty();
    }

    @Test
    void editedCaptionReachesTheDiskOnSaveKeepingTheFileConventions() throws IOException {
        vm.open(data);
        vm.select(entry("b.png"), DatasetsViewModel.SelectMode.SINGLE);
        type("neon lights, city, night");
        assertThat(entry("b.png").isDirty()).isTrue();
        vm.save();
        assertThat(disk("b.txt")).isEqualTo("neon lights, city, night\n");
        assertThat(entry("b.png").isDirty()).isFalse();
        assertThat(vm.statusProperty().get()).contains("all saved");
    }

    @Test
    void movingToAnotherImageSavesTheEditedCaption() throws IOException {
        vm.open(data);
        type("1girl, rain");
        vm.move(1);
        assertThat(vm.current().name()).isEqualTo("b.png");
        assertThat(disk("a.txt")).isEqualTo("1girl, rain");
    }

    @Test
    void aCaptionCanBeCreatedForAnImageWithoutOne() throws IOException {
        vm.open(data);
        vm.select(entry("d.png"), DatasetsViewModel.SelectMode.SINGLE);
        assertThat(vm.editorTextProperty().get()).isEmpty();
        vm.addTag("grey square");
        vm.saveAll();
        assertThat(disk("d.txt")).isEqualTo("grey square\n");
    }

    @Test
    void batchTagEditsApplyToTheWholeSelectionAndAreSaved() throws IOException {
        vm.open(data);
        vm.select(entry("a.png"), DatasetsViewModel.SelectMode.SINGLE);
        vm.select(entry("c.png"), DatasetsViewModel.SelectMode.RANGE);
        assertThat(vm.selection()).extracting(ImageEntry::name).containsExactly("a.png", "b.png", "c.png");

        assertThat(vm.batch(new TagEdit.Add("cyberpunk"))).isEqualTo(3);
        assertThat(disk("b.txt")).isEqualTo("neon lights, city, cyberpunk\n");
        assertThat(vm.batch(new TagEdit.Remove("rain"))).isEqualTo(2);
        assertThat(disk("a.txt")).isEqualTo("1girl, neon lights, cyberpunk");
        assertThat(vm.batch(new TagEdit.Replace("neon lights", "neon signs"))).isEqualTo(2);
        assertThat(vm.batch(new TagEdit.PrependTrigger("zxq style"))).isEqualTo(3);
        assertThat(disk("c.txt")).isEqualTo("zxq style, umbrella, cyberpunk");
        assertThat(vm.editorTextProperty().get()).isEqualTo("zxq style, umbrella, cyberpunk");
        assertThat(disk("a.txt")).isEqualTo("zxq style, 1girl, neon signs, cyberpunk");
        assertThat(disk("b.txt")).isEqualTo("zxq style, neon signs, city, cyberpunk\n");
        assertThat(vm.frequencies()).anyMatch(t -> t.tag().equals("zxq style") && t.count() == 3);
        assertThat(Files.exists(data.resolve("d.txt"))).isFalse();
    }

    @Test
    void ctrlClickTogglesAndBadTagsAreRefused() {
        vm.open(data);
        vm.select(entry("c.png"), DatasetsViewModel.SelectMode.TOGGLE);
        assertThat(vm.selection()).extracting(ImageEntry::name).containsExactly("a.png", "c.png");
        vm.select(entry("a.png"), DatasetsViewModel.SelectMode.TOGGLE);
        assertThat(vm.selection()).extracting(ImageEntry::name).containsExactly("c.png");
        assertThatThrownBy(() -> vm.batch(new TagEdit.Add("a, b"))).isInstanceOf(UserException.class);
        vm.selectAllVisible();
        assertThat(vm.selection()).hasSize(4);
    }

    @Test
    void undoAndRedoWorkPerCaptionAndGroupFastTyping() {
        vm.open(data);
        type("1girl, neon lights, rain, n");
        clock.addAndGet(SECOND / 10);
        vm.editorTextProperty().set("1girl, neon lights, rain, ni");
        clock.addAndGet(SECOND / 10);
        vm.editorTextProperty().set("1girl, neon lights, rain, night");
        vm.removeTag(0);
        assertThat(vm.editorTextProperty().get()).isEqualTo("neon lights, rain, night");

        vm.move(1);
        type("neon lights");
        vm.undo();
        assertThat(vm.editorTextProperty().get()).isEqualTo("neon lights, city");
        assertThat(vm.canUndoProperty().get()).isFalse();

        vm.move(-1);
        vm.undo();
        assertThat(vm.editorTextProperty().get()).isEqualTo("1girl, neon lights, rain, night");
        vm.undo();
        assertThat(vm.editorTextProperty().get()).isEqualTo("1girl, neon lights, rain");
        assertThat(vm.canRedoProperty().get()).isTrue();
        vm.redo();
        vm.redo();
        assertThat(vm.editorTextProperty().get()).isEqualTo("neon lights, rain, night");
        assertThat(vm.tags()).containsExactly("neon lights", "rain", "night");
    }

    @Test
    void tagChipsAddRemoveAndReorder() {
        vm.open(data);
        vm.addTag("night");
        vm.addTag("night");
        assertThat(vm.tags()).containsExactly("1girl", "neon lights", "rain", "night");
        vm.moveTag(3, 0);
        assertThat(vm.editorTextProperty().get()).isEqualTo("night, 1girl, neon lights, rain");
        vm.removeTag(2);
        assertThat(vm.tags()).containsExactly("night", "1girl", "rain");
    }

    @Test
    void autocompletionOffersDatasetTagsMostUsedFirstWithoutTheCaptionsOwn() {
        vm.open(data);
        vm.select(entry("c.png"), DatasetsViewModel.SelectMode.SINGLE);
        assertThat(vm.suggest("n")).containsExactly("neon lights");
        assertThat(vm.suggest("ra")).isEmpty();
        assertThat(vm.suggest("CIT")).containsExactly("city");
    }

    @Test
    void anExternalChangeIsDetectedAndNeverOverwritten() throws IOException {
        vm.open(data);
        type("1girl, my edit");
        Files.writeString(data.resolve("a.txt"), "changed elsewhere");
        vm.save();
        assertThat(disk("a.txt")).isEqualTo("changed elsewhere");
        assertThat(vm.conflicts()).hasSize(1);
        DatasetsViewModel.Conflict c = vm.conflicts().get(0);
        assertThat(c.entry().name()).isEqualTo("a.png");
        assertThat(c.diskText()).isEqualTo("changed elsewhere");
        vm.saveAll();
        assertThat(disk("a.txt")).isEqualTo("changed elsewhere");

        vm.reload(c);
        assertThat(vm.editorTextProperty().get()).isEqualTo("changed elsewhere");
        assertThat(vm.conflicts()).isEmpty();
        vm.undo();
        assertThat(vm.editorTextProperty().get()).isEqualTo("1girl, my edit");
        vm.save();
        assertThat(disk("a.txt")).isEqualTo("1girl, my edit");
    }

    @Test
    void overwritingAConflictWritesTheEditedCaption() throws IOException {
        vm.open(data);
        type("mine");
        Files.writeString(data.resolve("a.txt"), "theirs");
        vm.save();
        vm.overwrite(vm.conflicts().get(0));
        assertThat(disk("a.txt")).isEqualTo("mine");
        assertThat(entry("a.png").isDirty()).isFalse();
    }

    @Test
    void anUneditedCaptionChangedOnDiskIsReloadedWhenSelected() throws IOException {
        vm.open(data);
        Files.writeString(data.resolve("b.txt"), "rewritten by a tagger");
        vm.select(entry("b.png"), DatasetsViewModel.SelectMode.SINGLE);
        assertThat(vm.editorTextProperty().get()).isEqualTo("rewritten by a tagger");
        assertThat(vm.conflicts()).isEmpty();
        assertThat(entry("b.png").isDirty()).isFalse();
    }

    @Test
    void closingSavesEverythingAndCountsWhatCouldNotBeSaved() throws IOException {
        vm.open(data);
        type("closing edit");
        assertThat(vm.saveAllAndWait(1000)).isZero();
        assertThat(disk("a.txt")).isEqualTo("closing edit");
        type("second edit");
        Files.writeString(data.resolve("a.txt"), "external");
        assertThat(vm.saveAllAndWait(1000)).isEqualTo(1);
        assertThat(disk("a.txt")).isEqualTo("external");
    }

    @Test
    void filtersSelectMissingCaptionsTextTagsAndSmallImages() {
        vm.open(data);
        vm.missingCaptionOnlyProperty().set(true);
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("d.png");
        vm.missingCaptionOnlyProperty().set(false);

        vm.searchProperty().set("NEON");
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("a.png", "b.png");
        vm.searchProperty().set("c.p");
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("c.png");
        vm.searchProperty().set("tag:rain");
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("a.png", "c.png");
        vm.searchProperty().set("tag:rai");
        assertThat(vm.visible()).isEmpty();
        vm.searchProperty().set("");

        vm.tooSmallOnlyProperty().set(true);
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("c.png");
        assertThat(vm.statusProperty().get()).contains("1 shown");
    }

    @Test
    void anImageBeingCaptionedStaysVisibleUnderTheMissingCaptionFilter() {
        vm.open(data);
        vm.missingCaptionOnlyProperty().set(true);
        vm.select(vm.visible().get(0), DatasetsViewModel.SelectMode.SINGLE);
        type("now captioned");
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("d.png");
        vm.refilter();
        assertThat(vm.visible()).isEmpty();
    }

    @Test
    void checkProblemsBecomeBadgesOfTheirImages() throws IOException {
        Files.copy(data.resolve("a.png"), data.resolve("e.png"));
        byte[] bytes = Files.readAllBytes(data.resolve("b.png"));
        Files.write(data.resolve("f.png"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        vm.open(data);
        assertThat(entry("e.png").problems()).extracting(p -> p.kind()).contains(ProblemKind.DUPLICATE_IMAGE);
        assertThat(entry("c.png").problems()).extracting(p -> p.kind()).containsExactly(ProblemKind.SMALL_IMAGE);
        assertThat(entry("f.png").hasErrors()).isTrue();
        assertThat(entry("d.png").problems()).isEmpty();
        vm.problemsOnlyProperty().set(true);
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("c.png", "e.png", "f.png");
        assertThat(vm.checkProgressProperty().get()).isEqualTo(-1);
    }

    @Test
    void tokenCountUsesTheClipTokenizerAndIsHiddenWithoutOne() {
        vm.open(data);
        assertThat(vm.tokenTextProperty().get()).isEmpty();
        ClipTokenizer tok = ClipTokenizer.fromFolder(Fixtures.path("sd-tiny-a/model-diffusers/tokenizer"));
        vm.setTokenizer(Optional.of(tok));
        int n = tok.countTokens("1girl, neon lights, rain");
        assertThat(vm.tokenTextProperty().get()).isEqualTo(n + " / 75 tokens");
        type("word, ".repeat(60));
        assertThat(vm.overTokenLimitProperty().get()).isTrue();
    }

    @Test
    void captionsInMetadataCsvAreEditedInPlaceAndExternalEditsDetected() throws IOException {
        Path csvData = workspace.resolve("datasets").resolve("csv");
        UiTestData.png(csvData.resolve("x.png"), 64, 64, 0x123456);
        UiTestData.png(csvData.resolve("y.png"), 64, 64, 0x654321);
        Files.writeString(csvData.resolve("metadata.csv"), "file_name,text\nx.png,red\ny.png,blue\n");
        vm.open(csvData);
        type("red, shiny");
        vm.save();
        assertThat(Files.readString(csvData.resolve("metadata.csv")))
                .isEqualTo("file_name,text\nx.png,\"red, shiny\"\ny.png,blue\n");
        type("red, dull");
        Files.writeString(csvData.resolve("metadata.csv"), "file_name,text\nx.png,crimson\ny.png,blue\n");
        vm.save();
        assertThat(vm.conflicts()).extracting(DatasetsViewModel.Conflict::diskText).containsExactly("crimson");
        assertThat(Files.readString(csvData.resolve("metadata.csv"))).contains("crimson");
    }

    @Test
    void aFolderThatCannotBeOpenedIsReportedInOneSentence() {
        vm.open(workspace.resolve("nope"));
        assertThat(errors).singleElement().asString().startsWith("Cannot open").contains("dataset folder not found");
        assertThat(vm.busyProperty().get()).isFalse();
    }
}
