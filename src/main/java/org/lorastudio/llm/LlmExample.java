package org.lorastudio.llm;

import java.util.List;
import java.util.Objects;

/**
 * One training example of a language-model data set, as read from the file (before any template or tokenizer):
 * an Alpaca instruction, a chat (OpenAI {@code messages} or ShareGPT {@code conversations}), or a plain text.
 * {@code source} says where it came from ({@code data.jsonl:7}), for messages.
 */
public sealed interface LlmExample {
    String source();

    /** Alpaca: {@code instruction}, {@code input} (may be empty), {@code output}, optional {@code system}. */
    record Instruction(String instruction, String input, String output, String system, String source)
            implements LlmExample {
        public Instruction {
            Objects.requireNonNull(instruction, "instruction");
            input = input == null ? "" : input;
            Objects.requireNonNull(output, "output");
            system = system == null ? "" : system;
        }
    }

    /** A conversation; the loss is on the assistant turns only. */
    record Chat(List<Message> messages, String source) implements LlmExample {
        public Chat {
            messages = List.copyOf(messages);
        }
    }

    /** A plain document; every token is trained on. */
    record Text(String text, String source) implements LlmExample {
    }

    /** One turn of a chat. */
    record Message(Role role, String content) {
    }

    /** Who speaks a turn. */
    enum Role {
        SYSTEM("system"), USER("user"), ASSISTANT("assistant");

        private final String jsonName;

        Role(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }
}
