package org.lorastudio.model.sd;

/** The three networks of a Stable Diffusion checkpoint, with their key prefix in a single (LDM) file. */
public enum Component {
    /** UNet2DConditionModel: {@code model.diffusion_model.*} in a single file, {@code unet/} in diffusers. */
    UNET("model.diffusion_model."),
    /** AutoencoderKL: {@code first_stage_model.*}, {@code vae/}. */
    VAE("first_stage_model."),
    /** CLIPTextModel: {@code cond_stage_model.transformer.*}, {@code text_encoder/} (transformers names). */
    TEXT_ENCODER("cond_stage_model.transformer.");

    private final String ldmPrefix;

    Component(String ldmPrefix) {
        this.ldmPrefix = ldmPrefix;
    }

    /** The prefix of this component's keys in a single-file checkpoint. */
    public String ldmPrefix() {
        return ldmPrefix;
    }
}
