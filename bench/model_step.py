#!/usr/bin/python3
"""Forward + backward of the yardstick's Llama alone (no optimizer, no data): the PyTorch side of ModelStepBench.

  model_step.py PRESET BATCH SEQ STEPS [--threads 2] [--attention sdpa|manual] [--compile] [--vocab 257]

Prints the median ms of one forward + backward over the steps after the 3rd, random tokens, vocab 257 (--vocab).
"""
import argparse
import os
import statistics
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("preset")
ap.add_argument("batch", type=int)
ap.add_argument("seq", type=int)
ap.add_argument("steps", type=int)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--attention", choices=("sdpa", "manual"), default="sdpa")
ap.add_argument("--compile", action="store_true")
ap.add_argument("--vocab", type=int, default=257)
args = ap.parse_args()
os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import torch_llama  # noqa: E402

torch.set_num_threads(args.threads)
torch.set_num_interop_threads(1)
torch.manual_seed(1)
torch_llama.Attention.attention = args.attention
hidden, inter, heads, layers, _ = torch_llama.PRESETS[args.preset]
vocab = args.vocab
model = torch_llama.Llama(vocab, hidden, inter, heads, layers, args.seq)
step = torch.compile(model) if args.compile else model
times, fwd = [], []
for _ in range(args.steps):
    x = torch.randint(0, vocab, (args.batch, args.seq))
    y = torch.randint(0, vocab, (args.batch, args.seq))
    t0 = time.perf_counter()
    loss = F.cross_entropy(step(x).view(-1, vocab), y.view(-1))
    fwd.append((time.perf_counter() - t0) * 1e3)
    loss.backward()
    loss.item()
    times.append((time.perf_counter() - t0) * 1e3)
    model.zero_grad(set_to_none=True)
median = statistics.median(times[3:])
print("forward median %.1f ms" % statistics.median(fwd[3:]))
print("torch %s %s %s %dx%d median fwd+bwd %.1f ms (best %.1f), %.0f tokens/s" % (
    torch.__version__, args.attention, "compile" if args.compile else "eager", args.batch, args.seq, median,
    min(times[3:]),
    args.batch * args.seq / (median / 1e3)))
