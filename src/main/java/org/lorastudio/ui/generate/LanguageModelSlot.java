package org.lorastudio.ui.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

import ai.djl.ndarray.NDManager;
import org.lorastudio.llm.LlmTokenizer;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.util.UserException;

/**
 * The language model the Generate screen keeps loaded between answers (a model folder, its tokenizer and the
 * manager owning its weights). Used only on the {@link GenerationEngine}'s thread. A folder is reloaded when its
 * path changes or when any of its files is newer than at load time (a re-exported or merged model).
 */
final class LanguageModelSlot implements AutoCloseable {
    private NDManager manager;
    private LlamaForCausalLM model;
    private LlmTokenizer tokenizer;
    private Path path;
    private FileTime time;

    /** The loaded model for {@code folder}, loading it (and freeing any other) when needed. */
    LlamaForCausalLM ensure(Path folder) {
        Path p = folder.toAbsolutePath().normalize();
        FileTime t = newestFile(p);
        if (model != null && p.equals(path) && t.equals(time)) {
            return model;
        }
        close();
        NDManager m = NDManager.newBaseManager();
        LlmTokenizer tok = null;
        try {
            tok = LlmTokenizer.fromFolder(p);
            model = LlamaForCausalLM.fromPretrained(p, m);
            tokenizer = tok;
            manager = m;
            path = p;
            time = t;
            return model;
        } catch (RuntimeException e) {
            if (tok != null) {
                tok.close();
            }
            m.close();
            model = null;
            throw e;
        }
    }

    LlmTokenizer tokenizer() {
        return tokenizer;
    }

    NDManager manager() {
        return manager;
    }

    boolean isLoaded() {
        return model != null;
    }

    Path path() {
        return path;
    }

    /** The newest modification time of the folder's files (config, weights, tokenizer). */
    private static FileTime newestFile(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UserException("language model folder not found: " + folder + " — pick a Hugging Face model"
                    + " folder (config.json, model.safetensors, tokenizer.json)");
        }
        try (Stream<Path> files = Files.list(folder)) {
            FileTime newest = FileTime.fromMillis(0);
            for (Path f : (Iterable<Path>) files::iterator) {
                FileTime t = Files.getLastModifiedTime(f);
                if (t.compareTo(newest) > 0) {
                    newest = t;
                }
            }
            return newest;
        } catch (IOException e) {
            throw new UserException("cannot read the model folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Frees the weights and the tokenizer. */
    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (manager != null) {
            manager.close();
        }
        tokenizer = null;
        manager = null;
        model = null;
        path = null;
        time = null;
    }
}
