package org.lorastudio.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.lorastudio.util.ProcessMemory;

/**
 * The memory figures of a benchmark. libtorch allocates with malloc, so no allocator counter is reachable from Java;
 * two honest stand-ins are reported instead:
 * <ul>
 *   <li><b>native</b> = resident set ({@code VmRSS}) minus the JVM's <em>used</em> heap and non-heap memory. The
 *   JVM also keeps freed heap pages resident, so this is an upper bound on what libtorch (and other native code)
 *   holds (the other obvious choice, minus <em>committed</em> memory, went to 0 whenever the heap had committed
 *   more than it touched). A native leak shows up as drift between the samples of a series.</li>
 *   <li><b>live tensors</b> = the arrays still open in the DJL manager tree (count and bytes): a leak of Java-side
 *   handles (ops attaching to a weight's manager, FORMATS §8) shows up here even before it is large.</li>
 * </ul>
 * Peaks come from {@code VmHWM}, which {@link #resetPeak()} resets (Linux {@code clear_refs} = 5), so one process can
 * measure several cases one after the other.
 */
public final class MemoryProbe {
    private static final long MB = 1024 * 1024;

    private MemoryProbe() {
    }

    /** Resets the kernel's peak-RSS mark to the current RSS; false where that is not possible. */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    public static long rssMb() {
        return ProcessMemory.residentBytes().orElse(-1) / MB;
    }

    public static long peakRssMb() {
        return ProcessMemory.peakResidentBytes().orElse(-1) / MB;
    }

    /** Heap + non-heap memory the JVM has committed, in MB. */
    public static long jvmCommittedMb() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        return (m.getHeapMemoryUsage().getCommitted() + m.getNonHeapMemoryUsage().getCommitted()) / MB;
    }

    /** Heap + non-heap memory the JVM uses now, in MB. */
    public static long jvmUsedMb() {
        MemoryMXBean m = ManagementFactory.getMemoryMXBean();
        return (m.getHeapMemoryUsage().getUsed() + m.getNonHeapMemoryUsage().getUsed()) / MB;
    }

    /** Resident memory not used by the JVM (an upper bound on native memory, see the class comment), in MB. */
    public static long nativeMb() {
        return Math.max(0, rssMb() - jvmUsedMb());
    }

    /** Peak resident memory minus the JVM's used memory now, in MB (an upper bound, like {@link #nativeMb()}). */
    public static long peakNativeMb() {
        return Math.max(0, peakRssMb() - jvmUsedMb());
    }

    /** Open arrays in {@code root}'s manager tree and their bytes. */
    public record LiveTensors(long count, long bytes) {
        public double mb() {
            return bytes / (double) MB;
        }
    }

    public static LiveTensors liveTensors(NDManager root) {
        long count = 0;
        long bytes = 0;
        for (NDArray a : root.getManagedArrays()) {
            if (!a.isReleased()) {
                count++;
                bytes += a.size() * a.getDataType().getNumOfBytes();
            }
        }
        return new LiveTensors(count, bytes);
    }

    /** CPU time of the whole process (all threads) in nanoseconds, or -1. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
