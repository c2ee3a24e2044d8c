package org.lorastudio.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Checks that the files a config points at are there and of a kind the trainer can read. Kept apart from
 * validation so that a config can be written, checked and shared before its data or model exist; the trainer calls
 * this when a run starts. Only the shape is checked (exists, file or folder, extension, marker files); reading the
 * model and the data is their loaders' job.
 */
public final class ConfigFiles {
    private static final List<String> PICKLE_SUFFIXES = List.of(".ckpt", ".bin", ".pt", ".pth", ".pkl");

    private ConfigFiles() {
    }

    /** Every problem with the config's files, each saying what to do; empty when all are in place. */
    public static List<ConfigProblem> check(TrainingConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        checkBaseModel(config, problems);
        checkData(config, problems);
        config.metadataPath().ifPresent(p -> {
            String name = p.resolved().getFileName().toString().toLowerCase(Locale.ROOT);
            if (!Files.isRegularFile(p.resolved())) {
                problems.add(error("metadata_path", p, "file not found: " + p.resolved()
                        + "; fix the path, or remove metadata_path to read <image>.txt captions"));
            } else if (!name.endsWith(".csv") && !name.endsWith(".jsonl")) {
                problems.add(error("metadata_path", p, "must be a .csv (columns file_name,text) or .jsonl file"));
            }
        });
        config.validationDataDir().ifPresent(p -> {
            if (!Files.exists(p.resolved())) {
                problems.add(error("validation_data_dir", p, "not found: " + p.resolved() + "; fix the path, or"
                        + " remove validation_data_dir (validation_split holds out part of train_data_dir instead)"));
            } else if (config.modelType() == ModelType.SD15 && !Files.isDirectory(p.resolved())) {
                problems.add(error("validation_data_dir", p, "must be a folder of images with captions, found a"
                        + " file"));
            }
        });
        config.outputDir().ifPresent(p -> {
            if (Files.exists(p.resolved()) && !Files.isDirectory(p.resolved())) {
                problems.add(error("output_dir", p, "is a file, not a folder: " + p.resolved()));
            }
        });
        return List.copyOf(problems);
    }

    /**
     * Throws when {@link #check} finds anything.
     *
     * @throws ConfigException listing every missing or unusable file
     */
    public static void require(TrainingConfig config) {
        List<ConfigProblem> problems = check(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(config.name(), problems);
        }
    }

    private static void checkBaseModel(TrainingConfig config, List<ConfigProblem> problems) {
        ConfigPath p = config.baseModel();
        Path path = p.resolved();
        String name = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
        boolean llm = config.modelType() == ModelType.LLM;
        String expected = llm ? "a Hugging Face model folder (config.json, model.safetensors, tokenizer.json)"
                : "an SD 1.5 .safetensors checkpoint or a diffusers folder";
        if (!Files.exists(path)) {
            problems.add(error("base_model", p, "not found: " + path + "; put " + expected
                    + " there or fix the path (relative paths start at the config's folder)"));
        } else if (PICKLE_SUFFIXES.stream().anyMatch(name::endsWith)) {
            problems.add(error("base_model", p, "is a pickle file, which can run code when loaded and is not read;"
                    + " use the .safetensors version of the model"));
        } else if (Files.isRegularFile(path)) {
            if (llm) {
                problems.add(error("base_model", p, "is a file; model_type llm needs " + expected));
            } else if (!name.endsWith(".safetensors")) {
                problems.add(error("base_model", p, "must be " + expected + ", found the file " + path));
            }
        } else if (llm ? !Files.isRegularFile(path.resolve("config.json")) : !looksLikeDiffusers(path)) {
            problems.add(error("base_model", p, "is a folder without " + (llm ? "config.json" : "model_index.json,"
                    + " unet/ or a .safetensors file") + "; it must be " + expected));
        }
    }

    private static void checkData(TrainingConfig config, List<ConfigProblem> problems) {
        ConfigPath p = config.trainDataDir();
        Path path = p.resolved();
        if (!Files.exists(path)) {
            problems.add(error("train_data_dir", p, "not found: " + path + "; create it with your "
                    + (config.modelType() == ModelType.LLM ? "training examples" : "images and captions")
                    + " or fix the path (relative paths start at the config's folder)"));
        } else if (config.modelType() == ModelType.SD15 && !Files.isDirectory(path)) {
            problems.add(error("train_data_dir", p, "must be a folder of images with captions, found a file"));
        }
    }

    private static boolean looksLikeDiffusers(Path dir) {
        if (Files.isRegularFile(dir.resolve("model_index.json")) || Files.isDirectory(dir.resolve("unet"))) {
            return true;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors"));
        } catch (IOException e) {
            return false;
        }
    }

    private static ConfigProblem error(String key, ConfigPath value, String message) {
        return ConfigProblem.error(key, 0, null, value.written(), message);
    }
}
