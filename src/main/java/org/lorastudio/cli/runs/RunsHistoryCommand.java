package org.lorastudio.cli.runs;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.lorastudio.archive.RunArchive;
import org.lorastudio.compare.Table;
import org.lorastudio.run.RunFolder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code runs history RUN}. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "The commits that touched a run: date, short id, message.")
final class RunsHistoryCommand implements Callable<Integer> {
    @Mixin
    OneRun target;

    @Override
    public Integer call() throws IOException {
        RunFolder folder = target.folder();
        List<RunArchive.CommitInfo> commits = RunArchive.history(target.workspace(), folder);
        PrintWriter out = target.out();
        if (commits.isEmpty()) {
            out.println("no commits touch run " + folder.id() + " yet ('runs commit " + target.run + "' makes one)");
            return 0;
        }
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
                .withZone(ZoneId.systemDefault());
        List<List<String>> rows = commits.stream()
                .map(c -> List.of(f.format(c.time()), c.shortId(), c.subject())).toList();
        out.print(Table.of(List.of("DATE", "COMMIT", "MESSAGE"), rows).text());
        return 0;
    }
}
