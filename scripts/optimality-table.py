#!/usr/bin/env python3
"""Regenerates the tables of docs/optimality.md and docs/generators.md: for every
scheme, placement, n, m and d asked for, the generator's makespan (`attnsched
generate`, with its local search), the SAT search's upper bound (generated for that
placement, then improved by local search over plans), the SAT optimum, the lower
bound, the proof and the wall time of the whole solve command.

The defaults are docs/optimality.md's set: n in {2,3,4,6,8}, m in {1,2,3,4} with m | n,
d in {1,2}, block, cyclic and free placements. Flags after -- go to both generate and
solve (e.g. -- --c-dot 1 --c-axpy 1).

Usage: scripts/optimality-table.py [--time-limit SECONDS] [--attnsched PATH]
                                   [--schemes general,shared,causal]
                                   [--placements block,cyclic,free]
                                   [--ns 2,3,4,6,8] [--ms 1,2,3,4] [--ds 1,2] [--any-n]
                                   [--pin-generator]
                                   [-- FLAGS] > rows.md
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


def ints(text):
    return [int(x) for x in text.split(",")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", default="60")
    parser.add_argument("--attnsched", default="build/client/attnsched")
    parser.add_argument("--schemes", default="general,shared,causal")
    parser.add_argument("--placements", default="block,cyclic,free")
    parser.add_argument("--ns", default="2,3,4,6,8")
    parser.add_argument("--ms", default="1,2,3,4")
    parser.add_argument("--ds", default="1,2")
    parser.add_argument("--any-n", action="store_true", help="also n not a multiple of m")
    parser.add_argument("--pin-generator", action="store_true",
                        help="generate on the solve's placement too (free: the generator's own)")
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    print("| scheme | placement | n | m | d | generator T | local search T | SAT optimum | "
          "lower bound | proof | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for scheme in args.schemes.split(","):
        for placement in args.placements.split(","):
            for n in ints(args.ns):
                for m in ints(args.ms):
                    if n % m and not args.any_n:
                        continue
                    for d in ints(args.ds):
                        size = ["--scheme", scheme, "--n", str(n), "--d", str(d),
                                "--pes", str(m), *args.extra]
                        pin = ["--placement", placement] if args.pin_generator else []
                        gen = run([args.attnsched, "generate", *size, *pin, "--json"])
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
