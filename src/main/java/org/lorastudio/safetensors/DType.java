package org.lorastudio.safetensors;

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

    public static Optional<DType> parse(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
