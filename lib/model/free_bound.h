// The lower bound of a free placement (beyond SPEC): a schedule whose homes the
// solver chooses still has some placement P, so its makespan is at least the largest
// pinned bound of P (bounds.h, LowerBounds::Max), and the least of those over every
// placement bounds every schedule. LB_work and LB_path, which hold for any
// placement, are the floor: the search stops early at a placement that reaches them.
//
// Candidates (the ring is the same seen from every PE, so rotating a placement
// rotates its bounds):
//   - tokens interchangeable (general and shared with the full mask and no tiles,
//     TokensInterchangeable in problem.h): relabeling the tokens maps a placement onto the block
//     placement with the same number of tokens on each PE, so the candidates are the
//     C(n+m-1, m-1) ways to share n tokens among m PEs, as block placements;
//   - otherwise (causal, masks, several heads: a layer's homes are one head's homes
//     repeated, lib/model/heads.h) every placement of one head's n tokens with token 0
//     on PE 0: m^(n-1).
// Each candidate costs ComputeLowerBounds, O(N log m + m) with N the layer's rows (n
// times the heads): above `max_work` candidates x (N + m) the bound is max(LB_work,
// LB_path) alone.
#ifndef ATTNSCHED_LIB_MODEL_FREE_BOUND_H_
#define ATTNSCHED_LIB_MODEL_FREE_BOUND_H_

#include <cstdint>

#include "lib/model/placement.h"
#include "lib/model/problem.h"

namespace attnsched {

// Candidates x (N + m) at most by default: a candidate takes about 2 microseconds at
// n = 9, m = 4 (bench/core_bench BM_FreeBound: 0.4 ms for the 220 of shared n = 9 on
// 4 PEs), so at most about 40 ms; the request fuzzer (tests/fuzz) holds every
// request's checks, this bound included, to 1 s under the sanitizers.
inline constexpr int64_t kFreeBoundWork = int64_t{1} << 18;

struct FreeBound {
  int64_t cycles = 0;      // the bound
  int64_t candidates = 0;  // placements the minimum ran over (0: too many to try)
  Placement placement;     // one head's homes reaching `cycles`; empty with 0
};

// Cost: at most max_work / (N + m) times ComputeLowerBounds (O(N log m + m log(N
// c_dot))), O(N + m) memory.
FreeBound FreePlacementBound(const Problem& problem, int64_t max_work = kFreeBoundWork);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_FREE_BOUND_H_
