package org.lorastudio.reliability.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Structure-aware mutation of a safetensors file: the JSON header is parsed, one entry is edited as a whole
 * (dtype, shape, offsets, name, a dropped or doubled entry, odd metadata), and the file is put back together with
 * a length prefix that matches (most of the time), so that mutants reach the checks behind the length and JSON
 * checks instead of all failing at the first eight bytes.
 */
final class HeaderMutation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] DTYPES = {"F32", "F16", "BF16", "F64", "I64", "U64", "I32", "U32", "I16", "U16",
        "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2", "F4", "f32", "", "F32 ", "C64"};

    private HeaderMutation() {
    }

    /**
     * @param renames pairs of substrings of tensor names to swap ({@code {"lora_down", "lora_up"}}), for names
     *                that keep meaning something to the reader
     * @return the mutated file, or {@code null} when {@code file} has no parseable header
     */
    static byte[] mutate(byte[] file, Mutator m, String[][] renames) {
        if (file.length < 8) {
            return null;
        }
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > file.length - 8) {
            return null;
        }
        ObjectNode header;
        try {
            JsonNode node = JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
            if (!(node instanceof ObjectNode o)) {
                return null;
            }
            header = o;
        } catch (JsonProcessingException e) {
            return null;
        }
        byte[] data = Arrays.copyOfRange(file, 8 + (int) n, file.length);
        SplittableRandom r = m.random();
        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(names::add);
        names.remove("__metadata__");
        String name = names.isEmpty() ? null : names.get(r.nextInt(names.size()));
        JsonNode entry = name == null ? null : header.get(name);
        switch (r.nextInt(10)) {
            case 0 -> {
                if (entry instanceof ObjectNode e) {
                    e.put("dtype", DTYPES[r.nextInt(DTYPES.length)]);
                }
            }
            case 1 -> {
                if (entry instanceof ObjectNode e) {
                    e.set("shape", mutateArray(e.get("shape"), r));
                }
            }
            case 2 -> {
                if (entry instanceof ObjectNode e) {
                    e.set("data_offsets", mutateArray(e.get("data_offsets"), r));
                }
            }
            case 3 -> {
                if (name != null) {
                    String renamed = rename(name, renames, r);
                    header.remove(name);
                    header.set(renamed, entry);
                }
            }
            case 4 -> {
                if (name != null) {
                    header.remove(name);
                }
            }
            case 5 -> {
                if (name != null) {
                    header.set(rename(name, renames, r), entry.deepCopy());
                }
            }
            case 6 -> {
                ObjectNode meta = header.get("__metadata__") instanceof ObjectNode o ? o : header.putObject("__metadata__");
                switch (r.nextInt(4)) {
                    case 0 -> meta.put("format", "pt");
                    case 1 -> meta.put("ss_network_dim", r.nextInt(3) - 1);
                    case 2 -> meta.putObject("nested").put("a", "b");
                    default -> meta.putNull("x");
                }
            }
            case 7 -> {
                // data section longer or shorter than the header says
                data = r.nextBoolean() ? Arrays.copyOf(data, data.length + 1 + r.nextInt(16))
                        : Arrays.copyOf(data, Math.max(0, data.length - 1 - r.nextInt(16)));
            }
            case 8 -> {
                if (entry instanceof ObjectNode e) {
                    // a shape whose element count is the same but whose rank is not: a rank mismatch in a LoRA
                    JsonNode shape = e.get("shape");
                    if (shape instanceof ArrayNode a && a.size() > 0) {
                        ArrayNode flipped = JSON.createArrayNode();
                        List<JsonNode> dims = new ArrayList<>();
                        a.forEach(dims::add);
                        for (int i = dims.size() - 1; i >= 0; i--) {
                            flipped.add(dims.get(i));
                        }
                        if (r.nextBoolean()) {
                            flipped.add(1);
                        }
                        e.set("shape", flipped);
                    }
                }
            }
            default -> {
                if (entry instanceof ObjectNode e) {
                    e.put("extra", "field");
                    Iterator<String> it = e.fieldNames();
                    if (r.nextInt(4) == 0 && it.hasNext()) {
                        e.remove(it.next());
                    }
                }
            }
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(8) == 0) {
            // the writer pads with spaces to 8 bytes; other padding is hostile
            json = Mutator.insert(json, json.length, new byte[] {' ', ' ', (byte) (r.nextBoolean() ? ' ' : 0)});
        }
        long length = r.nextInt(10) == 0 ? Mutator.INTERESTING[r.nextInt(Mutator.INTERESTING.length)] : json.length;
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(length).put(json).put(data);
        return out.array();
    }

    private static JsonNode mutateArray(JsonNode original, SplittableRandom r) {
        ArrayNode a = JSON.createArrayNode();
        if (original instanceof ArrayNode o) {
            o.forEach(a::add);
        }
        switch (r.nextInt(6)) {
            case 0 -> a.add(Mutator.INTERESTING[r.nextInt(Mutator.INTERESTING.length)]);
            case 1 -> {
                if (!a.isEmpty()) {
                    a.remove(r.nextInt(a.size()));
                }
            }
            case 2 -> {
                if (!a.isEmpty()) {
                    a.set(r.nextInt(a.size()), JSON.getNodeFactory()
                            .numberNode(Mutator.INTERESTING[r.nextInt(Mutator.INTERESTING.length)]));
                }
            }
            case 3 -> {
                if (!a.isEmpty()) {
                    int i = r.nextInt(a.size());
                    a.set(i, JSON.getNodeFactory().numberNode(a.get(i).asLong() + (r.nextBoolean() ? 1 : -1)));
                }
            }
            case 4 -> {
                if (!a.isEmpty()) {
                    a.set(r.nextInt(a.size()), JSON.getNodeFactory().textNode("4"));
                }
            }
            default -> {
                if (a.size() > 1) {
                    JsonNode first = a.get(0);
                    a.set(0, a.get(a.size() - 1));
                    a.set(a.size() - 1, first);
                }
            }
        }
        return a;
    }

    private static String rename(String name, String[][] renames, SplittableRandom r) {
        if (renames.length > 0 && r.nextInt(4) != 0) {
            String[] pair = renames[r.nextInt(renames.length)];
            if (name.contains(pair[0])) {
                return name.replaceFirst(java.util.regex.Pattern.quote(pair[0]), pair[1]);
            }
            if (name.contains(pair[1])) {
                return name.replaceFirst(java.util.regex.Pattern.quote(pair[1]), pair[0]);
            }
        }
        return switch (r.nextInt(4)) {
            case 0 -> name + "x";
            case 1 -> name.substring(0, r.nextInt(name.length() + 1));
            case 2 -> "\u0000" + name;
            default -> name.toUpperCase(java.util.Locale.ROOT);
        };
    }
}
