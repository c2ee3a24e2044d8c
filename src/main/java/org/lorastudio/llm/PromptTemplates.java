package org.lorastudio.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.lorastudio.config.PromptTemplate;

/**
 * Turns an {@link LlmExample} into text segments, each marked trained-on or not (FORMATS §7).
 *
 * <ul>
 *   <li>{@code alpaca}: the Stanford Alpaca template verbatim (with / without input); a non-empty {@code system}
 *       replaces the preamble sentence, as LLaMA-Factory's alpaca template does.</li>
 *   <li>{@code plain}: instruction, input and output joined by blank lines, no headers.</li>
 *   <li>Chats use the model's chat template when it is ChatML or Llama 3 ({@link ChatFormat}); otherwise the
 *       configured template, one Instruction/Response pair per user/assistant turn.</li>
 *   <li>Plain text: the whole document is trained on.</li>
 * </ul>
 * The response of every trained segment ends with the EOS token text (or the chat format's end-of-turn token), so
 * the model learns to stop.
 */
public final class PromptTemplates {
    /** Stanford Alpaca preamble with an input. */
    public static final String PREAMBLE_WITH_INPUT = "Below is an instruction that describes a task, paired with an"
            + " input that provides further context. Write a response that appropriately completes the request.";
    /** Stanford Alpaca preamble without an input. */
    public static final String PREAMBLE_NO_INPUT = "Below is an instruction that describes a task. Write a response"
            + " that appropriately completes the request.";

    private PromptTemplates() {
    }

    /** A piece of the training text; {@code trained} pieces get labels, the others −100. */
    public record Segment(String text, boolean trained) {
    }

    /** The prompt (everything before the response) for an instruction, as used in training and generation. */
    public static String prompt(PromptTemplate template, String instruction, String input, String system) {
        boolean hasInput = input != null && !input.isEmpty();
        if (template == PromptTemplate.PLAIN) {
            return instruction + "\n\n" + (hasInput ? input + "\n\n" : "");
        }
        String preamble = system != null && !system.isBlank() ? system
                : hasInput ? PREAMBLE_WITH_INPUT : PREAMBLE_NO_INPUT;
        return preamble + "\n\n### Instruction:\n" + instruction + "\n\n"
                + (hasInput ? "### Input:\n" + input + "\n\n" : "") + "### Response:\n";
    }

    /** The prompt for a generation request without input or system text. */
    public static String prompt(PromptTemplate template, String instruction) {
        return prompt(template, instruction, "", "");
    }

    /**
     * The segments of an example.
     *
     * @param eos  the EOS token text appended to responses (empty: none)
     * @param chat the model's chat format, if it has a known one
     */
    public static List<Segment> segments(LlmExample example, PromptTemplate template, String eos,
                                         Optional<ChatFormat> chat) {
        List<Segment> out = new ArrayList<>();
        if (example instanceof LlmExample.Instruction in) {
            out.add(new Segment(prompt(template, in.instruction(), in.input(), in.system()), false));
            out.add(new Segment(in.output() + eos, true));
        } else if (example instanceof LlmExample.Text t) {
            out.add(new Segment(t.text() + eos, true));
        } else if (example instanceof LlmExample.Chat c) {
            if (chat.isPresent()) {
                chatSegments(c, chat.get(), out);
            } else {
                templateChatSegments(c, template, eos, out);
            }
        }
        return out;
    }

    private static void chatSegments(LlmExample.Chat c, ChatFormat f, List<Segment> out) {
        for (LlmExample.Message m : c.messages()) {
            String head = f.header(m.role().jsonName());
            if (m.role() == LlmExample.Role.ASSISTANT) {
                out.add(new Segment(head, false));
                out.add(new Segment(f.content(m.content()) + f.endOfTurn(), true));
                out.add(new Segment(f.afterTurn(), false));
            } else {
                out.add(new Segment(head + f.content(m.content()) + f.endOfTurn() + f.afterTurn(), false));
            }
        }
    }

    private static void templateChatSegments(LlmExample.Chat c, PromptTemplate template, String eos,
                                             List<Segment> out) {
        String system = "";
        boolean first = true;
        for (LlmExample.Message m : c.messages()) {
            switch (m.role()) {
                case SYSTEM -> system = m.content();
                case USER -> {
                    String p = first ? prompt(template, m.content(), "", system)
                            : template == PromptTemplate.PLAIN ? m.content() + "\n\n"
                            : "### Instruction:\n" + m.content() + "\n\n### Response:\n";
                    out.add(new Segment(p, false));
                    first = false;
                }
                case ASSISTANT -> {
                    out.add(new Segment(m.content() + eos, true));
                    out.add(new Segment("\n\n", false));
                }
                default -> throw new IllegalStateException("unreachable");
            }
        }
        if (!out.isEmpty() && "\n\n".equals(out.get(out.size() - 1).text())) {
            out.remove(out.size() - 1);
        }
    }
}
