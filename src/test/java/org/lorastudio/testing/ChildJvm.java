package org.lorastudio.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a real child JVM on the test class path — the way fault-injection tests (kill, durability) run the
 * product's own code in a process they can SIGKILL. The child gets the same DJL settings as the test JVM (offline,
 * PyTorch engine) and the MKL variables that keep float math reproducible, so its results can be compared bit for
 * bit with an in-process run.
 */
public final class ChildJvm {
    private final List<String> command = new ArrayList<>();
    private final List<String> arguments = new ArrayList<>();
    private final String mainClass;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Path workingDirectory;
    private Path output;

    private ChildJvm(String mainClass) {
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Xss4m");
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.default_engine=PyTorch");
        command.add("-Dai.djl.util.cuda.fork=true");
        command.add("-Djava.awt.headless=true");
        environment.put("MKL_DYNAMIC", "FALSE");
        environment.put("MKL_CBWR", "COMPATIBLE");
        this.mainClass = mainClass;
    }

    /** A child running {@code mainClass}'s {@code main}. */
    public static ChildJvm of(Class<?> mainClass) {
        return new ChildJvm(mainClass.getName());
    }

    /** A child running the product's entry point ({@code org.lorastudio.Launcher}: commands, or the studio without arguments). */
    public static ChildJvm cli() {
        return new ChildJvm("org.lorastudio.Launcher");
    }

    /** Adds {@code -Dkey=value} to the child's JVM options. */
    public ChildJvm systemProperty(String key, String value) {
        command.add("-D" + key + "=" + value);
        return this;
    }

    public ChildJvm env(String key, String value) {
        environment.put(key, value);
        return this;
    }

    public ChildJvm args(String... args) {
        arguments.addAll(List.of(args));
        return this;
    }

    public ChildJvm workingDirectory(Path directory) {
        this.workingDirectory = directory;
        return this;
    }

    /** Sends the child's stdout and stderr (merged) to {@code file}; by default they go to a temp file. */
    public ChildJvm output(Path file) {
        this.output = file;
        return this;
    }

    /** Starts the child; stdout and stderr are merged into the output file. */
    public Running start() throws IOException {
        List<String> full = new ArrayList<>(command);
        full.add(mainClass);
        full.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        Path log = output != null ? output : Files.createTempFile("child-jvm", ".log");
        builder.redirectOutput(log.toFile());
        return new Running(builder.start(), log);
    }

    /** Runs the child to completion (or {@code timeoutSeconds}, then kills it) and returns its result. */
    public Result run(long timeoutSeconds) throws IOException, InterruptedException {
        Running running = start();
        return running.await(timeoutSeconds);
    }

    /** A started child. */
    public static final class Running {
        private final Process process;
        private final Path log;

        Running(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        public Process process() {
            return process;
        }

        public long pid() {
            return process.pid();
        }

        /** Everything the child printed so far. */
        public String output() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "";
        }

        /** SIGKILL (on Linux {@link Process#destroyForcibly()} sends signal 9): no shutdown hook runs. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** Waits until the child exits; a child still running after {@code timeoutSeconds} is killed. */
        public Result await(long timeoutSeconds) throws IOException, InterruptedException {
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                kill();
            }
            return new Result(finished ? process.exitValue() : -9, output(), !finished);
        }
    }

    /**
     * How a child ended: its exit code (137 or -9 after SIGKILL), everything it printed, and whether the timeout
     * killed it.
     */
    public record Result(int exitCode, String output, boolean timedOut) {
        /** True when the child died from SIGKILL (exit code 128 + 9) or was killed for the timeout. */
        public boolean killed() {
            return exitCode == 137 || exitCode == -9 || timedOut;
        }
    }
}
