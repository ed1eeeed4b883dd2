// Lower bounds on the makespan of any valid schedule (SPEC section 3). All three are
// sound for the given placement; a schedule whose makespan equals Max() is optimal
// without SAT. Transfers are not part of these bounds.
#ifndef ATTNSCHED_LIB_MODEL_BOUNDS_H_
#define ATTNSCHED_LIB_MODEL_BOUNDS_H_

#include <cstdint>

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

  int64_t Max() const;
};

// The gcd g of all operation durations of the task graph, in cycles.
int64_t DurationGcd(const Problem& problem);

// Bounds for `problem` with homes `placement` (size n, entries in [0, m); the caller
// validates). Cost O(n + m).
LowerBounds ComputeLowerBounds(const Problem& problem, const Placement& placement);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_BOUNDS_H_
