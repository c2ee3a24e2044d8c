package org.lorastudio.model.sd;

/** What {@link LdmKeyMap} makes of one single-file key: a component key, or a reason to leave it out. */
public sealed interface KeyMapping permits KeyMapping.Mapped, KeyMapping.Skipped {

    /** The key belongs to {@code component} under the diffusers / transformers name {@code key}. */
    record Mapped(Component component, String key) implements KeyMapping {
    }

    /** The key is not loaded; {@code detail} says why in a sentence. */
    record Skipped(SkipReason reason, String detail) implements KeyMapping {
    }

    /** Why a single-file key is not loaded. */
    enum SkipReason {
        /** {@code model_ema.*}: EMA copy of the UNet (dots removed from the names) and its counters. */
        EMA,
        /** Top-level DDPM schedule buffers ({@code betas}, {@code alphas_cumprod}, …); recomputed from the config. */
        SCHEDULE_BUFFER,
        /** The text encoder's {@code position_ids} buffer; always regenerated as 0..76 (may be corrupt in merges). */
        POSITION_IDS,
        /** Outside the three component prefixes (reported as ignored). */
        UNKNOWN_PREFIX,
        /** Under a component prefix but not part of a network with the given layout (reported as unexpected). */
        UNMAPPED
    }
}
