package org.lorastudio.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.RunCatalog;
import org.lorastudio.run.RunFolder;

class LineageTest {
    private static final Instant T = Instant.parse("2026-11-29T07:15:30Z");

    @TempDir
    Path runs;

    @Test
    void childrenAreIndentedUnderTheirParentsAndLoopsAreStillShown() throws IOException {
        RunFolder a = RunFolder.create(runs, "a", "sd15", "name: a\n", T);
        RunFolder b = RunFolder.create(runs, "b", "sd15", "name: b\n", T.plusSeconds(1));
        RunFolder c = RunFolder.create(runs, "c", "sd15", "name: c\n", T.plusSeconds(2));
        RunFolder d = RunFolder.create(runs, "d", "sd15", "name: d\n", T.plusSeconds(3));
        RunFolder x = RunFolder.create(runs, "x", "sd15", "name: x\n", T.plusSeconds(4));
        RunFolder y = RunFolder.create(runs, "y", "sd15", "name: y\n", T.plusSeconds(5));
        b.update(r -> r.withParent(a.id().value()));
        c.update(r -> r.withParent(b.id().value()));
        d.update(r -> r.withParent(a.id().value()));
        x.update(r -> r.withParent(y.id().value()));
        y.update(r -> r.withParent(x.id().value()));

        var tree = Lineage.tree(new RunCatalog(runs).list().entries());
        assertThat(tree).extracting(n -> n.prefix() + n.entry().record().name())
                .containsExactly("a", "├─ b", "│  └─ c", "└─ d", "x", "└─ y");
        assertThat(Lineage.parentOf(c).orElseThrow().folder()).isEqualTo(b);
        assertThat(Lineage.parentOf(a)).isEmpty();
    }
}
