#!/usr/bin/env python3
"""A lower bound on the makespan of a causal layer with one token per PE, from the
static loads of every PE and link, solved exactly as a mixed integer program.

Every valid schedule (docs/model.md) of a causal layer (n = m tokens, one per PE, h
query heads over g key/value heads, c_dot = c_axpy = d, c_softmax = 1, links of one
word per cycle, no latency) has:
  - for every dot, the PE r that runs it (x[a,i,j,r], one per dot);
  - for every q[a](i) and k[b](j), the PEs it reaches (it leaves its home forward
    along the ring, so it reaches a run of PEs starting there: y[.,r] <= y[.,r-1]);
    a dot at r needs its q and its k at r;
  - each PE busy for its home work (softmax and axpys of its rows) plus d per dot,
    within [0, T);
  - each link busy for the first crossing of every item that must cross it: q and
    k into each PE they reach (d cycles), each value to its farthest reader (d), each
    score from its dot's PE to its row's home (1 cycle per link). Each such crossing
    is read afterwards by an operation of at least one cycle, so it ends by T - 1.
Minimising T over those loads is a relaxation of scheduling (it forgets time), so its
optimum is a lower bound on every schedule's makespan. With g = h the heads are
interchangeable, and ordering them by a fixed random weighting of their dots' PEs
loses no solution (a symmetry-breaking chain, sound as any relabelling of heads).

Needs SciPy >= 1.9 with HiGHS (Debian: apt-get install python3-scipy), which nothing
else in attnsched needs, so scripts/install-deps.sh leaves it out. Usage:

  python3 scripts/static-loads-milp.py --n 8 --d 4 --heads 8 --kv-heads 8 \
      [--placement 0,1,...] [--time-limit 600]

prints the LP relaxation's optimum, the best static loads found and the proven
lower bound (HiGHS's dual bound; equal to the optimum when the status is optimal).
docs/generators.md ("Known gaps") quotes its results.
"""
import argparse
import random
import sys

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix


def build(n, d, h, g, homes):
    m = n
    group = h // g
    var = {}

    def index(key):
        return var.setdefault(key, len(var))

    t_var = index("T")
    dots = [(a, i, j) for a in range(h) for i in range(n) for j in range(i + 1)]
    for a, i, j in dots:
        for r in range(m):
            index(("x", a, i, j, r))
    for b in range(g):
        for j in range(n):
            for r in range(m):
                index(("k", b, j, r))
    for a in range(h):
        for i in range(n):
            for r in range(m):
                index(("q", a, i, r))
    ahead = lambda s, t: (t - s) % m
    upper, upper_rhs, equal, equal_rhs = [], [], [], []
    pe_rows = [{t_var: -1.0} for _ in range(m)]
    link_rows = [{t_var: -1.0} for _ in range(m)]  # link l: l -> l + 1
    home_work = [0] * m
    for i in range(n):
        home_work[homes[i]] += h * (i + 1) * (1 + d)  # softmax 1 and axpy d per score
    for a, i, j in dots:
        for r in range(m):
            x = var[("x", a, i, j, r)]
            pe_rows[r][x] = pe_rows[r].get(x, 0) + d
            for hop in range(ahead(r, homes[i])):  # the score to h(i)
                link = (r + hop) % m
                link_rows[link][x] = link_rows[link].get(x, 0) + 1
            upper.append({x: 1.0, var[("k", a // group, j, r)]: -1.0})
            upper.append({x: 1.0, var[("q", a, i, r)]: -1.0})
            upper_rhs += [0, 0]
        equal.append({var[("x", a, i, j, r)]: 1.0 for r in range(m)})
        equal_rhs.append(1)

    def vector(key, home):  # reaches a run of PEs from its home; d per crossing
        for hop in range(1, m):
            r, previous = (home + hop) % m, (home + hop - 1) % m
            y = var[key(r)]
            upper.append({y: 1.0, var[key(previous)]: -1.0})
            upper_rhs.append(0)
            link_rows[previous][y] = link_rows[previous].get(y, 0) + d

    for b in range(g):
        for j in range(n):
            vector(lambda r: ("k", b, j, r), homes[j])
    for a in range(h):
        for i in range(n):
            vector(lambda r: ("q", a, i, r), homes[i])
    values = [0] * m  # every value crosses to its farthest reader
    for j in range(n):
        farthest = max(ahead(homes[j], homes[i]) for i in range(j, n))
        for hop in range(farthest):
            values[(homes[j] + hop) % m] += g * d
    for r in range(m):
        upper.append(pe_rows[r])
        upper_rhs.append(-home_work[r])
        upper.append(link_rows[r])
        upper_rhs.append(-values[r] - 1)
    if g == h:
        weight = random.Random(1)
        coefficient = {(i, j, r): weight.random()
                       for i in range(n) for j in range(i + 1) for r in range(m)}
        for a in range(h - 1):
            row = {}
            for b in (a, a + 1):
                sign = -1.0 if b == a else 1.0
                for i in range(n):
                    for j in range(i + 1):
                        for r in range(m):
                            row[var[("x", b, i, j, r)]] = sign * coefficient[(i, j, r)]
            upper.append(row)
            upper_rhs.append(0)
    bounds = [(0, None)] + [(0, 1)] * (len(var) - 1)
    for a in range(h):
        for i in range(n):
            bounds[var[("q", a, i, homes[i])]] = (1, 1)
    for b in range(g):
        for j in range(n):
            bounds[var[("k", b, j, homes[j])]] = (1, 1)
    return var, upper, upper_rhs, equal, equal_rhs, bounds


def matrix(rows, columns):
    r, c, v = [], [], []
    for k, row in enumerate(rows):
        for column, value in row.items():
            r.append(k)
            c.append(column)
            v.append(value)
    return coo_matrix((v, (r, c)), shape=(len(rows), columns)).tocsr()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="tokens = PEs")
    parser.add_argument("--d", type=int, required=True)
    parser.add_argument("--heads", type=int, default=1)
    parser.add_argument("--kv-heads", type=int, default=0, help="0: as many as --heads")
    parser.add_argument("--placement", default="", help="h(0),...,h(n-1); default block")
    parser.add_argument("--time-limit", type=float, default=600, help="seconds")
    args = parser.parse_args()
    g = args.kv_heads or args.heads
    homes = [int(x) for x in args.placement.split(",")] if args.placement else list(range(args.n))
    if args.heads % g or sorted(homes) != list(range(args.n)):
        sys.exit("--kv-heads must divide --heads; --placement must give each PE one token")
    var, upper, upper_rhs, equal, equal_rhs, bounds = build(args.n, args.d, args.heads, g, homes)
    cost = np.zeros(len(var))
    cost[var["T"]] = 1
    problem = dict(c=cost, A_ub=matrix(upper, len(var)), b_ub=upper_rhs,
                   A_eq=matrix(equal, len(var)), b_eq=equal_rhs, bounds=bounds, method="highs")
    relaxed = linprog(**problem)
    print(f"LP relaxation: {relaxed.fun:.2f} cycles")
    integral = np.ones(len(var))
    integral[var["T"]] = 0
    exact = linprog(**problem, integrality=integral, options={"time_limit": args.time_limit})
    print(f"static loads found: {exact.fun:.0f} cycles; proven lower bound: "
          f"{exact.mip_dual_bound:.0f} cycles ({exact.message})")


if __name__ == "__main__":
    main()
