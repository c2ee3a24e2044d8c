package org.lorastudio.ui.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.bench.MemoryEstimate;
import org.lorastudio.config.ConfigException;
import org.lorastudio.config.ConfigField;
import org.lorastudio.config.ConfigFields;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigPreset;
import org.lorastudio.config.ConfigPresets;
import org.lorastudio.config.ConfigProblem;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.config.ConfigWriter;
import org.lorastudio.config.ModelType;
import org.lorastudio.config.ValueType;
import org.lorastudio.ui.common.Messages;
import org.lorastudio.ui.common.TaskExecutor;

/**
 * The Config screen's logic. The YAML text is the one document: the form edits it surgically through
 * {@link YamlTextEditor} (comments, unknown keys and layout survive), the YAML tab edits it directly, and after
 * every change the text is validated with {@link ConfigLoader#check} (the same messages as {@code config check})
 * and the form fields, their problems, the visible keys (by model type) and the step arithmetic are refreshed.
 * A form value that does not even parse (letters in a number) is shown as a problem and not written to the YAML.
 */
public final class ConfigViewModel {
    /** The form's view of one key. */
    public static final class FieldModel {
        private final ConfigField field;
        private final StringProperty text = new SimpleStringProperty("");
        private final StringProperty problem = new SimpleStringProperty();
        private final BooleanProperty error = new SimpleBooleanProperty();
        private final BooleanProperty visible = new SimpleBooleanProperty(true);
        private final BooleanProperty explicit = new SimpleBooleanProperty();
        private String localProblem;

        FieldModel(ConfigField field) {
            this.field = field;
        }

        public ConfigField field() {
            return field;
        }

        /** The value as the form edits it: the YAML scalar, list items one per line or comma-separated. */
        public StringProperty textProperty() {
            return text;
        }

        /** The problem sentence for this key, {@code null} when none. */
        public ReadOnlyStringProperty problemProperty() {
            return problem;
        }

        /** Whether the problem is an error (else a warning). */
        public ReadOnlyBooleanProperty errorProperty() {
            return error;
        }

        /** False for keys the config's model type does not read. */
        public ReadOnlyBooleanProperty visibleProperty() {
            return visible;
        }

        /** Whether the key is written in the YAML (else its default applies). */
        public ReadOnlyBooleanProperty explicitProperty() {
            return explicit;
        }

        /** Whether the form edits the list one item per line (prompts may contain commas). */
        public boolean linePerItem() {
            return field.type() instanceof ValueType.ListType && field.key().contains("prompt");
        }
    }

    private static final ValueType.TextType ANY_TEXT = FormValues.ANY_TEXT;

    private final Path workspace;
    private final Path resourceConfigs;
    private final TaskExecutor io;
    private final ConfigEstimates estimates;
    private final Map<String, FieldModel> fields = new LinkedHashMap<>();
    private final StringProperty yaml = new SimpleStringProperty("");
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>();
    private final ObjectProperty<ConfigReport> report = new SimpleObjectProperty<>();
    private final ObservableList<ConfigProblem> problems = FXCollections.observableArrayList();
    private final ObservableList<Path> configFiles = FXCollections.observableArrayList();
    private final ObjectProperty<ModelType> modelType = new SimpleObjectProperty<>(ModelType.SD15);
    private final BooleanProperty dirty = new SimpleBooleanProperty(false);
    private final StringProperty title = new SimpleStringProperty("New config");
    private Path baseDir;
    private String savedText = "";
    private boolean refreshing;
    private String editingKey;
    private Consumer<String> errors = m -> { };

    /**
     * @param workspace       the studio workspace ({@code configs/} is where new configs go)
     * @param resourceConfigs the shipped example configs folder ({@code resources/configs}); may not exist
     */
    public ConfigViewModel(Path workspace, Path resourceConfigs, TaskExecutor io) {
        this.workspace = workspace;
        this.resourceConfigs = resourceConfigs;
        this.io = io;
        this.estimates = new ConfigEstimates(io);
        this.baseDir = workspace.resolve("configs");
        for (ConfigField f : ConfigFields.all()) {
            FieldModel m = new FieldModel(f);
            fields.put(f.key(), m);
            m.text.addListener((obs, a, b) -> {
                if (!refreshing) {
                    formEdited(m, b);
                }
            });
        }
        yaml.addListener((obs, a, b) -> refresh());
        refresh();
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    public List<FieldModel> fields() {
        return List.copyOf(fields.values());
    }

    public FieldModel field(String key) {
        return Objects.requireNonNull(fields.get(key), key);
    }

    /** The YAML document; the YAML tab binds to it. */
    public StringProperty yamlProperty() {
        return yaml;
    }

    public ReadOnlyObjectProperty<Path> fileProperty() {
        return file;
    }

    public ReadOnlyObjectProperty<ConfigReport> reportProperty() {
        return report;
    }

    /** Every problem of the document, in file order. */
    public ObservableList<ConfigProblem> problems() {
        return problems;
    }

    /** Configs to offer: {@code workspace/configs/*.yaml}, then the shipped examples. */
    public ObservableList<Path> configFiles() {
        return configFiles;
    }

    public ReadOnlyObjectProperty<ModelType> modelTypeProperty() {
        return modelType;
    }

    /** The step arithmetic sentence. */
    public ReadOnlyStringProperty stepsProperty() {
        return estimates.steps();
    }

    /**
     * The expected peak memory of a training step with this config (model, resolution, batch, rank, precision,
     * checkpointing), from {@link MemoryEstimate}; empty while the config has errors.
     */
    public ReadOnlyStringProperty memoryProperty() {
        return estimates.memory();
    }

    /** Whether the text differs from the file. */
    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty;
    }

