package org.lorastudio.config;

/** How an instruction example (instruction, input, output) becomes one training text for a language model. */
public enum PromptTemplate implements ConfigEnum {
    ALPACA("alpaca", "Alpaca headers: ### Instruction: / ### Input: / ### Response:"),
    PLAIN("plain", "instruction, input and output joined by blank lines without headers; plain-text data as is");

    private final String yamlName;
    private final String description;

    PromptTemplate(String yamlName, String description) {
        this.yamlName = yamlName;
        this.description = description;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    @Override
    public String description() {
        return description;
    }
}
