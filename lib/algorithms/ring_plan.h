// Ring plans over any placement: the dot assignment of a generator (which PE runs
// which dot, in which order) completed into a plan (lib/algorithms/plan.h).
//
// A generator chooses the dots; FinishRingPlan adds the home operations and the
// routing, the same way for every generator:
//   - each PE runs its dots first, in the given order;
//   - then the rows whose scores are all estimated to be home by the end of its dots
//     (the estimate: each producer runs its dot list back to back, and a score then
//     crosses its links at one scalar hop each): their softmaxes in token order, then
//     their axpys value by value in the order the values arrive (ring order);
//   - then the remaining rows ("tail rows", e.g. rows whose dots a neighbour
//     computes), latest estimate last, each softmax followed by its row's axpys;
//   - every input vector travels forward to its farthest consumer, every score to its
//     row's home (shared: to the farther of the two homes, passing the nearer); on a
//     link, keys (x for shared inputs) and queries go first, then scores, then values.
// With a storage limit a vector leaves a PE only after the PE's last use of it
// (Plan::forward_after_last_use).
// Valid for any n, m, placement and costs by construction (the compiler times it).
#ifndef ATTNSCHED_LIB_ALGORITHMS_RING_PLAN_H_
#define ATTNSCHED_LIB_ALGORITHMS_RING_PLAN_H_

#include <vector>

#include "lib/algorithms/plan.h"

namespace attnsched {

// dots[p]: the dots PE p runs, in order. Every dot of the task graph once.
using DotLists = std::vector<Program>;

// Ring rotation (Yu & Fujita, arXiv 2012.01114, section 4): each PE computes the dots
// of the rows it homes; in round r = 0..m-1 the keys of the PE r links behind it
// arrive, and it runs key by key (each key serves all its rows): one loop nest per PE
// (program.h). Not for shared inputs (HalfRingDots in shared_half_ring.h). O(dots)
// time, O(n) memory.
// With `balance`, BalanceDots (balance.h) then evens out the PEs' loads.
DotLists RowHomeDots(const Problem& problem, const Placement& placement, bool balance);

// The plan described above. `placement` must be valid and `dots` hold every dot of
// the task graph exactly once. O(operations + n log n).
Plan FinishRingPlan(const Problem& problem, Placement placement, DotLists dots);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_RING_PLAN_H_
