package org.lorastudio.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The format checker on known strings, the held-out prompts, and the corpus the base is pretrained on. */
class DemoLlmFormatTest {

    @Test
    void exactFormatAcceptsOnlyTheDataSetsAnswerForm() {
        assertThat(DemoLlmFormat.exactFormat("Answer: 23 meters = 2300 centimeters.")).isTrue();
        assertThat(DemoLlmFormat.exactFormat("  Answer: 1 foot = 12 inches.\n")).isTrue();
        assertThat(DemoLlmFormat.exactFormat("23 meters is 2300 centimeters.")).isFalse();
        assertThat(DemoLlmFormat.exactFormat("23 meters = 2300 centimeters.")).isFalse();
        assertThat(DemoLlmFormat.exactFormat("Answer: 23 meters = 2300 centimeters")).isFalse();
        assertThat(DemoLlmFormat.exactFormat("Answer: 23 meters is 2300 centimeters.")).isFalse();
        assertThat(DemoLlmFormat.exactFormat("answer: 23 meters = 2300 centimeters.")).isFalse();
        assertThat(DemoLlmFormat.exactFormat("Answer: 23 meters = 2300 centimeters. 4 plus 4 is 8.")).isFalse();
        assertThat(DemoLlmFormat.exactFormat("Answer: 23 meters = 2300 centimeters.\nAnswer: 1 = 1 a.")).isFalse();
        assertThat(DemoLlmFormat.exactFormat("")).isFalse();
    }

    @Test
    void everyDataSetAnswerHasTheFormAndNoHeldOutPromptIsInTheDataSet() {
        List<Map<String, String>> data = DemoLlmGenerator.examples(DemoLlmGenerator.DEFAULT_SEED,
                DemoLlmGenerator.DEFAULT_COUNT);
        assertThat(data).allSatisfy(e -> assertThat(DemoLlmFormat.exactFormat(e.get("output"))).as(e.toString())
                .isTrue());
        Set<String> quantities = data.stream().map(e -> e.get("output").split(" = ")[0]).collect(Collectors.toSet());

        List<DemoLlmFormat.Prompt> held = DemoLlmFormat.heldOut(7, 40);
        assertThat(held).hasSize(40).doesNotHaveDuplicates();
        assertThat(held).isEqualTo(DemoLlmFormat.heldOut(7, 40));
        assertThat(held).allSatisfy(p -> {
            assertThat(DemoLlmFormat.exactFormat(p.expected())).as(p.expected()).isTrue();
            assertThat(quantities).doesNotContain(p.expected().split(" = ")[0]);
            int value = Integer.parseInt(p.instruction().split(" ")[1]);
            assertThat(value).isBetween(21, DemoLlmCorpus.MAX_VALUE);
        });
        assertThat(held.get(0).expected()).startsWith(DemoLlmGenerator.ANSWER_PREFIX);
    }

    @Test
    void theCorpusIsSeededPlainSentencesWithoutTheAnswerForm() {
        List<String> docs = DemoLlmCorpus.documents(1, 2000);
        assertThat(docs).isEqualTo(DemoLlmCorpus.documents(1, 2000)).isNotEqualTo(DemoLlmCorpus.documents(2, 2000));
        assertThat(docs).noneMatch(d -> d.contains("Answer")).noneMatch(d -> d.contains(" = "));
        assertThat(docs).allMatch(d -> d.endsWith(".") && d.length() < 200);
        long instructions = docs.stream().filter(d -> d.startsWith("Convert ") && d.contains("\n\n")).count();
        assertThat(instructions).isBetween(400L, 800L); // 40 % × 70 % of the documents are conversion questions
        assertThat(docs).contains("Convert the quantity to feet.\n\n12 yards\n\n12 yards is 36 feet.");
    }
}
