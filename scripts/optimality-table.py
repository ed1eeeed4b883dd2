#!/usr/bin/env python3
"""Regenerates the table of docs/optimality.md: for every scheme, placement
(block, cyclic, free), n in {2,3,4,6,8}, m in {1,2,3,4} with m | n, and d in {1,2},
the generator's makespan, the search's upper bound (generated, then improved by local
search over plans), the SAT optimum, the lower bound, the proof and the wall time of
the whole solve command.

Usage: scripts/optimality-table.py [--time-limit SECONDS] [--attnsched PATH]
                                   [--schemes general,shared,causal]
                                   [--placements block,cyclic,free] > rows.md
"""
import argparse
import json
import subprocess
import time


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)}: exit {out.returncode}: {out.stderr}")
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", default="60")
    parser.add_argument("--attnsched", default="build/client/attnsched")
    parser.add_argument("--schemes", default="general,shared,causal")
    parser.add_argument("--placements", default="block,cyclic,free")
    args = parser.parse_args()
    print("| scheme | placement | n | m | d | generator T | local search T | SAT optimum | "
          "lower bound | proof | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for scheme in args.schemes.split(","):
        for placement in args.placements.split(","):
            for n in (2, 3, 4, 6, 8):
                for m in (1, 2, 3, 4):
                    if n % m:
                        continue
                    for d in (1, 2):
                        size = ["--scheme", scheme, "--n", str(n), "--d", str(d),
                                "--pes", str(m)]
                        gen = run([args.attnsched, "generate", *size, "--json"])
                        began = time.monotonic()
                        r = run([args.attnsched, "solve", *size, "--json", "--placement",
                                 placement, "--time-limit", args.time_limit])
                        seconds = time.monotonic() - began
                        best = str(r["makespan_cycles"])
                        if not r["optimal"]:
                            best = f"<= {best} (UNKNOWN: {r['unknown_reason']})"
                        print(f"| {scheme} | {placement} | {n} | {m} | {d} | "
                              f"{gen['makespan_cycles']} | {r['upper_bound_cycles']} | {best} | "
                              f"{r['lower_bound_cycles']} | {r['proof']} | "
                              f"{seconds:.2f} |", flush=True)


if __name__ == "__main__":
    main()
