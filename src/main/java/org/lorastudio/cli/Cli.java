package org.lorastudio.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import org.lorastudio.cli.runs.RunsCommand;
import org.lorastudio.util.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line front end (SPEC §8). Every command prints through picocli's output writers, never
 * {@code System.out} directly, so that tests can capture the output and the core stays free of console I/O.
 */
@Command(name = "lorastudio", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "LoRA Studio: train, inspect and compare LoRA adapters. Run without arguments to open the studio.",
        subcommands = {
                ConfigCommand.class,
                InspectCommand.class,
                DatasetCommand.class,
                RunsCommand.class,
                GenerateCommand.class,
                TrainCommand.class,
                GenerateTextCommand.class,
                BenchCommand.class,
                DoctorCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Cli implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Cli.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints one plain error line for the launcher (outside any command) and returns exit code 1. */
    public static int fail(String message) {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        err.println("lorastudio: " + message);
        err.flush();
        return 1;
    }

    /** Runs the command line with the process's standard streams and returns the exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args);
    }

    /** Runs the command line writing to the given streams (used by tests) and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Cli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("error: " + plainMessage(ex));
            cmd.getErr().flush();
            if (!(ex instanceof UserException)) {
                LOG.debug("Command failed", ex);
                if (Boolean.getBoolean("lorastudio.debug") || System.getenv("LORASTUDIO_DEBUG") != null) {
                    ex.printStackTrace(cmd.getErr());
                }
            }
            return ex instanceof UserException ? 1 : 2;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** One plain line for an exception: the user's own mistake verbatim, file-system errors in words. */
    static String plainMessage(Throwable ex) {
        if (ex instanceof UserException) {
            return ex.getMessage();
        }
        if (ex instanceof NoSuchFileException nsf) {
            return "file not found: " + nsf.getFile();
        }
        if (ex instanceof AccessDeniedException ade) {
            return "permission denied: " + ade.getFile();
        }
        String msg = ex.getMessage();
        return ex.getClass().getSimpleName() + (msg == null ? "" : ": " + msg)
                + " (run with LORASTUDIO_DEBUG=1 for details)";
    }

    /** Version string from the jar manifest, or the development version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"LoRA Studio " + org.lorastudio.util.Versions.studio()};
        }
    }
}
