#!/usr/bin/env python3
"""What running SWAN's Newton-Schulz products in bf16 does to the whitened direction, against fp32 and the exact
whitening, measured with PyTorch on CPU (an independent implementation of Transforms.newtonSchulzWhiten: Gram, the
norms and D = Z X in fp32, the 3k-3 products of the loop in the loop dtype).

  swan_bf16_accuracy.py [--seed 0]     prints a markdown table
"""
import argparse
import math

import torch


def grad_norm(g, eps=1e-8):
    x = g - g.mean(dim=1, keepdim=True)
    return x / x.pow(2).mean(dim=1, keepdim=True).sqrt().clamp_min(eps)


def whiten(g, steps=10, loop=torch.float32, eps=1e-8):
    m, n = g.shape
    x = g.t() if m > n else g
    a = x @ x.t()
    y = (a / a.norm().clamp_min(eps)).to(loop)
    eye = torch.eye(a.shape[0], dtype=loop) * 1.5
    t = eye - 0.5 * y
    z = t
    if steps > 1:
        y = y @ t
    for i in range(1, steps):
        t = eye - 0.5 * (z @ y)
        if i + 1 < steps:
            y = y @ t
        z = t @ z
    d = z.float() @ x
    d = d * (math.sqrt(m * n) / d.norm().clamp_min(eps))
    return d.t() if m > n else d


def exact(g):
    u, _, vt = torch.linalg.svd(g.double(), full_matrices=False)
    return (math.sqrt(max(g.shape)) * (u @ vt)).float()


def rel(a, b):
    return ((a - b).norm() / b.norm()).item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    print("| gradient (m × n) | ‖D_bf16 − D_fp32‖ / ‖D_fp32‖ | cosine(D_bf16, D_fp32) | ‖D_fp32 − exact‖ / ‖exact‖ "
          "| ‖D_bf16 − exact‖ / ‖exact‖ |")
    print("|---|---|---|---|---|")
    for name, shape in (("q/k/v/o, micro", (256, 256)), ("gate/up, micro", (688, 256)),
                        ("q/k/v/o, llama-60m", (512, 512)), ("down, llama-60m", (512, 1376))):
        for kind in ("gaussian", "heavy-tailed"):
            g = torch.randn(shape)
            if kind == "heavy-tailed":
                g = g * torch.distributions.StudentT(3.0).sample((shape[0], 1)).abs()
            gn = grad_norm(g)
            d32 = whiten(gn, loop=torch.float32)
            d16 = whiten(gn, loop=torch.bfloat16)
            ex = exact(gn) if shape[0] <= shape[1] else None  # tall GradNorm output is rank-deficient: no unique U Vᵀ
            cos = torch.nn.functional.cosine_similarity(d16.flatten(), d32.flatten(), dim=0).item()
            print("| %s %s (%d × %d) | %.4f | %.6f | %s | %s |" % (
                name, kind, shape[0], shape[1], rel(d16, d32), cos,
                "%.4f" % rel(d32, ex) if ex is not None else "—", "%.4f" % rel(d16, ex) if ex is not None else "—"))


if __name__ == "__main__":
    main()
