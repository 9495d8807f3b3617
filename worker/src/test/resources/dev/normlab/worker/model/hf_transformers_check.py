"""The real transformers LlamaForCausalLM against a NormLab HF checkpoint, both directions.

  load DIR TOKENS_JSON
      LlamaForCausalLM.from_pretrained(DIR); fails (exit 1) on any missing, unexpected or
      mismatched tensor; prints {"logits": ..., "config": {...}} for TOKENS_JSON.
  save DIR TOKENS_JSON HIDDEN INTERMEDIATE HEADS LAYERS VOCAB SEED
      builds a LlamaForCausalLM of those dimensions with large random weights (gains too),
      save_pretrained(DIR) and prints {"logits": ...} for TOKENS_JSON.

Needs a Python with torch and transformers (see docs/training.md, "Checking the export with transformers").
"""
import json
import sys

import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM


def logits_of(model, tokens):
    with torch.no_grad():
        return model(torch.tensor(tokens, dtype=torch.int64)).logits.double().tolist()


def rope_theta(config):
    params = getattr(config, "rope_parameters", None)  # transformers 5
    if isinstance(params, dict) and "rope_theta" in params:
        return params["rope_theta"]
    return getattr(config, "rope_theta", None)


def load(directory, tokens):
    model, info = LlamaForCausalLM.from_pretrained(
        directory, dtype=torch.float32, attn_implementation="eager", output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    if problems:
        raise SystemExit("loading problems: " + repr(problems))
    c = model.config
    print(json.dumps({
        "transformers": transformers.__version__,
        "config": {"rms_norm_eps": c.rms_norm_eps, "rope_theta": rope_theta(c),
                   "tie_word_embeddings": c.tie_word_embeddings, "num_key_value_heads": c.num_key_value_heads},
        "logits": logits_of(model.eval(), tokens)}))


def save(directory, tokens, hidden, intermediate, heads, layers, vocab, seed):
    config = LlamaConfig(hidden_size=hidden, intermediate_size=intermediate, num_attention_heads=heads,
                         num_key_value_heads=heads, num_hidden_layers=layers, vocab_size=vocab,
                         max_position_embeddings=64, rms_norm_eps=1e-6, tie_word_embeddings=False)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).eval()
    with torch.no_grad():  # large weights so attention, RoPE and the gains all matter
        for name, p in model.named_parameters():
            p.copy_(torch.randn_like(p) * 0.4 + (1.0 if p.dim() == 1 else 0.0))
    model.save_pretrained(directory)
    print(json.dumps({"transformers": transformers.__version__, "logits": logits_of(model, tokens)}))


def main():
    mode, directory, tokens = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if mode == "load":
        load(directory, tokens)
    elif mode == "save":
        save(directory, tokens, *(int(a) for a in sys.argv[4:10]))
    else:
        raise SystemExit("mode must be load or save, got " + mode)


if __name__ == "__main__":
    main()
