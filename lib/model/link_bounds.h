// Lower bounds from the links (SPEC section 10.7, and one beyond it): the items a
// placement forces across the ring's links. Both are sound for the given homes only:
// a search over placements must not use them as a bound for every placement.
// docs/model.md states them and their proofs in words.
#ifndef ATTNSCHED_LIB_MODEL_LINK_BOUNDS_H_
#define ATTNSCHED_LIB_MODEL_LINK_BOUNDS_H_

#include <cstdint>

#include "lib/model/placement.h"
#include "lib/model/problem.h"

namespace attnsched {

// LB_link (LowerBounds::link in bounds.h) for homes `placement` (valid for the
// problem): cycles, 0 when m = 1 or no PE needs a key homed elsewhere. O(n + m).
// Example: general n = 2, d = 16 on 2 PEs, c_dot = c_axpy = 1, block homes: PE 1
// needs v(0) (16 cycles) and k(0) or s(1,0) (min(16, 1) = 1), then one axpy:
// LB_link = 16 + 1 + 0 + 1 = 18.
int64_t LinkBound(const Problem& problem, const Placement& placement);

// LB_traffic (LowerBounds::traffic in bounds.h): cycles, 0 when m = 1. O(n log m + m).
// Saturates at INT64_MAX / 4 for absurd sizes instead of overflowing.
int64_t TrafficBound(const Problem& problem, const Placement& placement);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_LINK_BOUNDS_H_
