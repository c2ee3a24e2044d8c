#!/usr/bin/env python3
"""Hand check (issue 15): a LoRA file we wrote loads in diffusers and gives the image our generator gave.

First, with LoRA Studio:
  ./lorastudio generate --model models/demo --lora LORA --prompt P --seed 1 --steps 10 --width 64 \
      --out /tmp/ours.png --save-latents /tmp/lat.safetensors
then (environment: ../../../shared/refbench/README.md, source /tmp/ref/env.sh):
  /usr/bin/python3 tools/reference/check_lora_image.py --model models/demo --lora LORA --prompt P --steps 10 \
      --latents /tmp/lat.safetensors --ours /tmp/ours.png
Runs diffusers' StableDiffusionPipeline (DDIM as in the model's scheduler config, guidance 7.5, eta 0) from the same
start latents with pipe.load_lora_weights(LORA) and prints the largest pixel difference (0..255) to our PNG, and the
same without the LoRA (to show the LoRA changes the image by more than the two implementations differ).
"""
import argparse
import json

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file
from diffusers import StableDiffusionPipeline


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--lora", required=True)
    ap.add_argument("--prompt", required=True)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--guidance", type=float, default=7.5)
    ap.add_argument("--latents", required=True)
    ap.add_argument("--ours", required=True)
    args = ap.parse_args()
    torch.set_num_threads(2)
    # as in train_lora_diffusers.py: without the `tokenizers` package transformers' own AddedToken has no __hash__
    import transformers.tokenization_utils_base as tub
    if getattr(tub.AddedToken, "__hash__", None) is None:
        tub.AddedToken.__hash__ = lambda self: hash(self.content)
    if not hasattr(tub.AddedToken, "__setstate__"):
        tub.AddedToken.__setstate__ = lambda self, state: self.__dict__.update(state)
    latents = load_file(args.latents)["init_latents"].float()
    pipe = StableDiffusionPipeline.from_pretrained(args.model, torch_dtype=torch.float32, safety_checker=None,
                                                   requires_safety_checker=False)
    h, w = latents.shape[2] * 8, latents.shape[3] * 8

    def run():
        out = pipe(args.prompt, negative_prompt="", num_inference_steps=args.steps, guidance_scale=args.guidance,
                   height=h, width=w, eta=0.0, latents=latents.clone(), output_type="np").images[0]
        return np.round(out * 255).astype(np.int32)

    plain = run()
    pipe.load_lora_weights(args.lora)
    with_lora = run()
    ours = np.asarray(Image.open(args.ours).convert("RGB")).astype(np.int32)
    print(json.dumps({
        "max_abs_px_vs_ours": int(np.abs(with_lora - ours).max()),
        "mean_abs_px_vs_ours": float(np.abs(with_lora - ours).mean()),
        "max_abs_px_lora_effect_in_diffusers": int(np.abs(with_lora - plain).max()),
        "mean_abs_px_lora_effect_in_diffusers": float(np.abs(with_lora - plain).mean()),
    }))


if __name__ == "__main__":
    main()
