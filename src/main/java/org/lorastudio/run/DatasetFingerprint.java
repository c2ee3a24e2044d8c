package org.lorastudio.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Which data a run saw: a SHA-256 over every image and caption (computed by the dataset package) and the number
 * of items, so that "same data?" is answered by comparing two strings.
 */
@JsonPropertyOrder({"sha256", "items"})
public record DatasetFingerprint(
        @JsonProperty("sha256") String sha256,
        @JsonProperty("items") int items) {
}
