package org.lorastudio.reliability.durable;

import java.util.Random;

/**
 * Seeded random texts for the durability edits: captions of 1 to a few hundred tags (with commas, quotes and
 * non-ASCII), notes of up to some 20 KB, and small YAML configs. Never empty, and each ends in a random number, so
 * an empty or cut-short file on disk can never be mistaken for an allowed text.
 */
final class DurableTexts {
    private static final String[] TAGS = {"1girl", "neon lights", "rain", "umbrella", "city at night", "café",
        "日本の街並み", "🎨 watercolor", "a \"quoted\" word", "masterpiece", "red circle", "blue square",
        "soft light", "ÆØÅ", "très détaillé", "close-up", "from above", "x"};

    private DurableTexts() {
    }

    static String caption(Random r, boolean lineBreaks) {
        int n = r.nextInt(10) == 0 ? 50 + r.nextInt(400) : 1 + r.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(lineBreaks && r.nextInt(20) == 0 ? "\n" : ", ");
            }
            sb.append(TAGS[r.nextInt(TAGS.length)]);
        }
        return sb.append(" #").append(r.nextInt(1_000_000)).toString();
    }

    static String notes(Random r) {
        StringBuilder sb = new StringBuilder("# Run notes\n\n## Goal\n");
        int paragraphs = 1 + r.nextInt(r.nextInt(5) == 0 ? 60 : 6);
        for (int p = 0; p < paragraphs; p++) {
            sb.append('\n').append(caption(r, true)).append('\n');
        }
        return sb.append("\nend ").append(r.nextInt(1_000_000)).toString();
    }

    static String config(Random r) {
        return "name: durable\nlora_rank: " + (1 << r.nextInt(8)) + "\nlearning_rate: " + (1 + r.nextInt(9))
                + "e-4\n# " + caption(r, false).replace('\n', ' ') + "\n";
    }
}
