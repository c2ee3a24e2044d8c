package org.lorastudio.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.lorastudio.config.ConfigDocs;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigProblem;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.config.LoadedConfig;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lorastudio config}: check a config file, show it resolved, and list every key (SPEC §4). Problems are
 * printed one per line as {@code error: FILE: key: ... (line N)}, with exit code 1.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Check, show and document training configs (YAML).",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class, ConfigCommand.Keys.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by the commands that read a config. */
    static final class ConfigInput {
        @Parameters(index = "0", paramLabel = "FILE", description = "The config file (YAML).")
        Path file;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Override a key, e.g. --set lora_rank=16 or --set unet_target_modules=[attentions]."
                        + " Repeatable; later ones win.")
        List<String> overrides = new ArrayList<>();

        /** Validates the file, printing every problem; the config when there were no errors. */
        LoadedConfig read(CommandLine cl) {
            ConfigReport report = ConfigLoader.check(file, overrides);
            PrintWriter err = cl.getErr();
            for (ConfigProblem p : report.problems()) {
                err.println((p.isError() ? "error: " : "warning: ") + report.source() + ": " + p.text());
            }
            err.flush();
            return report.loaded().orElse(null);
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a config: prints OK with the number of keys given and defaulted, or every"
                    + " problem (exit code 1).")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConfigInput input = new ConfigInput();

        @Override
        public Integer call() {
            LoadedConfig loaded = input.read(spec.commandLine());
            if (loaded == null) {
                return 1;
            }
            spec.commandLine().getOut().printf("OK: %s (%d keys, %d defaults)%n", loaded.config().name(),
                    loaded.explicitKeys().size(), loaded.defaultCount());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the resolved config as YAML: every key, defaults included, grouped by section.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConfigInput input = new ConfigInput();

        @Override
        public Integer call() {
            LoadedConfig loaded = input.read(spec.commandLine());
            if (loaded == null) {
                return 1;
            }
            spec.commandLine().getOut().print(loaded.config().toYaml(loaded.baseDir()));
            return 0;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "List every config key with its type, allowed values, default and meaning.")
    static final class Keys implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--markdown", description = "Print the reference as Markdown (what docs/config.md holds).")
        boolean markdown;

        @Override
        public void run() {
            spec.commandLine().getOut().print(markdown ? ConfigDocs.markdown() : ConfigDocs.text());
        }
    }
}
