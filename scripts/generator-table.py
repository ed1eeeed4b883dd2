#!/usr/bin/env python3
"""Regenerates the any-n tables of docs/generators.md: for every scheme, m in
{2, 3, 5, 7, 8, 12, 64}, d in {1, 2, 64, 128} and every n = 16 m + r (r in 1..m-1)
plus the smallest prime above 17 m, the generated schedule (validated and simulated
by `attnsched generate`), and per (scheme, m, d) the worst and median of
T / max(LB_work, LB_link) over those n, the n of the worst, and the worst
T / max(all bounds). Extra flags (e.g. --c-dot 1 --c-axpy 1) go to generate.

Usage: scripts/generator-table.py [--attnsched PATH] [--ms 2,3] [--ds 64]
                                  [--schemes general] [--every R] [-- GENERATE FLAGS]
"""
import argparse
import json
import statistics
import subprocess


def prime_above(n):
    p = n + 1
    while any(p % f == 0 for f in range(2, int(p ** 0.5) + 1)):
        p += 1
    return p


def generate(attnsched, scheme, n, d, m, extra):
    out = subprocess.run([attnsched, "generate", "--scheme", scheme, "--n", str(n), "--d",
                          str(d), "--pes", str(m), "--json", *extra],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"generate {scheme} n={n} d={d} m={m}: exit {out.returncode}: "
                         f"{out.stderr}")
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attnsched", default="build/client/attnsched")
    parser.add_argument("--schemes", default="general,shared,causal")
    parser.add_argument("--ms", default="2,3,5,7,8,12,64")
    parser.add_argument("--ds", default="1,2,64,128")
    parser.add_argument("--every", type=int, default=1, help="take every R-th r only")
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    print("| scheme | m | d | instances | median T/max(LB_work, LB_link) | worst | at n | "
          "worst T/max(all bounds) | valid and simulated |")
    print("|---|---|---|---|---|---|---|---|---|")
    for scheme in args.schemes.split(","):
        for m in map(int, args.ms.split(",")):
            for d in map(int, args.ds.split(",")):
                ns = [16 * m + r for r in range(1, m, args.every)] + [prime_above(17 * m)]
                ratios, all_bounds, ok = [], [], True
                for n in ns:
                    j = generate(args.attnsched, scheme, n, d, m, args.extra)
                    t = j["makespan_cycles"]
                    ratios.append((t / max(j["lb_work_cycles"], j["lb_link_cycles"]), n))
                    bounds = max(j[k] for k in j if k.startswith("lb_") and k.endswith("_cycles"))
                    all_bounds.append(t / bounds)
                    ok = ok and j["valid"] and j["max_rel_error"] is not None and \
                        j["max_rel_error"] <= 1e-9
                worst = max(ratios)
                print(f"| {scheme} | {m} | {d} | {len(ns)} | "
                      f"{statistics.median(r for r, _ in ratios):.4f} | {worst[0]:.4f} | "
                      f"{worst[1]} | {max(all_bounds):.4f} | {'yes' if ok else 'NO'} |",
                      flush=True)


if __name__ == "__main__":
    main()
