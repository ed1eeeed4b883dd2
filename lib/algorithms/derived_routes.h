// Routing derived from per-PE programs (lib/algorithms/plan.h): the plan of a list of
// operation orders, for the plans that move single operations (the local search,
// plan_search.h; link-timed list scheduling, list_scheduler.h).
//
// Every item travels forward from where it is made (an input vector from its home, a
// score from the PE that computes its dot) as far as its farthest consumer, and on
// each link the item whose earliest consumer beyond that link has the earliest
// estimated start goes first (Plan::relay_priority). A consumer's estimated start is
// the work before it in its program (its durations, without waiting), plus the item's
// priority offset: the estimate is a guess, and the offsets let a search revise it.
#ifndef ATTNSCHED_LIB_ALGORITHMS_DERIVED_ROUTES_H_
#define ATTNSCHED_LIB_ALGORITHMS_DERIVED_ROUTES_H_

#include <cstdint>
#include <vector>

#include "lib/algorithms/plan.h"

namespace attnsched {

// programs[p]: the operations PE p runs, in order; every operation of the task graph
// exactly once, softmax and axpy at their row's home.
using OperationOrders = std::vector<std::vector<Operation>>;

// Index of an item that can travel, for priority offsets: input vectors by (kind,
// row), scores by (i, j), with n the task graph's rows (the layer's, with heads). p
// items are made and used at h(i) and never travel.
inline int64_t TravellingItemIndex(const Item& item, int64_t n) {
  if (IsVector(item.kind)) return static_cast<int64_t>(item.kind) * n + item.i;
  return 4 * n + int64_t{item.i} * n + item.j;
}

// The number of TravellingItemIndex values: 4 n + n^2.
inline int64_t TravellingItemCount(int64_t n) { return 4 * n + n * n; }

// The plan of `programs` over `homes` routed as above. `offsets` is empty (all 0) or
// has TravellingItemCount(n) entries, in cycles. O(operations + n^2) time and memory.
Plan DerivedPlan(const Problem& problem, const Placement& homes, const OperationOrders& programs,
                 const std::vector<int32_t>& offsets = {});

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_DERIVED_ROUTES_H_
