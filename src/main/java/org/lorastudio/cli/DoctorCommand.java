package org.lorastudio.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.lorastudio.doctor.SystemReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code doctor}: the system check (the studio's Help → System check shows the same). */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check this machine for training: versions, libtorch, CPU, the numerical self-check, GPUs,"
                + " disk space and base models.", "Exits 1 when something blocks training (each problem is listed"
                + " with its fix)."})
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "workspace",
            description = "workspace folder to check (default: ${DEFAULT-VALUE}); base models are looked for in its"
                    + " sibling models/")
    Path workspace;

    @Option(names = {"-v", "--verbose"}, description = "list every case of the numerical self-check")
    boolean verbose;

    @Override
    public Integer call() {
        SystemReport report = SystemReport.gather(workspace, verbose);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.render());
        out.flush();
        return report.blocked() ? 1 : 0;
    }
}
