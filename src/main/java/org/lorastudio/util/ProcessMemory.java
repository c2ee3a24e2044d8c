package org.lorastudio.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident memory of this process from {@code /proc/self/status} (Linux): current ({@code VmRSS}) and peak
 * ({@code VmHWM}). Native (libtorch) allocations count here, unlike the Java heap figures. Empty elsewhere.
 */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    public static OptionalLong residentBytes() {
        return field("VmRSS:");
    }

    public static OptionalLong peakResidentBytes() {
        return field("VmHWM:");
    }

    private static OptionalLong field(String name) {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return OptionalLong.empty();
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024L);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
