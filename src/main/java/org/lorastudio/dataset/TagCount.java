package org.lorastudio.dataset;

/**
 * How many captions contain a tag.
 *
 * @param tag   the tag, trimmed
 * @param count the number of captions that contain it (a tag repeated inside one caption counts once)
 */
public record TagCount(String tag, int count) {
}
