package org.lorastudio;

import org.lorastudio.cli.Cli;

/**
 * Entry point. Without arguments it opens the studio window; with arguments it runs the command line.
 *
 * <p>This is a plain class (not a JavaFX {@code Application}) so that the studio starts from the class path
 * without "JavaFX runtime components are missing" (see docs UI-TESTING §4).
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // Detect CUDA in a child process instead of loading the system's CUDA runtime into this JVM next to libtorch:
        // with the CPU libtorch that in-process probe was seen to crash or corrupt training under load.
        if (System.getProperty("ai.djl.util.cuda.fork") == null) {
            System.setProperty("ai.djl.util.cuda.fork", "true");
        }
        if (args.length == 0) {
            startStudio(args);
        } else {
            System.exit(Cli.run(args));
        }
    }

    private static void startStudio(String[] args) {
        boolean headlessPlatform = "Monocle".equalsIgnoreCase(System.getProperty("glass.platform"));
        if (!headlessPlatform && System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            System.exit(Cli.fail("the studio window needs a graphical display (DISPLAY is not set). Run it on a"
                    + " desktop, over `ssh -X`, or under Xvfb; or use the command line: ./lorastudio --help"));
        }
        try {
            Class<?> app = Class.forName("org.lorastudio.ui.StudioApp");
            app.getMethod("launchStudio", String[].class).invoke(null, (Object) args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The studio window could not be started: " + e.getMessage(), e);
        }
    }
}
