package org.lorastudio.llm;

import java.util.Optional;

/**
 * The chat-template shapes LoRA Studio renders itself (a Jinja engine is out of scope): ChatML (Qwen, SmolLM,
 * many fine-tunes) and Llama 3. A model's {@code chat_template} is matched to one of these by its marker tokens;
 * anything else is refused with a message pointing at the Alpaca template.
 */
public enum ChatFormat {
    /** {@code <|im_start|>role\ncontent<|im_end|>\n}; the assistant turn ends with {@code <|im_end|>}. */
    CHATML("<|im_start|>", "<|im_end|>"),
    /** {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>}. */
    LLAMA3("<|start_header_id|>", "<|eot_id|>");

    private final String marker;
    private final String endOfTurn;

    ChatFormat(String marker, String endOfTurn) {
        this.marker = marker;
        this.endOfTurn = endOfTurn;
    }

    /** The shape of a Jinja {@code chat_template}, if it is one of the known ones. */
    public static Optional<ChatFormat> detect(String chatTemplate) {
        if (chatTemplate == null || chatTemplate.isBlank()) {
            return Optional.empty();
        }
        for (ChatFormat f : values()) {
            if (chatTemplate.contains(f.marker)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The token that ends a turn (trained on, so the model learns to stop). */
    public String endOfTurn() {
        return endOfTurn;
    }

    /** The text that opens a turn of {@code role} ({@code system}, {@code user}, {@code assistant}). */
    public String header(String role) {
        return switch (this) {
            case CHATML -> "<|im_start|>" + role + "\n";
            case LLAMA3 -> "<|start_header_id|>" + role + "<|end_header_id|>\n\n";
        };
    }

    /** The text between a turn's end token and the next header. */
    public String afterTurn() {
        return this == CHATML ? "\n" : "";
    }

    /** Content as the template writes it (Llama 3 strips surrounding whitespace). */
    public String content(String text) {
        return this == LLAMA3 ? text.strip() : text;
    }
}
