package org.lorastudio.model.sd;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.lorastudio.model.vae.VaeConfig;
import org.lorastudio.util.UserException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads the VAE architecture from an original (CompVis/LDM) config such as {@code v1-inference.yaml}:
 * {@code model.params.first_stage_config.params.ddconfig} ({@code ch × ch_mult} → block channels,
 * {@code num_res_blocks}, {@code z_channels}) and {@code model.params.scale_factor}.
 */
final class LdmVaeConfig {
    private LdmVaeConfig() {
    }

    static VaeConfig fromLdmYaml(Path yaml) throws IOException {
        Map<?, ?> root;
        try (Reader r = Files.newBufferedReader(yaml)) {
            Object o = new Yaml(new LoaderOptions()).load(r);
            if (!(o instanceof Map<?, ?> m)) {
                throw new UserException(yaml.getFileName() + ": not an original-format model config");
            }
            root = m;
        }
        Map<?, ?> params = map(yaml, map(yaml, root, "model"), "params");
        Map<?, ?> first = map(yaml, params, "first_stage_config");
        Map<?, ?> dd = map(yaml, map(yaml, first, "params"), "ddconfig");
        int ch = intValue(yaml, dd, "ch", 128);
        List<Integer> channels = new ArrayList<>();
        Object mult = dd.get("ch_mult");
        if (mult instanceof List<?> l) {
            for (Object m : l) {
                channels.add(ch * ((Number) m).intValue());
            }
        } else {
            channels.addAll(VaeConfig.sd15().blockOutChannels());
        }
        float scale = params.get("scale_factor") instanceof Number n ? n.floatValue() : 0.18215f;
        return new VaeConfig(intValue(yaml, dd, "in_channels", 3), intValue(yaml, dd, "out_ch", 3), channels,
                intValue(yaml, dd, "num_res_blocks", 2), intValue(yaml, dd, "z_channels", 4), 32, scale);
    }

    private static Map<?, ?> map(Path yaml, Map<?, ?> parent, String key) {
        if (parent.get(key) instanceof Map<?, ?> m) {
            return m;
        }
        throw new UserException(yaml.getFileName() + ": '" + key + "' is missing; expected an original-format"
                + " Stable Diffusion config (like v1-inference.yaml)");
    }

    private static int intValue(Path yaml, Map<?, ?> m, String key, int fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new UserException(yaml.getFileName() + ": ddconfig." + key + " must be a number, found " + v);
    }
}
