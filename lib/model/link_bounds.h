// Lower bounds from the links (SPEC section 10.7, and two beyond it): the items a
// placement forces across the ring's links. All are sound for the given homes only:
// a search over placements must not use them as a bound for every placement.
// docs/model.md states them and their proofs in words.
#ifndef ATTNSCHED_LIB_MODEL_LINK_BOUNDS_H_
#define ATTNSCHED_LIB_MODEL_LINK_BOUNDS_H_

#include <cstdint>

#include "lib/model/placement.h"
#include "lib/model/problem.h"

namespace attnsched {

// LB_link (LowerBounds::link in bounds.h) for homes `placement` (valid for the
// problem): cycles, 0 when m = 1 or no PE needs a key homed elsewhere. O(m + p n), p
// the PEs that hold rows.
// Example: general n = 2, d = 16 on 2 PEs, c_dot = c_axpy = 1, block homes: PE 1
// needs v(0) (16 cycles) and k(0) or s(1,0) (min(16, 1) = 1), then one axpy:
// LB_link = 16 + 1 + 0 + 1 = 18.
int64_t LinkBound(const Problem& problem, const Placement& placement);

// LB_link and LB_cut (LowerBounds::link and ::cut in bounds.h) for homes `placement`,
// LB_cut over the arcs of 1 .. min(max_arc_pes, m - 1) consecutive PEs: cycles, 0 when
// m = 1 or no arc needs a key homed outside it. For each first PE the arc grows one
// PE at a time, adding that PE's readers of every key; arcs from PEs without rows are
// skipped (they sum what the arc from the next PE does): O(m + p L n) for arcs of up
// to L PEs, p the PEs that hold rows; O(n + m) memory.
// Example: causal n = m = 16, d = 4, 8 heads, block homes: the arc of PEs 12..15
// needs v and k of the 12 x 8 key/value items homed before it (4 scores cost as much
// as a key), 768 link cycles, then an axpy: LB_cut = 772. PE 15 alone needs 120
// values and 120 scores, 600 cycles: LB_link = 604.
struct LinkBounds {
  int64_t link = 0;
  int64_t cut = 0;
};
LinkBounds LinkAndCutBounds(const Problem& problem, const Placement& placement,
                            int64_t max_arc_pes);

// The longest arcs LB_cut tries by default: L = min(m - 1, kCutBoundWork / (m (n +
// m))) PEs, at least 1, so that its O(m L (n + m)) stays within about 2^22 steps (a
// few milliseconds). n is the layer's rows over all heads.
inline constexpr int64_t kCutBoundWork = int64_t{1} << 22;
int64_t CutArcPes(const Problem& problem);

// LB_traffic (LowerBounds::traffic in bounds.h): cycles, 0 when m = 1. O(n log m + m).
// Saturates at INT64_MAX / 4 for absurd sizes instead of overflowing.
int64_t TrafficBound(const Problem& problem, const Placement& placement);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_LINK_BOUNDS_H_
