// The simulator (SPEC section 4): executes a schedule on real numbers and compares
// its outputs with attention computed directly.
//
// Inputs are uniform in [-1, 1) from a seeded std::mt19937_64, in double precision.
// Each PE computes only from the values it holds at the start of each operation
// (inputs at home, results it produced, items it received); transfers copy values.
// So a schedule that reads a wrong operand or reduces wrongly gives a wrong o(i),
// which rule checking alone cannot see. Run it on schedules the validator accepted:
// it reports, but does not explain, rule violations it meets.
//
// Cost: O(n^2 d) arithmetic for the schedule and the same again for the reference;
// memory O(E) for E events plus O(n d) for inputs and outputs.
#ifndef ATTNSCHED_LIB_SCHEDULE_SIMULATOR_H_
#define ATTNSCHED_LIB_SCHEDULE_SIMULATOR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "lib/base/cancellation.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

struct SimulationReport {
  // max over i, c of |o_sched(i)[c] - o_ref(i)[c]| / max over i, c of |o_ref(i)[c]|.
  double max_rel_error = 0;
};

// Tolerance of SPEC section 4 for double precision.
inline constexpr double kMaxRelError = 1e-9;

// Simulates `schedule` (which must have passed Validate). Returns
// FailedPreconditionError naming the event, the PE and the missing value if a PE
// reads something it does not hold, or a row has no softmax or axpy; CancelledError
// when `cancelled` (polled every kCancellationPollEvents events and every row of the
// direct computation) turns true.
absl::StatusOr<SimulationReport> Simulate(const Schedule& schedule, uint64_t seed,
                                          const Cancelled& cancelled = nullptr);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_SIMULATOR_H_
