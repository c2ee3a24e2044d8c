package org.lorastudio.runtime;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiets libtorch's own glog-style console lines ({@code [W… NNPACK.cpp:57] Could not initialize NNPACK! Reason:
 * Unsupported hardware.}, printed on CPUs NNPACK does not support, once per convolution shape that would use it).
 *
 * <p>libtorch reads its log threshold from the C++ global {@code FLAGS_caffe2_log_level} of {@code libc10.so}; only
 * {@code c10::initLogging} (which DJL never calls) would set it from {@code TORCH_CPP_LOG_LEVEL}, and DJL exposes no
 * switch. So this finds the variable the way a debugger does — the library's load address from
 * {@code /proc/self/maps}, the symbol's offset from the file's ELF dynamic symbol table — checks that the address
 * lies in the library's writable data and still holds a valid level (0–3), and raises it to ERROR (2). Warnings
 * raised through {@code TORCH_WARN} use another channel and are unaffected; errors still print. Anything unexpected
 * (another OS, another layout) leaves the level alone.
 */
public final class NativeLogging {
    /** c10's GLOG_ERROR. */
    static final int ERROR = 2;
    private static final Logger LOG = LoggerFactory.getLogger(NativeLogging.class);
    private static final String SYMBOL = "FLAGS_caffe2_log_level";
    private static volatile Optional<String> state;

    private NativeLogging() {
    }

    /**
     * Raises libtorch's console threshold to errors, once per process (the engine's libraries must be loaded).
     * Returns what was done, for {@code doctor}.
     */
    public static synchronized String quietWarnings() {
        if (state == null) {
            state = Optional.of(apply());
            LOG.debug("libtorch console warnings: {}", state.get());
        }
        return state.get();
    }

    /** What {@link #quietWarnings} did, or empty before it ran. */
    public static Optional<String> status() {
        Optional<String> s = state;
        return s == null ? Optional.empty() : s;
    }

    private static String apply() {
        try {
            Optional<Mapping> lib = mappings().stream().filter(m -> m.path().endsWith("/libc10.so")).findFirst();
            if (lib.isEmpty()) {
                return "left as they are (libc10.so is not loaded)";
            }
            Path file = Path.of(lib.get().path());
            Optional<Long> offset = symbolOffset(file, SYMBOL);
            if (offset.isEmpty()) {
                return "left as they are (" + SYMBOL + " not found in " + file + ")";
            }
            long base = baseAddress(lib.get().path());
            long address = base + offset.get();
            boolean writable = mappings().stream().anyMatch(m -> m.path().equals(lib.get().path()) && m.writable()
                    && address >= m.start() && address + 4 <= m.end());
            if (!writable) {
                return "left as they are (" + SYMBOL + " is not in writable memory)";
            }
            sun.misc.Unsafe unsafe = unsafe();
            int level = unsafe.getInt(address);
            if (level < 0 || level > 3) {
                return "left as they are (" + SYMBOL + " holds " + level + ", not a log level)";
            }
            if (level < ERROR) {
                unsafe.putInt(address, ERROR);
            }
            return "errors only (libtorch's warnings such as NNPACK's are not printed)";
        } catch (IOException | RuntimeException | ReflectiveOperationException e) {
            return "left as they are (" + e + ")";
        }
    }

    record Mapping(long start, long end, boolean writable, long fileOffset, String path) {
    }

    static List<Mapping> mappings() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return List.of();
        }
        return Files.readAllLines(maps).stream().map(NativeLogging::parseMapping).flatMap(Optional::stream).toList();
    }

    static Optional<Mapping> parseMapping(String line) {
        // 7f1c2a000000-7f1c2a100000 rw-p 00112000 08:01 1234   /path/libc10.so
        String[] f = line.trim().split("\\s+", 6);
        if (f.length < 6 || !f[5].startsWith("/")) {
            return Optional.empty();
        }
        int dash = f[0].indexOf('-');
        if (f[1].length() < 4 || f[1].charAt(3) != 'p') {
            return Optional.empty(); // shared mappings are files mapped for reading, not loaded libraries
        }
        return Optional.of(new Mapping(Long.parseUnsignedLong(f[0].substring(0, dash), 16),
                Long.parseUnsignedLong(f[0].substring(dash + 1), 16), f[1].charAt(1) == 'w',
                Long.parseUnsignedLong(f[2], 16), f[5]));
    }

    /** The load base: start of the mapping at file offset 0 (the first PT_LOAD of a shared object has vaddr 0). */
    private static long baseAddress(String path) throws IOException {
        return mappings().stream().filter(m -> m.path().equals(path) && m.fileOffset() == 0).mapToLong(Mapping::start)
                .min().orElseThrow(() -> new IOException("no mapping of " + path + " at offset 0"));
    }

    /** st_value of a defined symbol in an ELF64 little-endian file's .dynsym, or empty. */
    static Optional<Long> symbolOffset(Path elf, String name) throws IOException {
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            // Read, not mapped: a mapping of the file would show up in /proc/self/maps beside the loader's.
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(ch.size())).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // fill
            }
            if (b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
                return Optional.empty(); // not ELF64 little-endian
            }
            long shoff = b.getLong(0x28);
            int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
            int shnum = Short.toUnsignedInt(b.getShort(0x3C));
            byte[] wanted = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < shnum; i++) {
                int sh = (int) (shoff + (long) i * shentsize);
                if (b.getInt(sh + 4) != 11) { // SHT_DYNSYM
                    continue;
                }
                int symOff = (int) b.getLong(sh + 0x18);
                int symSize = (int) b.getLong(sh + 0x20);
                int link = b.getInt(sh + 0x28);
                int entSize = (int) b.getLong(sh + 0x38);
                int strOff = (int) b.getLong((int) (shoff + (long) link * shentsize) + 0x18);
                for (int s = symOff; s + entSize <= symOff + symSize; s += entSize) {
                    int nameOff = strOff + b.getInt(s);
                    if (matches(b, nameOff, wanted) && b.getShort(s + 6) != 0) { // defined (st_shndx != UNDEF)
                        return Optional.of(b.getLong(s + 8));
                    }
                }
            }
            return Optional.empty();
        }
    }

    private static boolean matches(ByteBuffer b, int at, byte[] wanted) {
        for (int i = 0; i < wanted.length; i++) {
            if (b.get(at + i) != wanted[i]) {
                return false;
            }
        }
        return b.get(at + wanted.length) == 0;
    }

    private static sun.misc.Unsafe unsafe() throws ReflectiveOperationException {
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (sun.misc.Unsafe) f.get(null);
    }
}
