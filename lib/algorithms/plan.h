// A plan is a schedule without times: per-PE operation orders, a placement and a
// routing rule. CompilePlan turns it into a schedule by list scheduling:
//   - each compute unit runs its program in order, each operation as soon as the
//     unit is free and every operand is resident (ASAP);
//   - each link sends, whenever it is free, the queued item with the lowest
//     priority value among those already resident on the sender (ties: the earliest
//     ready, then first queued).
// This is a discrete-event simulation in cycle order over links and units (a unit
// may run up to 256 operations ahead: its programs are fixed and an operand's arrival
// is final once known), so the events come out in start order as they become final.
// Generators describe the ring
// technique (which PE computes what, in which order, and how far each item
// travels); the compiler derives the cycle of every event, so a generator is valid
// for any costs and link speed by construction, and only its makespan depends on
// how well the orders fit the costs.
#ifndef ATTNSCHED_LIB_ALGORITHMS_PLAN_H_
#define ATTNSCHED_LIB_ALGORITHMS_PLAN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/algorithms/program.h"
#include "lib/model/placement.h"
#include "lib/model/problem.h"
#include "lib/model/task_graph.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

// How far an item travels forward from a PE, one link at a time.
struct Forward {
  int32_t hops = 0;      // links to cross: 0 keeps it where it is; at most m - 1
  int32_t priority = 0;  // lower goes first on a link
};

struct Plan {
  Placement placement;
  // programs[p]: the operations PE p runs, in order. Every operation of the task
  // graph must appear exactly once over all programs.
  std::vector<Program> programs;
  // Called for every input vector at its home (at cycle 0) and every dot result on
  // the PE that computed it; the item then travels `hops` links forward.
  std::function<Forward(const Item& item, int32_t pe)> route;
  // Optional: the link priority of an item relayed onward from PE `pe` (unset: it
  // keeps the priority route gave it).
  std::function<int32_t(const Item& item, int32_t pe)> relay_priority;
  // A vector (q, k, v, x) leaves a PE only once the PE has started its last operation
  // reading it there (flow control for storage limits: a PE then holds what it still
  // needs and the next block, not every block that came by). Programs that read
  // blocks against the ring's order would stall; when nothing else can move, every
  // held vector is sent at once, so the plan always compiles.
  bool forward_after_last_use = false;
};

// Compiles `plan` for `problem` as a stream: the schedule's events in canonical
// order (schedule.h), produced as the list scheduling advances in cycle order, so the
// memory is the plan, the residency (residency.h) and the events not yet final (about
// 256 per compute unit), not the schedule. When the plan deadlocks (an operand never
// reaches its PE: a generator bug, never a user error) the stream ends early and
// status() is an InternalError naming the PE and the item it waits for.
std::unique_ptr<EventSource> CompilePlanStream(const Problem& problem, Plan plan);

// The whole schedule of CompilePlanStream, in canonical order; the same errors.
absl::StatusOr<Schedule> CompilePlan(const Problem& problem, Plan plan);

// The number of events CompilePlan(problem, plan) produces, without compiling: one
// per operation of the programs and one per link each input vector and score
// crosses (as routed). O(operations + n).
int64_t CountPlanEvents(const Problem& problem, const Plan& plan);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_PLAN_H_
