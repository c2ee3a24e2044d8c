package org.lorastudio.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.lorastudio.util.Versions;

/**
 * The software a run was trained with. Results can differ between libtorch or DJL versions, so a run compared
 * months later must say which ones it used (as Tribuo's {@code ModelProvenance} does).
 */
@JsonPropertyOrder({"studio", "java", "djl", "libtorch", "os"})
public record RuntimeVersions(
        @JsonProperty("studio") String studio,
        @JsonProperty("java") String java,
        @JsonProperty("djl") String djl,
        @JsonProperty("libtorch") String libtorch,
        @JsonProperty("os") String os) {

    /** The versions of this process. */
    public static RuntimeVersions current() {
        return new RuntimeVersions(Versions.studio(), Versions.java(), Versions.DJL, Versions.LIBTORCH, Versions.os());
    }
}
