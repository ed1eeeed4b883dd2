// Ring rotation over any placement: the plan the SAT engine uses as its upper bound
// when a request pins a placement the scheme's generator does not use.
//
// Every PE computes the dots of the rows it homes (shared: the pairs i <= j with i
// homed there), in ring order of the key's home; every k, v (or x) vector travels the
// whole ring; shared scores travel from h(i) to h(j). Valid for any n, m and
// placement (PEs may home no token), with no makespan target.
#ifndef ATTNSCHED_LIB_ALGORITHMS_ANY_PLACEMENT_H_
#define ATTNSCHED_LIB_ALGORITHMS_ANY_PLACEMENT_H_

#include "lib/algorithms/plan.h"

namespace attnsched {

// `placement` must be valid for `problem`.
Plan RingPlanForPlacement(const Problem& problem, const Placement& placement);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_ANY_PLACEMENT_H_
