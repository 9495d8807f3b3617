#!/usr/bin/python3
"""Runs a grid of RunSpecs through the Java trainer CLI and/or the PyTorch yardstick and tabulates the results.

  bench/trainer_bench.py run   GRID.json --out /tmp/normlab-bench/NAME [--engines java,torch,torch-compile] [--threads 2]
  bench/trainer_bench.py table /tmp/normlab-bench/NAME [--target-from adamw]

A grid is {"base": {RunSpec}, "runs": [{"name": ..., <fields to override, deep-merged>}, ...]}.
`run` executes every run with every engine in turn (java, torch, java, torch, ...: both engines see the same
machine load), each in OUT/<name>.<engine>/ with spec.json, metrics.jsonl, summary.json, stdout/stderr and
run.json (command, UTC start, wall seconds, load average before/after, peak RSS of the process from wait4).
`table` prints a markdown table of throughput, optimizer share, peak RSS and eval ppl, and (for convergence
grids) the training tokens each run needed to reach the final eval ppl of the best AdamW run of its regime.
Runs already finished (summary.json present) are skipped, so an interrupted grid can be resumed.
"""
import argparse
import copy
import datetime
import json
import math
import re
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "worker", "target", "normlab-worker.jar")
# the yardstick: PyTorch 2.13 of the venv .ci/transformers-python sets up, else Debian's python3-torch 1.13
VENV_PYTHON = os.path.expanduser("~/.cache/normlab/transformers-venv/bin/python")
TORCH_PYTHON = VENV_PYTHON if os.path.exists(VENV_PYTHON) else "/usr/bin/python3"
ENGINES = ("java", "torch", "torch-compile")  # torch: eager with F.scaled_dot_product_attention
TORCH_SCRIPT = os.path.join(ROOT, "bench", "torch_llama.py")
WARMUP_STEPS = 5  # left out of every median (JIT, allocator and page-cache warm-up)


