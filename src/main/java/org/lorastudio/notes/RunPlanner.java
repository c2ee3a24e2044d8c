package org.lorastudio.notes;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.LoadedConfig;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunStatus;
import org.lorastudio.util.AtomicFiles;

/**
 * Prepares run folders that are planned but not trained (status {@code planned}): from a config written in
 * Markdown ({@code runs new --from-notes}) or from a past run plus changes ({@code runs fork}). Either way the folder
 * holds the resolved {@code config.yaml}, a {@code run.json} (with the parent for a fork) and notes with the Data
 * and Config changes sections filled in, ready for the user to write the goal and for the trainer to train in place.
 */
public final class RunPlanner {
    private RunPlanner() {
    }

    /**
     * A planned run from the first {@code ```yaml} block of a Markdown file, with overrides on top. The Goal the
     * document states (its {@code ## Goal} section, if any) is carried into the new notes.
     *
     * @throws org.lorastudio.config.ConfigException with every problem, lines counted in the Markdown file
     */
    public static RunFolder fromNotes(Path markdownFile, Path runsDir, List<String> overrides, Instant now)
            throws IOException {
        LoadedConfig loaded = MarkdownConfig.load(markdownFile, overrides);
        RunFolder run = plan(runsDir, loaded.config(), null, now);
        String source = MarkdownConfig.read(markdownFile.toAbsolutePath());
        String goal = RunNotes.sectionBody(source, "## Goal").filter(g -> !g.isBlank() && !isHint(g))
                .map(g -> g + "\n\n").orElse("");
        String planned = "_Planned from `" + markdownFile.getFileName() + "`._\n\n" + goal;
        AtomicFiles.writeString(run.notesFile(), insertUnderGoal(run.notesText(), planned));
        return run;
    }

    /**
     * A planned run whose config is {@code parent}'s plus {@code overrides} ({@code key=value}), validated like a
     * config file, with {@code parent} recorded in {@code run.json} and the diff in the notes.
     *
     * @throws org.lorastudio.config.ConfigException with every problem of the resulting config
     */
    public static RunFolder fork(RunFolder parent, List<String> overrides, Instant now) throws IOException {
        LoadedConfig loaded = ConfigLoader.load(parent.configText(), "config.yaml of run " + parent.id(),
                parent.dir(), overrides);
        Path runsDir = parent.dir().toAbsolutePath().normalize().getParent();
        return plan(runsDir, loaded.config(), parent.id().value(), now);
    }

    /** Makes the folder, writes the resolved config for its location, marks it planned and fills the notes. */
    static RunFolder plan(Path runsDir, TrainingConfig config, String parentId, Instant now) throws IOException {
        RunFolder run = RunFolder.create(runsDir, config.name(), config.modelType().yamlName(), "", now);
        // relative paths are rewritten for where the config now lives: the new run folder
        AtomicFiles.writeString(run.configFile(), config.toYaml(run.dir()));
        run.update(r -> r.withParent(parentId).withStatus(RunStatus.PLANNED));
        RunNotes.fillData(run, config);
        RunNotes.fillConfigChanges(run);
        return run;
    }

    private static boolean isHint(String text) {
        return text.startsWith("_") && text.endsWith("_") && !text.contains("\n");
    }

    private static String insertUnderGoal(String notes, String text) {
        int at = notes.indexOf("## Goal\n");
        if (at < 0) {
            return notes + "\n" + text;
        }
        int pos = MarkedSection.lineEnd(notes, at);
        // after the hint line, if the template's hint follows
        int next = pos;
        while (next < notes.length() && notes.charAt(next) == '\n') {
            next++;
        }
        if (next < notes.length() && notes.charAt(next) == '_') {
            pos = MarkedSection.lineEnd(notes, next);
        }
        return notes.substring(0, pos) + "\n" + text.stripTrailing() + "\n" + notes.substring(pos);
    }
}
