#!/usr/bin/env python3
"""Loads a LoRA Studio PEFT adapter folder with the real PEFT (0.8.2 in ../shared/refbench) and checks that every
tensor of adapter_model.safetensors arrives unchanged in the PeftModel. Usage (after source /tmp/ref/env.sh):
  /usr/bin/python3 tools/reference/load_adapter_peft.py models/demo-llm RUN/demo-llm_r16_lr3e-3_ep25
"""
import sys, torch
from transformers import LlamaForCausalLM
from peft import PeftModel
import peft
base, adapter = sys.argv[1], sys.argv[2]
m = LlamaForCausalLM.from_pretrained(base)
pm = PeftModel.from_pretrained(m, adapter)
from safetensors.torch import load_file
sd = load_file(adapter + "/adapter_model.safetensors")
model_sd = pm.state_dict()
matched = 0
for k, v in sd.items():
    # PEFT inserts the adapter name ("default") when loading
    k2 = k.replace(".lora_A.weight", ".lora_A.default.weight").replace(".lora_B.weight", ".lora_B.default.weight")
    assert k2 in model_sd, k
    assert torch.equal(model_sd[k2], v), k
    matched += 1
print("peft", peft.__version__, "loaded", adapter, "tensors matched:", matched, "of", len(sd))
