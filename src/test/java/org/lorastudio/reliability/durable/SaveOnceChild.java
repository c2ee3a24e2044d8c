package org.lorastudio.reliability.durable;

import java.nio.file.Path;
import java.util.Optional;

import org.lorastudio.dataset.CaptionStore;

/** Saves one caption through the caption store, so {@link AtomicWriteTest} can trace its system calls. */
public final class SaveOnceChild {
    private SaveOnceChild() {
    }

    /** Arguments: the data set folder, the image's file name, the caption. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        CaptionStore.open(dir, Optional.empty()).write(dir.resolve(args[1]), args[2]);
        System.out.println("saved");
    }
}
