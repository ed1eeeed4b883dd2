// Lower bounds on the makespan of any valid schedule (SPEC section 3, and LB_load
// beyond it). All are sound for the given placement; a schedule whose makespan equals
// Max() is optimal without SAT. Transfers are not part of these bounds.
//
// With tiles (SPEC section 10.4) every duration below is the operation's (its cost
// times the token pairs it covers, task_graph.h): c_dot reads "the shortest dot",
// c_axpy "the shortest axpy", |M(i)| "RowPairs(i)", a vector hop the smallest
// tile's, and a score hop one word's. Each replacement can only lower a term, so the
// bounds stay sound; without tiles they are the formulas as written.
#ifndef ATTNSCHED_LIB_MODEL_BOUNDS_H_
#define ATTNSCHED_LIB_MODEL_BOUNDS_H_

#include <cstdint>
#include <vector>

#include "lib/model/placement.h"
#include "lib/model/problem.h"

namespace attnsched {

struct LowerBounds {
  // g * ceil(W / (g m)), g = gcd of all operation durations: m compute units whose
  // busy time is a sum of durations.
  int64_t work = 0;
  // c_dot + the most home work (softmax and axpy durations of the rows homed
  // there) on one PE: no home operation can start before a first score exists.
  int64_t home = 0;
  // max over rows i of c_dot + (c_softmax + c_axpy) |M(i)|: a score precedes the
  // row's softmax, and its axpys run one after another on h(i).
  int64_t path = 0;
  // The least T with sum over PEs p of floor((T - home_p) / c_dot), counting only
  // PEs with home_p <= T, at least the number of dots: a PE's busy time is its home
  // work home_p (pinned) plus whole dots, and fits in T. (Tiles: in units of g_dot,
  // the gcd of the dot durations, against the dots' total work over g_dot.) Beyond SPEC; it can exceed
  // LB_work when the home work is unbalanced or not a multiple of c_dot (causal n=8,
  // d=2 on 4 PEs with cyclic homes: 46 against LB_work 45).
  int64_t load = 0;
  // Release dates of the home work (beyond SPEC): row i's softmax cannot start before
  // RowReady(i), and its axpys follow it on h(i); on each PE, for every k the rows
  // with the k latest ready cycles still need their home work after the k-th of them
  // (the single-machine bound max_k r_k + sum_{r_j >= r_k} p_j with release dates,
  // exact for the preemptive relaxation). At least LB_home.
  int64_t release = 0;
  // LB_link (SPEC section 10.7; m >= 2, else 0): every item a PE p needs and does
  // not hold from cycle 0 crosses p's one incoming link. For each key token j homed
  // elsewhere that a row of p attends: v(j) (shared: x(j)) arrives, and without
  // shared inputs k(j) arrives or a score per such row does (at least
  // min(dur(k), r dur(s)) link cycles for r rows). The last arrival is at >= the sum
  // of those link cycles + link_latency, and an axpy of p follows it: LB_link = max
  // over p of that sum + link_latency + c_axpy. (Tiles: the scores of a
  // key tile count one word per reader tile, a weaker but sound term.)
  int64_t link = 0;
  // LB_cut (beyond SPEC; m >= 2, else 0): LB_link for an arc of consecutive PEs
  // instead of one PE. The one-way ring enters the arc S = {p, p+1, ..., p+L-1}
  // (mod m, 1 <= L < m) through one link, p-1 -> p, so everything S's rows need from
  // the keys homed outside S crosses it: for each such key token j that a row of S
  // attends, v(j) (x(j)), and without shared inputs k(j) or a score per attending
  // (row, head) of S, at least min(dur(k), r dur(s)) link cycles for r of them. The
  // last of those first crossings is followed by its arrival and by an axpy in S, so
  // LB_cut = max over arcs of that sum + link_latency + c_axpy. L = 1 is LB_link, so
  // LB_cut >= LB_link; a long arc wins where keys read by many of its rows cost less
  // than their scores (causal n = m = 16, d = 4, 8 heads: 772 at PEs 12..15 against
  // LB_link 604). Arcs of up to CutArcPes(problem) PEs are tried.
  int64_t cut = 0;
  // LB_traffic (beyond SPEC; m >= 2, else 0): the link cycles that must cross some
  // link, spread over the m links. v(j) (x(j)) crosses every link from h(j) to the
  // farthest PE with a row attending j; with shared inputs, a score s(i,j) of tokens
  // homed on different PEs whose rows attend each other crosses at least min(ring
  // distance from h(i) to h(j), from h(j) to h(i)) links (it is made on one PE and
  // needed on both homes; counted in bidirectional segments the window does not cut). Every
  // such first crossing ends by T - link_latency - c_min (c_min: the smallest
  // duration of the operation that reads it), so T >= ceil(total / m) +
  // link_latency + c_min (tiles: the scores are left out, soundly). It exceeds LB_work where the scores of the shared scheme
  // load the links (small d on many PEs); docs/model.md has the proof.
  int64_t traffic = 0;

  int64_t Max() const;
};

// Per row i, the earliest cycle at which all of row i's scores can be resident at
// h(i) in any schedule, ignoring contention: each score s(i,j) is produced by a dot
// on some PE r that starts only when both operand vectors have crossed the links
// from their homes to r (ring distance x vector transfer cycles) and lasts c_dot, and
// then crosses the links from r to h(i) (ring distance x scalar transfer cycles).
// RowReady(i) is the maximum over j in M(i) of the minimum over r. A link hop costs
// the transfer's duration plus the link latency. Vectors have equal hop costs and a
// scalar's is no larger, so the best r is h(i) or h(j) (docs/model.md), and the worst
// j is found with an ordered set of key homes: O(n log m). Size n; cycles.
std::vector<int64_t> RowReady(const Problem& problem, const Placement& placement);

// The gcd g of all operation durations of the task graph, in cycles.
int64_t DurationGcd(const Problem& problem);

// LB_work alone (it needs no placement): g * ceil(W / (g m)), in cycles.
int64_t WorkBound(const Problem& problem);

// Bounds for `problem` with homes `placement` (size n, entries in [0, m); the caller
// validates), LB_cut over arcs of up to `max_arc_pes` PEs (0: CutArcPes(problem); 1:
// LB_cut = LB_link, the cost of the others). Cost O(n log m + m log(n c_dot) + m L
// (n + m)), L the arcs' length.
LowerBounds ComputeLowerBounds(const Problem& problem, const Placement& placement,
                               int64_t max_arc_pes = 0);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_BOUNDS_H_