    /** The file name, or "New config". */
    public ReadOnlyStringProperty titleProperty() {
        return title;
    }

    public void setErrorHandler(Consumer<String> handler) {
        this.errors = Objects.requireNonNull(handler);
    }

    /** The built-in presets. */
    public List<ConfigPreset> presets() {
        return ConfigPresets.builtIn();
    }

    // ---- files --------------------------------------------------------------------------------------------------

    /** Lists the configs in the background. */
    public void refreshFiles() {
        io.submit(() -> {
            List<Path> out = new ArrayList<>(list(workspace.resolve("configs")));
            out.addAll(list(resourceConfigs));
            return out;
        }, configFiles::setAll, e -> errors.accept(Messages.plain(e)));
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
            s.forEach(p -> out.add(p.toAbsolutePath().normalize()));
        }
        out.sort(null);
        return out;
    }

    /** Opens a config file (read in the background). */
    public void open(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        io.submit(() -> Files.readString(abs, StandardCharsets.UTF_8), text -> {
            file.set(abs);
            baseDir = abs.getParent();
            savedText = text;
            setYaml(text);
        }, e -> errors.accept("Cannot open " + abs.getFileName() + ": " + Messages.plain(e)));
    }

    /**
     * Starts a new, unsaved config from a preset: the required keys pointing at the demo model and the first
     * dataset of the workspace, then the preset's values.
     */
    public void newFromPreset(ConfigPreset preset, String name, Path dataset) {
        Path dir = workspace.resolve("configs");
        Path models = workspace.toAbsolutePath().normalize().resolveSibling("models").resolve("demo");
        String text = "# " + name + ": made from the preset \"" + preset.title() + "\" in LoRA Studio.\n"
                + "name: " + ANY_TEXT.yaml(name) + "\n"
                + "model_type: sd15\n"
                + "base_model: " + ANY_TEXT.yaml(relative(dir, models)) + "\n"
                + "train_data_dir: " + ANY_TEXT.yaml(relative(dir, dataset)) + "\n";
        file.set(null);
        baseDir = dir;
        savedText = "";
        setYaml(text);
        applyPreset(preset);
    }

    private static String relative(Path dir, Path target) {
        try {
            return dir.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize()).toString()
                    .replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return target.toAbsolutePath().toString();
        }
    }

    /**
     * Saves to the current file atomically. When the file changed on disk since it was opened or saved, nothing is
     * written unless {@code overwrite}; {@code onChangedOnDisk} is told instead.
     */
    public void save(boolean overwrite, Runnable onChangedOnDisk) {
        Path target = file.get();
        if (target == null) {
            throw new IllegalStateException("no file yet: use saveAs");
        }
        String text = yaml.get();
        String expected = savedText;
        io.submit(() -> {
            if (!overwrite && Files.exists(target)
                    && !Files.readString(target, StandardCharsets.UTF_8).equals(expected)) {
                return false;
            }
            ConfigWriter.saveText(target, text);
            return true;
        }, written -> {
            if (written) {
                savedText = text;
                updateDirty();
            } else {
                onChangedOnDisk.run();
            }
        }, e -> errors.accept("Cannot save " + target.getFileName() + ": " + Messages.plain(e)));
    }

    /**
     * Saves under a new name; relative paths in the text are rewritten so they still point at the same files from
     * the new folder.
     */
    public void saveAs(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        Path newDir = abs.getParent();
        String text = yaml.get();
        Optional<Map<String, Object>> values = YamlTextEditor.values(text);
        if (values.isPresent() && !newDir.equals(baseDir)) {
            for (ConfigField f : ConfigFields.all()) {
                if (f.type() instanceof ValueType.PathType && values.get().get(f.key()) instanceof String written
                        && !written.isBlank() && !written.startsWith("~") && !Path.of(written).isAbsolute()) {
                    String moved = relative(newDir, baseDir.resolve(written));
                    text = YamlTextEditor.set(text, f.key(), ANY_TEXT.yaml(moved));
                }
            }
        }
        String finalText = text;
        io.submit(() -> {
            ConfigWriter.saveText(abs, finalText);
            return abs;
        }, saved -> {
            file.set(saved);
            baseDir = newDir;
            savedText = finalText;
            setYaml(finalText);
            refreshFiles();
        }, e -> errors.accept("Cannot save " + abs.getFileName() + ": " + Messages.plain(e)));
    }

    /** Replaces the document (YAML tab edits go through the bound property instead). */
    public void setYaml(String text) {
        if (text.equals(yaml.get())) {
            refresh();
        } else {
            yaml.set(text);
        }
    }

    // ---- form edits ---------------------------------------------------------------------------------------------

    /**
     * Lays a preset over the document: each of its keys is set in place (or added to its section); a key the
     * preset unsets is written as {@code null} only where the document has it.
     */
    public void applyPreset(ConfigPreset preset) {
        Map<String, Object> values;
        try {
            values = ConfigPresets.values(preset);
        } catch (ConfigException e) {
            errors.accept("Preset " + preset.title() + " has problems: " + e.getMessage());
            return;
        }
        String text = yaml.get();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            ConfigField f = ConfigFields.get(e.getKey());
            Object v = e.getValue();
            if (v == null) {
                if (YamlTextEditor.has(text, f.key())) {
                    text = YamlTextEditor.set(text, f.key(), "null");
                }
            } else if (v instanceof List<?> list) {
                text = YamlTextEditor.setList(text, f.key(), list.stream().map(i -> ANY_TEXT.yaml(i.toString()))
                        .toList());
            } else {
                text = YamlTextEditor.set(text, f.key(), f.type().yaml(v));
            }
        }
        setYaml(text);
    }

    private void formEdited(FieldModel m, String text) {
        ConfigField f = m.field;
        String t = text == null ? "" : text;
        editingKey = f.key();
        try {
            if (t.isBlank()) {
                m.localProblem = f.required() ? "is required; for example " + f.example() : null;
                if (m.localProblem == null) {
                    setYaml(YamlTextEditor.remove(yaml.get(), f.key()));
                } else {
                    showProblems();
                }
                return;
            }
            FormValues.Parsed p = FormValues.parse(f, t, m.linePerItem(), baseDir);
            m.localProblem = p.problem();
            if (p.problem() != null) {
                showProblems();
            } else if (p.items() != null) {
                setYaml(YamlTextEditor.setList(yaml.get(), f.key(), p.items()));
            } else {
                setYaml(YamlTextEditor.set(yaml.get(), f.key(), p.yaml()));
            }
        } finally {
            editingKey = null;
        }
    }

    // ---- refresh ------------------------------------------------------------------------------------------------

    private void refresh() {
        String text = yaml.get();
        ConfigReport r = ConfigLoader.check(text, file.get() == null ? "new config"
                : String.valueOf(file.get().getFileName()), baseDir, List.of());
        report.set(r);
        problems.setAll(r.problems());
        Optional<Map<String, Object>> values = YamlTextEditor.values(text);
        refreshing = true;
        try {
            if (values.isPresent()) {
                Object mt = values.get().get("model_type");
                modelType.set(mt instanceof String s && s.strip().equalsIgnoreCase("llm") ? ModelType.LLM
                        : ModelType.SD15);
                for (FieldModel m : fields.values()) {
                    boolean present = values.get().containsKey(m.field.key());
                    m.explicit.set(present);
                    m.visible.set(m.field.appliesTo(modelType.get()));
                    if (!m.field.key().equals(editingKey)) {
                        m.localProblem = null;
                        m.text.set(FormValues.formText(values.get().get(m.field.key()), m.linePerItem()));
                    }
                }
            }
        } finally {
            refreshing = false;
        }
        showProblems();
        estimates.update(r);
        updateDirty();
        title.set(file.get() == null ? "New config" : String.valueOf(file.get().getFileName()));
    }

    private void showProblems() {
        ConfigReport r = report.get();
        Map<String, ConfigProblem> first = new HashMap<>();
        for (ConfigProblem p : r.problems()) {
            if (!p.key().isEmpty()) {
                first.merge(p.key(), p, (a, b) -> a.isError() || !b.isError() ? a : b);
            }
        }
        for (FieldModel m : fields.values()) {
            if (m.localProblem != null) {
                m.problem.set(m.localProblem);
                m.error.set(true);
            } else {
                ConfigProblem p = first.get(m.field.key());
                m.problem.set(p == null ? null : p.message() + (p.line() > 0 ? " (line " + p.line() + ")" : ""));
                m.error.set(p != null && p.isError());
            }
        }
    }

    private void updateDirty() {
        dirty.set(!yaml.get().equals(savedText));
    }

    /** Forgets image counts, e.g. after the Datasets screen changed a folder. */
    public void recountDatasets() {
        estimates.recount(report.get());
    }
}
