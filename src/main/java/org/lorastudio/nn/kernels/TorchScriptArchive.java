package org.lorastudio.nn.kernels;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive (what {@code torch.jit.save} produces and {@code torch::jit::load} reads) holding one
 * module class with no parameters, buffers or constants: only TorchScript source that libtorch compiles at load time.
 *
 * <p>Layout, as read by PyTorch's {@code PyTorchStreamReader} ({@code caffe2/serialize/inline_container.cc}) and
 * {@code ScriptModuleDeserializer} ({@code torch/csrc/jit/serialization/import.cpp}): a zip whose entries all sit in
 * one top folder; {@code code/__torch__.py} is the source for the qualifier {@code __torch__}
 * ({@code qualifierToArchivePath}); {@code constants.pkl} is the pickled constant table (an empty tuple);
 * {@code data.pkl} is the pickled module object; {@code version} and {@code .data/version} hold the file format
 * version. Entries are stored uncompressed, as PyTorch writes them.
 *
 * <p>Both pickles are generated here from fixed opcodes — nothing is read from anywhere else — and use only the
 * protocol-2 opcodes libtorch's own {@code Unpickler} understands: PROTO, GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT,
 * BINUNICODE, NEWFALSE, SETITEM, BUILD, STOP (docs/decisions/0003).
 */
final class TorchScriptArchive {
    /**
     * File format version 10 ({@code kProducedFileFormatVersion} since libtorch 1.11, {@code caffe2/serialize/
     * versions.h}): at the current version no operator upgraders are applied to the source.
     */
    static final String FILE_FORMAT_VERSION = "10";
    /** The module class's qualifier, which names its source file {@code code/__torch__.py}. */
    static final String QUALIFIER = "__torch__";

    private TorchScriptArchive() {
    }

    /**
     * @param folder    the archive's top folder (any name without '/')
     * @param className the module class defined in {@code source}, e.g. {@code LoraStudioKernels}
     * @param source    TorchScript source of the class, as a serialized {@code code/__torch__.py} reads
     * @return the zip's bytes; the same arguments always give the same bytes
     */
    static byte[] write(String folder, String className, String source) {
        if (folder.isEmpty() || folder.contains("/") || !className.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("bad archive folder '" + folder + "' or class '" + className + "'");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String versionLine = FILE_FORMAT_VERSION + "\n";
            stored(zip, folder + "/data.pkl", moduleObject(className));
            stored(zip, folder + "/code/" + QUALIFIER + ".py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, folder + "/constants.pkl", emptyTuple());
            stored(zip, folder + "/version", versionLine.getBytes(StandardCharsets.US_ASCII));
            stored(zip, folder + "/.data/version", versionLine.getBytes(StandardCharsets.US_ASCII));
            stored(zip, folder + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e); // a ByteArrayOutputStream cannot fail
        }
        return bytes.toByteArray();
    }

    /**
     * The pickle of {@code __torch__.<className>} with {@code training = False}: GLOBAL pushes the class, NEWOBJ
     * with an empty tuple leaves it, the dict holds the one attribute every module class declares, and BUILD hands
     * the dict to the loader, which fills the object's slots from it (import.cpp {@code obj_loader}).
     */
    static byte[] moduleObject(String className) {
        Pickle p = new Pickle();
        p.op(GLOBAL).ascii(QUALIFIER + "\n" + className + "\n");
        p.op(EMPTY_TUPLE).op(NEWOBJ);
        p.op(EMPTY_DICT).unicode("training").op(NEWFALSE).op(SETITEM);
        p.op(BUILD);
        return p.stop();
    }

    /** The pickle of {@code ()}: the constant table of a module without tensor constants. */
    static byte[] emptyTuple() {
        return new Pickle().op(EMPTY_TUPLE).stop();
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(FIXED_TIME); // same bytes on every run, so the content hash names the file
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** 1980-01-01T00:00 local time, the zip epoch. */
    private static final long FIXED_TIME = new java.util.GregorianCalendar(1980, 0, 1).getTimeInMillis();

    // Pickle protocol 2 opcodes (Python's Lib/pickle.py; torch/csrc/jit/serialization/pickler.h PickleOpCode).
    private static final int PROTO = 0x80;
    private static final int STOP = '.';
    private static final int GLOBAL = 'c';
    private static final int EMPTY_TUPLE = ')';
    private static final int NEWOBJ = 0x81;
    private static final int EMPTY_DICT = '}';
    private static final int BINUNICODE = 'X';
    private static final int NEWFALSE = 0x89;
    private static final int SETITEM = 's';
    private static final int BUILD = 'b';

    /** A protocol-2 pickle under construction. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            out.write(PROTO);
            out.write(2);
        }

        Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        Pickle ascii(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        /** BINUNICODE: a 4-byte little-endian length, then UTF-8. */
        Pickle unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(BINUNICODE);
            out.write(b.length & 0xff);
            out.write((b.length >>> 8) & 0xff);
            out.write((b.length >>> 16) & 0xff);
            out.write((b.length >>> 24) & 0xff);
            out.writeBytes(b);
            return this;
        }

        byte[] stop() {
            out.write(STOP);
            return out.toByteArray();
        }
    }
}
