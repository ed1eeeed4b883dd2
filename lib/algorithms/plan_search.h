// Local search over plans (lib/algorithms/plan.h): a better upper bound than the
// ring generators for the small instances the SAT engine solves.
//
// The search state is a plan without its routing: which PE runs each dot, the order
// of each PE's program (softmax and axpy stay at home), and a link priority offset
// per item. The routing is derived from the programs (derived_routes.h: every item
// travels as far forward as its farthest consumer, and on each link the item whose
// earliest consumer beyond it has the earliest estimated start goes first). CompilePlan
// times each candidate, so every schedule found is valid by construction; callers
// check it again. Moves: shift an operation within its program (up to 6 places),
// move a dot to another PE (near the same relative position), or change an offset
// (one move in four, by up to 6 cycles). Acceptance is late acceptance hill climbing
// with a history of 64 (Burke & Bykov, "The late acceptance hill-climbing
// heuristic", EJOR 258(1), 2017) on the cost (makespan, then the sum of operation end
// cycles), so the search crosses plateaus of equal makespan. A deadlocking candidate
// (an operation waiting for an item no order provides) is rejected. Runs restart
// from `start` with the next seed; deterministic for a given seed. Parameters and
// their measured effect: docs/sat-encoding.md.
#ifndef ATTNSCHED_LIB_ALGORITHMS_PLAN_SEARCH_H_
#define ATTNSCHED_LIB_ALGORITHMS_PLAN_SEARCH_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

// About 6 s for shared n = 8, d = 2 on 4 PEs (34,000 plans/s, core_bench); it reached
// the lower bound in 12 of 12 seeds on causal n = 8, d = 2, 2 PEs, block homes, where
// 100,000 reached it in 9 of 10 (docs/sat-encoding.md).
inline constexpr int64_t kDefaultPlanEvaluations = 200'000;

struct PlanSearchOptions {
  // Plans compiled at most (each costs O(events log events)), over independent runs
  // of restart_evaluations each, every run from `start` with its own seed.
  int64_t max_evaluations = kDefaultPlanEvaluations;
  int64_t restart_evaluations = 25'000;
  // Stop as soon as the makespan is <= this (cycles), e.g. a lower bound.
  int64_t target = 0;
  uint64_t seed = 1;
  // Polled every 64 evaluations; true stops the search (deadline, cancellation).
  std::function<bool()> stop;
};

// A schedule for start.problem with start.placement and makespan <= Makespan(start):
// the best plan found, or `start` itself when none is better. `start` must be valid
// (it is only read: its operations in start order per PE are the first plan).
// Errors: InternalError if a compiled plan fails (a bug).
absl::StatusOr<Schedule> ImproveByPlanSearch(const Schedule& start,
                                             const PlanSearchOptions& options = {});

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_PLAN_SEARCH_H_
