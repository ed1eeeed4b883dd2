// Lower bounds on the makespan of any valid schedule (SPEC section 3, and LB_load
// beyond it). All are sound for the given placement; a schedule whose makespan equals
// Max() is optimal without SAT. Transfers are not part of these bounds.
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
  // work home_p (pinned) plus whole dots, and fits in T. Beyond SPEC; it can exceed
  // LB_work when the home work is unbalanced or not a multiple of c_dot (causal n=8,
  // d=2 on 4 PEs with cyclic homes: 46 against LB_work 45).
  int64_t load = 0;
  // Release dates of the home work (beyond SPEC): row i's softmax cannot start before
  // RowReady(i), and its axpys follow it on h(i); on each PE, for every k the rows
  // with the k latest ready cycles still need their home work after the k-th of them
  // (the single-machine bound max_k r_k + sum_{r_j >= r_k} p_j with release dates,
  // exact for the preemptive relaxation). At least LB_home.
  int64_t release = 0;

  int64_t Max() const;
};

// Per row i, the earliest cycle at which all of row i's scores can be resident at
// h(i) in any schedule, ignoring contention: each score s(i,j) is produced by a dot
// on some PE r that starts only when both operand vectors have crossed the links
// from their homes to r (ring distance x vector transfer cycles) and lasts c_dot, and
// then crosses the links from r to h(i) (ring distance x scalar transfer cycles).
// RowReady(i) is the maximum over j in M(i) of the minimum over r. Depends on j only
// through h(j), so it costs O(m^3 + n m). Size n; cycles.
std::vector<int64_t> RowReady(const Problem& problem, const Placement& placement);

// The gcd g of all operation durations of the task graph, in cycles.
int64_t DurationGcd(const Problem& problem);

// Bounds for `problem` with homes `placement` (size n, entries in [0, m); the caller
// validates). Cost O(n + m log(n c_dot)).
LowerBounds ComputeLowerBounds(const Problem& problem, const Placement& placement);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_BOUNDS_H_
