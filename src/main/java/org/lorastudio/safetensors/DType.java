package org.lorastudio.safetensors;

import java.util.Map;
import java.util.Optional;

/**
 * Element types of the safetensors format (names as written in the header). Sizes are in bytes.
 * Sub-byte and exotic float types (F4, F6_*, F8_E8M0, *FNUZ) are not supported and are rejected by name.
 */
public enum DType {
    BOOL(1), U8(1), I8(1), F8_E4M3(1), F8_E5M2(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    I64(8), U64(8), F64(8);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for the float types that can be widened to float32 in Java. */
    public boolean isFloat() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }

    /**
     * Dtypes that the safetensors format defines but LoRA Studio does not read, with the reason. They are told
     * apart from unknown names so that the user learns the file is valid but uses a type we cannot hold.
     */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "F4", "a 4-bit float (sub-byte type)",
            "F6_E2M3", "a 6-bit float (sub-byte type)",
            "F6_E3M2", "a 6-bit float (sub-byte type)",
            "F8_E8M0", "an 8-bit exponent-only scale type",
            "F8_E4M3FNUZ", "an AMD-style 8-bit float",
            "F8_E5M2FNUZ", "an AMD-style 8-bit float",
            "C64", "a complex type");

    /** Why {@code name} is a safetensors dtype that is not supported here, or empty if it is not such a dtype. */
    public static Optional<String> unsupportedReason(String name) {
        return Optional.ofNullable(UNSUPPORTED.get(name));
    }

    /** The dtype written as {@code name} in a header (case-sensitive, as in the reference parser). */
    public static Optional<DType> parse(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
