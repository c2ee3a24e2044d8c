#!/usr/bin/env python3
"""The reference side of the demo comparison (issue 14, item 5): train the same LoRA as a LoRA Studio config with
diffusers + PEFT on CPU PyTorch, the way diffusers' examples/text_to_image/train_text_to_image_lora.py does
(unet.add_adapter(LoraConfig(... target_modules=[to_q, to_k, to_v, to_out.0])), DDPM noise, MSE on epsilon, AdamW),
and save it as diffusers' pytorch_lora_weights.safetensors, which `lorastudio demo measure --lora` loads.

Set up the environment with ../../../shared/refbench/README.md (source /tmp/ref/env.sh), then:
  /usr/bin/python3 tools/reference/train_lora_diffusers.py --config resources/configs/demo.yaml --out /tmp/ref-lora
Reads from the YAML: base_model, train_data_dir, resolution, lora_rank, lora_alpha, learning_rate, batch_size,
max_train_steps or epochs, seed, adam_* / weight_decay when present. Captions: <image>.txt beside each image.
"""
import argparse
import glob
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import yaml
from PIL import Image


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cfg_path = os.path.abspath(args.config)
    with open(cfg_path) as f:
        cfg = yaml.safe_load(f)
    here = os.path.dirname(cfg_path)
    base = os.path.normpath(os.path.join(here, cfg["base_model"]))
    data = os.path.normpath(os.path.join(here, cfg["train_data_dir"]))
    res = int(cfg.get("resolution", 512))
    rank = int(cfg.get("lora_rank", 4))
    alpha = float(cfg.get("lora_alpha", rank))
    lr = float(cfg.get("learning_rate", 1e-4))
    bs = int(cfg.get("batch_size", 1))
    seed = int(cfg.get("seed", 42))
    torch.manual_seed(seed)
    random.seed(seed)

    from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict
    from transformers import CLIPTextModel, CLIPTokenizer
    from safetensors.torch import save_file

    # Without the `tokenizers` package transformers falls back to its own AddedToken class, which defines __eq__
    # but no __hash__; the slow CLIPTokenizer then fails on a set lookup. Hash it by content (what equality uses).
    import transformers.tokenization_utils_base as tub
    if getattr(tub.AddedToken, "__hash__", None) is None:
        tub.AddedToken.__hash__ = lambda self: hash(self.content)
    if not hasattr(tub.AddedToken, "__setstate__"):
        tub.AddedToken.__setstate__ = lambda self, state: self.__dict__.update(state)
    tok = CLIPTokenizer.from_pretrained(base, subfolder="tokenizer")
    te = CLIPTextModel.from_pretrained(base, subfolder="text_encoder").eval()
    vae = AutoencoderKL.from_pretrained(base, subfolder="vae").eval()
    unet = UNet2DConditionModel.from_pretrained(base, subfolder="unet")
    sched = DDPMScheduler.from_pretrained(base, subfolder="scheduler")
    for m in (te, vae, unet):
        m.requires_grad_(False)
    unet.add_adapter(LoraConfig(r=rank, lora_alpha=alpha, init_lora_weights="gaussian",
                                target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
    params = [p for p in unet.parameters() if p.requires_grad]

    files = sorted(p for p in glob.glob(os.path.join(data, "*"))
                   if p.lower().endswith((".png", ".jpg", ".jpeg", ".webp")))
    items = []
    with torch.no_grad():
        for p in files:
            cap_file = os.path.splitext(p)[0] + ".txt"
            caption = open(cap_file).read().strip() if os.path.exists(cap_file) else ""
            img = Image.open(p).convert("RGB").resize((res, res), Image.BICUBIC)
            x = torch.from_numpy(np.asarray(img, dtype=np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]
            lat = vae.encode(x).latent_dist.sample() * vae.config.scaling_factor
            ids = tok([caption], padding="max_length", max_length=tok.model_max_length, truncation=True,
                      return_tensors="pt").input_ids
            emb = te(ids)[0]
            items.append((lat[0], emb[0]))
    steps_per_epoch = math.ceil(len(items) / bs)
    total = int(cfg["max_train_steps"]) if cfg.get("max_train_steps") else int(cfg.get("epochs", 1)) * steps_per_epoch
    opt = torch.optim.AdamW(params, lr=lr, betas=(float(cfg.get("adam_beta1", 0.9)), float(cfg.get("adam_beta2", 0.999))),
                            eps=float(cfg.get("adam_epsilon", 1e-8)), weight_decay=float(cfg.get("weight_decay", 1e-2)))
    unet.train()
    t0 = time.time()
    losses = []
    step = 0
    while step < total:
        order = list(range(len(items)))
        random.shuffle(order)
        for i in range(0, len(order), bs):
            if step >= total:
                break
            batch = [items[j] for j in order[i:i + bs]]
            lat = torch.stack([b[0] for b in batch])
            emb = torch.stack([b[1] for b in batch])
            noise = torch.randn_like(lat)
            t = torch.randint(0, sched.config.num_train_timesteps, (lat.shape[0],)).long()
            noisy = sched.add_noise(lat, noise, t)
            pred = unet(noisy, t, emb).sample
            loss = torch.nn.functional.mse_loss(pred.float(), noise.float())
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, float(cfg.get("max_grad_norm", 1.0)))
            opt.step()
            opt.zero_grad()
            losses.append(loss.item())
            step += 1
    elapsed = time.time() - t0
    os.makedirs(args.out, exist_ok=True)
    sd = convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))
    sd = {"unet." + k if not k.startswith("unet.") else k: v.contiguous() for k, v in sd.items()}
    out_file = os.path.join(args.out, "pytorch_lora_weights.safetensors")
    save_file(sd, out_file)
    first = sum(losses[:10]) / max(1, len(losses[:10]))
    last = sum(losses[-10:]) / max(1, len(losses[-10:]))
    print(json.dumps({"steps": step, "seconds": round(elapsed, 1), "loss_first10": round(first, 4),
                      "loss_last10": round(last, 4), "lora": out_file, "tensors": len(sd)}))


if __name__ == "__main__":
    sys.exit(main())
