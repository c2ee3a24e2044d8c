package org.lorastudio.cli.runs;

import static org.lorastudio.cli.runs.RunsCommand.bytes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.lorastudio.archive.RunExport;
import org.lorastudio.run.RunFolder;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runs export RUN [--with-weights] [--out FILE.zip]}. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Pack a run into one zip with a MANIFEST.sha256 (weights only with --with-weights).")
final class RunsExportCommand implements Callable<Integer> {
    @Mixin
    OneRun target;

    @Option(names = "--with-weights", description = "Include LoRA files and checkpoints/.")
    boolean withWeights;

    @Option(names = "--out", paramLabel = "FILE.zip", description = "Zip file (default: <run-id>.zip here).")
    Path out;

    @Override
    public Integer call() throws IOException {
        RunFolder folder = target.folder();
        Path zip = out != null ? out : Path.of(folder.id().value() + ".zip");
        RunExport.Result r = RunExport.export(folder, zip, withWeights);
        List<String> problems = RunExport.verify(zip);
        if (!problems.isEmpty()) {
            throw new UserException("the export " + zip + " does not verify: " + problems.get(0));
        }
        target.out().println("exported " + r.files().size() + " files (" + bytes(r.bytes())
                + (withWeights ? ", with weights" : ", without weights") + ") to " + zip
                + "; verified against " + RunExport.MANIFEST);
        return 0;
    }
}
