#!/usr/bin/python3
"""Op counts and native time per training step, for the Java trainer and the PyTorch yardstick.

  op_profile.py java-trace TRACE.json --steps N     summarize a trace written by ProfileTrain.java
  op_profile.py torch SPEC.json --steps N [--threads 2]
                                                   profile N training steps of torch_llama.py (after 3 warm-up steps)
Both print ops per step and the top ops by total self time. Profiler overhead inflates times; counts are exact.
"""
import argparse
import collections
import json
import os
import sys


def summarize(events, steps, top=25):
    """events: (name, self_us) of every top-level-or-nested op; prints counts and time per step."""
    count = collections.Counter()
    time_us = collections.Counter()
    for name, us in events:
        count[name] += 1
        time_us[name] += us
    total_ops = sum(count.values())
    print("ops: %d in %d steps = %.0f per step; op time %.1f ms per step (sum of durations)" % (
        total_ops, steps, total_ops / steps, sum(time_us.values()) / 1e3 / steps))
    print("| op | calls/step | ms/step |")
    print("|---|---|---|")
    for name, us in time_us.most_common(top):
        print("| %s | %.1f | %.2f |" % (name, count[name] / steps, us / 1e3 / steps))


def java_trace(path, steps):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    xs = [e for e in events if e.get("ph") == "X"]
    # Chrome trace nests child ops inside parents on the same thread: keep every event, report inclusive
    # time only for ops that have no enclosing op (top level), and count all.
    xs.sort(key=lambda e: (e.get("tid"), float(e["ts"]), -float(e.get("dur", 0))))
    top_level, stack = [], []
    for e in xs:
        start, end = float(e["ts"]), float(e["ts"]) + float(e.get("dur", 0))
        while stack and (stack[-1][0] != e.get("tid") or stack[-1][1] <= start):
            stack.pop()
        if not stack:
            top_level.append((e["name"], float(e.get("dur", 0))))
        stack.append((e.get("tid"), end))
    print("all ops (incl. nested): %d = %.0f per step" % (len(xs), len(xs) / steps))
    summarize(top_level, steps)


def torch_profile(spec_path, steps, threads):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import torch
    import torch.nn.functional as F
    import torch_llama as t
    torch.set_num_threads(threads)
    with open(spec_path) as f:
        spec = t.resolve_spec(json.load(f))
    tok_class = t.Gpt2Tokenizer if spec["tokenizer"] == "gpt2" else t.ByteTokenizer
    train_tokens, _, _, _ = t.token_streams(spec["tokenizer"], tok_class, spec["data"]["heldOutFraction"])
    b, s = spec["batchSize"], spec["seqLen"]
    batches = t.Batches(train_tokens, s, b, seed=spec["seed"])
    hidden, inter, heads, layers, vocab = t.PRESETS[spec["model"]["preset"]]
    vocab = vocab or tok_class.vocab_size
    model = t.Llama(vocab, hidden, inter, heads, layers, s)
    opt = t.RoutedOptimizer(model, spec["optimizer"])

    def step(p):
        x, y = batches.batch(p)
        loss = F.cross_entropy(model(x).view(-1, vocab), y.view(-1))
        loss.backward()
        torch.norm(torch.stack([q.grad.norm() for q in model.parameters()])).item()
        opt.step(spec["optimizer"]["lr"])
        model.zero_grad(set_to_none=True)

    for p in range(3):
        step(p)
    with torch.autograd.profiler.profile() as prof:
        for p in range(steps):
            step(3 + p)
    events = [(e.name, e.cpu_time_total) for e in prof.function_events if e.cpu_parent is None]
    print("all ops (incl. nested): %d = %.0f per step" % (len(prof.function_events), len(prof.function_events) / steps))
    summarize(events, steps)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    j = sub.add_parser("java-trace")
    j.add_argument("trace")
    j.add_argument("--steps", type=int, required=True)
    t = sub.add_parser("torch")
    t.add_argument("spec")
    t.add_argument("--steps", type=int, default=5)
    t.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    java_trace(a.trace, a.steps) if a.cmd == "java-trace" else torch_profile(a.spec, a.steps, a.threads)


if __name__ == "__main__":
    main()
