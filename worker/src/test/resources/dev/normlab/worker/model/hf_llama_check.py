"""Loads a NormLab HF export the way transformers' LlamaForCausalLM would, and prints its logits.

Independent of the Java code: the safetensors file is parsed with struct/json, the config is read by its
LlamaConfig field names, and the modules below transcribe transformers' modeling_llama (eager attention)
with HF's module names, so load_state_dict(strict=True) fails on any missing, extra or misshaped tensor.
Usage: python3 hf_llama_check.py CHECKPOINT_DIR TOKENS_JSON  -> prints {"logits": [[[...]]]}
"""
import json
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F64": torch.float64, "BF16": torch.bfloat16, "F16": torch.float16, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            if info.get("format") != "pt":
                raise SystemExit("metadata format must be pt for transformers")
            continue
        begin, end = info["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]).reshape(info["shape"]).clone()
    return out


class LlamaRMSNorm(nn.Module):
    def __init__(self, hidden_size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden_size))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32) if input_dtype != torch.float64 else hidden_states
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary_pos_emb(q, k, cos, sin):
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


class LlamaRotaryEmbedding(nn.Module):
    def __init__(self, head_dim, base):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, x, position_ids):
        inv_freq_expanded = self.inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1)
        position_ids_expanded = position_ids[:, None, :].float()
        freqs = (inv_freq_expanded.float() @ position_ids_expanded.float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)


class LlamaAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.head_dim = c["hidden_size"] // c["num_attention_heads"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c["num_key_value_heads"]
        assert self.kv_heads == self.heads
        h = c["hidden_size"]
        self.q_proj = nn.Linear(h, self.heads * self.head_dim, bias=c.get("attention_bias", False))
        self.k_proj = nn.Linear(h, self.kv_heads * self.head_dim, bias=c.get("attention_bias", False))
        self.v_proj = nn.Linear(h, self.kv_heads * self.head_dim, bias=c.get("attention_bias", False))
        self.o_proj = nn.Linear(self.heads * self.head_dim, h, bias=c.get("attention_bias", False))

    def forward(self, hidden_states, cos, sin, mask):
        b, t, _ = hidden_states.shape
        shape = (b, t, -1, self.head_dim)
        q = self.q_proj(hidden_states).view(shape).transpose(1, 2)
        k = self.k_proj(hidden_states).view(shape).transpose(1, 2)
        v = self.v_proj(hidden_states).view(shape).transpose(1, 2)
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        attn_weights = torch.matmul(q, k.transpose(2, 3)) * self.head_dim ** -0.5 + mask
        attn_weights = F.softmax(attn_weights, dim=-1, dtype=torch.float32).to(q.dtype) \
            if q.dtype != torch.float64 else F.softmax(attn_weights, dim=-1)
        out = torch.matmul(attn_weights, v).transpose(1, 2).reshape(b, t, -1)
        return self.o_proj(out)


class LlamaMLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i = c["hidden_size"], c["intermediate_size"]
        assert c["hidden_act"] == "silu"
        self.gate_proj = nn.Linear(h, i, bias=c.get("mlp_bias", False))
        self.up_proj = nn.Linear(h, i, bias=c.get("mlp_bias", False))
        self.down_proj = nn.Linear(i, h, bias=c.get("mlp_bias", False))

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self_attn = LlamaAttention(c)
        self.mlp = LlamaMLP(c)
        self.input_layernorm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.post_attention_layernorm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class LlamaModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList([LlamaDecoderLayer(c) for _ in range(c["num_hidden_layers"])])
        self.norm = LlamaRMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.rotary_emb = LlamaRotaryEmbedding(c["hidden_size"] // c["num_attention_heads"], c["rope_theta"])

    def forward(self, ids):
        x = self.embed_tokens(ids)
        t = ids.shape[1]
        position_ids = torch.arange(t).unsqueeze(0)
        cos, sin = self.rotary_emb(x, position_ids)
        mask = torch.full((t, t), torch.finfo(x.dtype).min, dtype=x.dtype).triu(1)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.norm(x)


class LlamaForCausalLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        assert c["architectures"] == ["LlamaForCausalLM"] and c["model_type"] == "llama"
        assert c["tie_word_embeddings"] is False
        self.model = LlamaModel(c)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)

    def forward(self, ids):
        return self.lm_head(self.model(ids))


def main():
    directory, tokens = sys.argv[1], json.loads(sys.argv[2])
    with open(directory + "/config.json") as f:
        config = json.load(f)
    dtype = {"float32": torch.float32, "float64": torch.float64}[config["torch_dtype"]]
    model = LlamaForCausalLM(config).to(dtype)
    model.load_state_dict(read_safetensors(directory + "/model.safetensors"), strict=True)
    with torch.no_grad():
        logits = model(torch.tensor(tokens, dtype=torch.int64))
    print(json.dumps({"logits": logits.double().tolist()}))


if __name__ == "__main__":
    main()
