package org.lorastudio.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDManager;
import org.lorastudio.config.PromptTemplate;
import org.lorastudio.llm.LlmTokenizer;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.llm.PromptTemplates;
import org.lorastudio.llm.TextGenerator;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code generate-text}: answers a prompt with a LLaMA-family model folder, optionally with a PEFT adapter, and
 * with {@code --compare} prints the base and the adapted answer one after the other.
 */
@Command(name = "generate-text", mixinStandardHelpOptions = true,
        description = "Generate text with a LLaMA-family model (Hugging Face folder), optionally with a PEFT LoRA"
                + " adapter; greedy at temperature 0, else temperature + top-p sampling with a seed.")
public final class GenerateTextCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "model folder: config.json, model.safetensors (or shards), tokenizer.json")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "PEFT adapter folder (adapter_config.json + adapter_model.safetensors)")
    Path adapter;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT",
            description = "the instruction; it is wrapped in the --template")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "128", paramLabel = "N",
            description = "most tokens to generate (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "F",
            description = "0 = greedy (default); above 0 samples")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0", paramLabel = "F",
            description = "nucleus sampling mass in (0, 1] (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "sampling seed (default: 0)")
    long seed;

    @Option(names = "--template", defaultValue = "alpaca", paramLabel = "NAME",
            description = "alpaca (Stanford template, default) or plain (the prompt as is)")
    String template;

    @Option(names = "--compare", description = "with --adapter: print the base answer and the adapted answer")
    boolean compare;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TextGenerator.Settings settings;
        try {
            settings = new TextGenerator.Settings(maxNewTokens, temperature, topP, seed);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (compare && adapter == null) {
            throw new UserException("--compare needs --adapter DIR");
        }
        String text = switch (template.toLowerCase(Locale.ROOT)) {
            case "alpaca" -> PromptTemplates.prompt(PromptTemplate.ALPACA, prompt);
            case "plain" -> prompt;
            default -> throw new UserException("--template must be alpaca or plain, found '" + template + "'");
        };
        try (NDManager manager = NDManager.newBaseManager();
             LlmTokenizer tokenizer = LlmTokenizer.fromFolder(model)) {
            LlamaForCausalLM lm = LlamaForCausalLM.fromPretrained(model, manager);
            TextGenerator generator = new TextGenerator(lm, tokenizer);
            if (adapter == null || compare) {
                TextGenerator.Result base = generator.generate(text, settings, manager);
                print(out, err, compare ? "base" : null, base);
            }
            if (adapter != null) {
                PeftAdapter.Loaded loaded = PeftAdapter.read(adapter, lm, manager);
                loaded.network().attach();
                TextGenerator.Result adapted = generator.generate(text, settings, manager);
                print(out, err, compare ? "adapted (" + adapter.getFileName() + ")" : null, adapted);
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, PrintWriter err, String label, TextGenerator.Result r) {
        if (label != null) {
            out.println("--- " + label + " ---");
        }
        out.println(r.text());
        out.flush();
        err.printf("[%d prompt + %d new tokens in %.1f s%s]%n", r.promptTokens(), r.newTokens().length,
                r.nanos() / 1e9, r.stoppedAtEos() ? ", stopped at EOS" : ", token limit");
        err.flush();
    }
}
