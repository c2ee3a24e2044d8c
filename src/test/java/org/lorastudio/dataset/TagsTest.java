package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lorastudio.util.UserException;

class TagsTest {
    @Test
    void splitTrimsAndDropsEmptyTags() {
        assertThat(Tags.split(" 1girl,neon lights ,, rain ,")).containsExactly("1girl", "neon lights", "rain");
        assertThat(Tags.split("")).isEmpty();
        assertThat(Tags.split(" , ")).isEmpty();
    }

    @Test
    void frequencyTableSortsByCountThenNameAndCountsOncePerCaption() {
        List<TagCount> table = Tags.frequencies(List.of("b, a, rain", "rain, a", "rain, c, c", "z"));
        assertThat(table).containsExactly(new TagCount("rain", 3), new TagCount("a", 2), new TagCount("b", 1),
                new TagCount("c", 1), new TagCount("z", 1));
        assertThat(Tags.top(List.of("b, a, rain", "rain, a"), 2)).containsExactly(new TagCount("a", 2),
                new TagCount("rain", 2));
    }

    @Test
    void addAppendsOnlyWhenAbsentAndKeepsUntouchedCaptionsIdentical() {
        TagEdit add = new TagEdit.Add(" neon ");
        assertThat(add.apply("city,rain")).isEqualTo("city, rain, neon");
        String has = "neon,city";
        assertThat(add.apply(has)).isSameAs(has);
        assertThat(add.apply("")).isEqualTo("neon");
    }

    @Test
    void removeDeletesEveryOccurrence() {
        assertThat(new TagEdit.Remove("a").apply("a, b, a, c")).isEqualTo("b, c");
        assertThat(new TagEdit.Remove("x").apply("a,b")).isEqualTo("a,b");
    }

    @Test
    void replaceRenamesWithoutDoubling() {
        assertThat(new TagEdit.Replace("cat", "kitten").apply("cat, sofa")).isEqualTo("kitten, sofa");
        assertThat(new TagEdit.Replace("cat", "kitten").apply("kitten, cat, sofa")).isEqualTo("kitten, sofa");
        assertThat(new TagEdit.Replace("cat", "kitten").apply("dog")).isEqualTo("dog");
    }

    @Test
    void prependTriggerMovesTheTriggerFirst() {
        TagEdit trigger = new TagEdit.PrependTrigger("ohwx");
        assertThat(trigger.apply("city, rain")).isEqualTo("ohwx, city, rain");
        assertThat(trigger.apply("city, ohwx")).isEqualTo("ohwx, city");
        assertThat(trigger.apply("ohwx,city")).isEqualTo("ohwx,city");
        assertThat(trigger.apply("")).isEqualTo("ohwx");
    }

    @Test
    void applyAllReturnsOnlyChangedCaptionsInOrder() {
        Map<String, String> captions = new LinkedHashMap<>();
        captions.put("b.png", "city");
        captions.put("a.png", "neon, city");
        captions.put("c.png", "rain");
        assertThat(TagEdit.applyAll(new TagEdit.Add("neon"), captions))
                .containsExactly(Map.entry("b.png", "city, neon"), Map.entry("c.png", "rain, neon"));
    }

    @Test
    void tagsWithCommasOrBlankAreRefused() {
        assertThatThrownBy(() -> new TagEdit.Add("a, b")).isInstanceOf(UserException.class)
                .hasMessageContaining("comma");
        assertThatThrownBy(() -> new TagEdit.Remove("  ")).isInstanceOf(UserException.class);
    }
}
