// Link-timed list scheduling: which PE runs each dot, and every PE's order of
// operations, chosen by timing the compute units and the links, for the instances the
// ring techniques leave far above their bounds (few tokens per PE with uneven rows:
// a causal layer with one token per PE; docs/generators.md, "Few tokens per PE").
//
// List scheduling with insertion in the manner of HEFT (Topcuoglu, Hariri and Wu,
// "Performance-effective and low-complexity task scheduling for heterogeneous
// computing", IEEE TPDS 13(3), 2002), driven by deadlines (earliest deadline first)
// and adapted to the ring:
//   - Each PE's home operations (its rows in row order, each softmax followed by its
//     axpys, nearest value first) are reserved back to back, ending at `target`. A
//     dot's deadline is its row softmax's start, a value's its axpy's start. With
//     shared inputs one dot(i,j), i <= j, serves rows i and j: its deadline is the
//     earlier of their softmaxes' starts.
//   - Dots and values are placed by deadline. A value is forwarded to its row's home.
//     A dot is tried on every PE: q(i) and k(j) are forwarded there along the ring
//     (each link a timeline, a transfer in its first idle gap that holds it), the dot
//     goes in the unit's first idle gap after both arrive, and the score is forwarded
//     to h(i) (shared inputs: on to h(j) too, the farther home last; x(i) and x(j) are
//     the operands and x(j) the value). Of the PEs where the score meets every
//     reader's deadline it takes the one adding the fewest cycles above `target` to
//     the loads of the PE and the links, then the fewest link cycles, then the
//     earliest arrival; a dot late everywhere takes the fewest cycles above `target`,
//     then the earliest arrival.
//   - Each PE's order is its operations by estimated start, a home operation moved
//     after its inputs' estimated arrival, so nothing waits on what follows it.
// The estimates decide the assignment and the orders only; the caller compiles the
// orders (derived_routes.h, plan.h), which times every event exactly, so the
// schedule is valid whatever the estimates missed.
#ifndef ATTNSCHED_LIB_ALGORITHMS_LIST_SCHEDULER_H_
#define ATTNSCHED_LIB_ALGORITHMS_LIST_SCHEDULER_H_

#include <cstdint>
#include <functional>

#include "lib/algorithms/derived_routes.h"

namespace attnsched {

// The PE that runs a dot (a valid dot of the task graph), in [0, m).
using DotPlacement = std::function<int32_t(const Operation& dot)>;

// The orders for `problem` over `homes` (a valid placement), with
// `target` the makespan aimed at in cycles (e.g. the largest lower bound). With
// `time_values` the values' trips take their links' time in the estimates; without,
// they count only in the links' loads, so the estimates see the links free where
// values pass (the better choice where values alone nearly fill the links into the
// busiest PEs: docs/generators.md measures both).
// With `dot_pe` (dot_split.h, distinct inputs) each dot runs on the PE it gives,
// timed as above; without, on the PE chosen as above.
// O(dots m (m + hops)) time, O(operations + n m) memory.
OperationOrders LinkTimedOrders(const Problem& problem, const Placement& homes, int64_t target,
                                bool time_values, const DotPlacement& dot_pe = {});

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_LIST_SCHEDULER_H_