def deep_merge(base, override):
    out = copy.deepcopy(base)
    for k, v in override.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_times():
    """(total, steal) jiffies of all CPUs: steal is time the hypervisor gave this VM's CPUs to others."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    return sum(fields), fields[7]


JAVA_OPTS = "-Dai.djl.offline=true -XX:TieredStopAtLevel=1"  # as ./normlab start runs the worker


def command(engine, spec_path, out_dir, threads, jar=JAR, torch_python=TORCH_PYTHON, java_opts=JAVA_OPTS):
    if engine == "java":
        return ["java"] + java_opts.split() + ["-jar", jar, "train", "--spec", spec_path, "--out", out_dir,
                "--threads", str(threads)]
    if engine in ("torch", "torch-compile"):
        return [torch_python, TORCH_SCRIPT, "--spec", spec_path, "--out", out_dir, "--threads", str(threads)] \
            + (["--compile"] if engine == "torch-compile" else [])
    raise SystemExit("unknown engine " + engine)


def run_one(engine, spec, out_dir, threads, jar=JAR, torch_python=TORCH_PYTHON, java_opts=JAVA_OPTS):
    os.makedirs(out_dir, exist_ok=True)
    spec_path = os.path.join(out_dir, "spec.json")
    with open(spec_path, "w") as f:
        json.dump(spec, f, indent=2)
    cmd = command(engine, spec_path, out_dir, threads, jar, torch_python, java_opts)
    info = {"command": " ".join(cmd), "started": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S UTC"),
            "loadBefore": load_average()}
    cpu0 = cpu_times()
    t0 = time.time()
    with open(os.path.join(out_dir, "stdout.txt"), "w") as so, open(os.path.join(out_dir, "stderr.txt"), "w") as se:
        proc = subprocess.Popen(cmd, stdout=so, stderr=se, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    cpu1 = cpu_times()
    info.update({"wallSeconds": round(time.time() - t0, 1), "loadAfter": load_average(),
                 "stealPercent": round(100.0 * (cpu1[1] - cpu0[1]) / max(1, cpu1[0] - cpu0[0]), 1),
                 "exitStatus": os.waitstatus_to_exitcode(status), "peakRssBytes": usage.ru_maxrss * 1024})
    with open(os.path.join(out_dir, "run.json"), "w") as f:
        json.dump(info, f, indent=2)
    return info


def cmd_run(args):
    with open(args.grid) as f:
        grid = json.load(f)
    engines = args.engines.split(",")
    os.makedirs(args.out, exist_ok=True)
    jobs = []  # (engine, spec, out_dir) in run order: java, torch, java, torch, ...
    for _ in range(args.repeat):
        for run in grid["runs"]:
            spec = deep_merge(grid.get("base", {}), run)
            for engine in engines:
                out_dir = os.path.join(args.out, spec["name"] + "." + engine)
                if args.repeat > 1:
                    n = 1
                    while os.path.exists(os.path.join(out_dir + ".r%d" % n, "run.json")) or \
                            any(j[2] == out_dir + ".r%d" % n for j in jobs):
                        n += 1
                    out_dir += ".r%d" % n
                elif os.path.exists(os.path.join(out_dir, "summary.json")):
                    continue
                jobs.append((engine, spec, out_dir))

    def execute(job):
        engine, spec, out_dir = job
        info = run_one(engine, spec, out_dir, args.threads, args.jar, args.torch_python, args.java_opts)
        print("%s %-40s exit %d  %6.1fs  load %s -> %s  steal %.0f%%" % (engine, spec["name"], info["exitStatus"],
              info["wallSeconds"], info["loadBefore"], info["loadAfter"], info["stealPercent"]), flush=True)

    if args.parallel <= 1:
        for job in jobs:
            execute(job)
    else:  # convergence grids only: results do not depend on timing
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(args.parallel) as pool:
            list(pool.map(execute, jobs))


# ------------------------------------------------------------------------------------------------ table

def read_metrics(path):
    series = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                try:
                    p = json.loads(line)
                except ValueError:
                    continue  # a line still being written by a running job
                series.setdefault(p["key"], []).append(p)
    for points in series.values():
        points.sort(key=lambda p: p["step"])
    return series


def median_after_warmup(points):
    values = [p["value"] for p in points if p["step"] > WARMUP_STEPS] or [p["value"] for p in points]
    return statistics.median(values) if values else None


def tokens_to_reach(eval_points, target):
    """Training tokens at which eval ppl first reaches target (linear interpolation between evaluations)."""
    prev = None
    for p in eval_points:
        if p["value"] <= target:
            if prev is None or prev["value"] == p["value"]:
                return p["tokens"]
            f = (prev["value"] - target) / (prev["value"] - p["value"])
            return prev["tokens"] + f * (p["tokens"] - prev["tokens"])
        prev = p
    return None


def collect(out):
    rows = []
    for d in sorted(os.listdir(out)):
        path = os.path.join(out, d)
        if not os.path.isfile(os.path.join(path, "spec.json")):
            continue
        with open(os.path.join(path, "spec.json")) as f:
            spec = json.load(f)
        summary, info = {}, {}
        if os.path.exists(os.path.join(path, "summary.json")):
            with open(os.path.join(path, "summary.json")) as f:
                summary = json.load(f)
        if os.path.exists(os.path.join(path, "run.json")):
            with open(os.path.join(path, "run.json")) as f:
                info = json.load(f)
        m = read_metrics(os.path.join(path, "metrics.jsonl"))
        engine = next(part for part in reversed(d.split(".")) if part in ENGINES)
        opt = spec["optimizer"]
        step_ms = median_after_warmup(m.get("step_ms", []))
        opt_ms = median_after_warmup(m.get("optimizer_ms", []))
        tps = median_after_warmup(m.get("tokens_per_s", [])) or summary.get("tokensPerSecond")
        measured = [p["value"] for p in m.get("tokens_per_s", []) if p["step"] > WARMUP_STEPS]
        best_tps = max(measured) if measured else None  # the least disturbed step: load comes and goes
        mem = summary.get("memory") or {}
        rows.append({
            "dir": d, "engine": engine, "name": spec["name"] + (d[d.rindex(".r"):] if re.search(r"\.r\d+$", d) else ""), "opt": opt["name"], "lr": opt.get("lr"),
            "model": (spec.get("model") or {}).get("preset", "custom"), "tokenizer": spec.get("tokenizer", "byte"),
            "shape": "%d×%d" % (spec.get("batchSize", 8), spec.get("seqLen", 256)), "steps": spec.get("steps"),
            "tps": tps, "best_tps": best_tps, "step_ms": step_ms, "opt_ms": opt_ms,
            "share": opt_ms / step_ms if opt_ms is not None and step_ms else None,
            "rss": mem.get("peakResidentBytes") or info.get("peakRssBytes"), "rss_wait4": info.get("peakRssBytes"),
            "state": mem.get("optimizerStateBytes"), "ppl": summary.get("perplexity"),
            "eval": m.get("eval_ppl", []), "exit": info.get("exitStatus"), "wall": info.get("wallSeconds"),
            "load": "%s → %s" % (info.get("loadBefore", "?"), info.get("loadAfter", "?"))
                    + ("" if info.get("stealPercent") is None else ", steal %.0f%%" % info["stealPercent"]),
            "started": info.get("started"),
        })
    return rows


def fmt(v, spec="%.1f"):
    return "—" if v is None else spec % v


def cmd_table(args):
    rows = collect(args.out)
    print("| run | engine | model | tok | B×T | steps | opt | lr | tokens/s | step ms | opt ms | opt share "
          "| peak RSS MiB | opt state MiB | eval ppl | started (UTC) | load 1/5/15 before → after |")
    print("|" + "---|" * 17)
    for r in rows:
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["name"], r["engine"], r["model"], r["tokenizer"], r["shape"], r["steps"], r["opt"], r["lr"],
            fmt(r["tps"], "%.0f"), fmt(r["step_ms"]), fmt(r["opt_ms"]),
            fmt(r["share"] * 100 if r["share"] is not None else None, "%.1f%%"),
            fmt(r["rss"] / 2**20 if r["rss"] else None, "%.0f"),
            fmt(r["state"] / 2**20 if r["state"] is not None else None, "%.2f"),
            fmt(r["ppl"], "%.2f") if r["exit"] in (0, None) else "exit %s" % r["exit"], r["started"], r["load"]))
    if args.target_from:
        print()
        print("Tokens to reach the final eval ppl of the best %s run of the same engine, tokenizer, model and B×T:"
              % args.target_from)
        print()
        print("| run | engine | eval ppl at evaluations (tokens: ppl) | final ppl | target ppl | tokens to target | share of target run's tokens |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            group = [q for q in rows if q["engine"] == r["engine"] and q["tokenizer"] == r["tokenizer"]
                     and q["model"] == r["model"] and q["shape"] == r["shape"] and q["opt"] == args.target_from
                     and q["ppl"] is not None]
            if not group or r["ppl"] is None:
                continue
            best = min(group, key=lambda q: q["ppl"])
            reach = tokens_to_reach(r["eval"], best["ppl"])
            total = best["eval"][-1]["tokens"] if best["eval"] else None
            curve = ", ".join("%dk: %.2f" % (p["tokens"] / 1000, p["value"]) for p in r["eval"])
            print("| %s | %s | %s | %.2f | %.2f (%s) | %s | %s |" % (
                r["name"], r["engine"], curve, r["ppl"], best["ppl"], best["name"],
                "not reached" if reach is None else "%.0fk" % (reach / 1000),
                "—" if reach is None or not total else "%.2f" % (reach / total)))


def cmd_compare(args):
    """Java against PyTorch, run by run (same spec name): tokens/s, optimizer step, peak RSS."""
    rows = collect(args.out)
    by_name = {}
    for r in rows:
        by_name.setdefault(r["name"], {})[r["engine"]] = r
    def round_of(r):
        return r["dir"][r["dir"].rindex(".r"):] if re.search(r"\.r\d+$", r["dir"]) else ""
    adamw_opt = {(r["engine"], r["model"], round_of(r)): r["opt_ms"] for r in rows if r["opt"] == "adamw"}
    print("| run | B×T | Java tokens/s median (best step) | PyTorch tokens/s median (best step) | Java ÷ PyTorch (medians) "
          "| torch.compile tokens/s median (best step) | Java ÷ compiled "
          "| Java optimizer ms (share) | PyTorch optimizer ms (share) | Java opt ÷ AdamW opt | Java peak RSS MiB "
          "| PyTorch peak RSS MiB |")
    print("|" + "---|" * 12)
    for name, e in by_name.items():
        j, t, c = e.get("java"), e.get("torch"), e.get("torch-compile")

        def opt(r):
            return "—" if not r or r["opt_ms"] is None else "%.1f (%.1f%%)" % (r["opt_ms"], 100 * r["share"])
        def tps(r):
            return "—" if not r or r["tps"] is None else "%.0f (%.0f)" % (r["tps"], r["best_tps"] or 0)
        ratio = "—" if not (j and t and j["tps"] and t["tps"]) else "%.2f" % (j["tps"] / t["tps"])
        ratio_c = "—" if not (j and c and j["tps"] and c["tps"]) else "%.2f" % (j["tps"] / c["tps"])
        vs_adamw = "—"
        if j and j["opt_ms"] and adamw_opt.get(("java", j["model"], round_of(j))):
            vs_adamw = "%.2f" % (j["opt_ms"] / adamw_opt[("java", j["model"], round_of(j))])
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, (j or t or c)["shape"], tps(j), tps(t), ratio, tps(c), ratio_c, opt(j), opt(t),
            vs_adamw, fmt(j and j["rss"] and j["rss"] / 2**20, "%.0f"), fmt(t and t["rss"] and t["rss"] / 2**20, "%.0f")))
    loads = sorted(set(r["load"] for r in rows))
    print()
    print("runs started %s – %s UTC; load average before → after each run: %s" % (
        min(r["started"] or "" for r in rows), max(r["started"] or "" for r in rows), "; ".join(loads)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("grid")
    r.add_argument("--out", required=True)
    r.add_argument("--engines", default="java")
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--jar", default=JAR, help="the worker jar (a copy keeps a long grid safe from rebuilds)")
    r.add_argument("--torch-python", default=TORCH_PYTHON, help="the Python whose torch is the yardstick")
    r.add_argument("--java-opts", default=JAVA_OPTS, help="JVM options of the Java runs (default: as ./normlab start)")
    r.add_argument("--repeat", type=int, default=1, help=">1: run the grid that many times into .rN folders")
    r.add_argument("--parallel", type=int, default=1, help="runs at a time (convergence only: timings suffer)")
    t = sub.add_parser("table")
    t.add_argument("out")
    t.add_argument("--target-from", default=None, help="e.g. adamw: add the tokens-to-target table")
    c = sub.add_parser("compare")
    c.add_argument("out")
    args = ap.parse_args()
    {"run": cmd_run, "table": cmd_table, "compare": cmd_compare}[args.cmd](args)


if __name__ == "__main__":
    main()
