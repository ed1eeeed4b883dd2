// Verify by SAT (SPEC section 6): a schedule's events become unit clauses (every
// other operation and transfer variable is false) in the formula with its placement
// and horizon max(event end); the formula is satisfiable exactly when the validator
// accepts the schedule. An independent second check of the validator, and a test of
// the encoder.
#ifndef ATTNSCHED_LIB_SAT_VERIFY_BY_SAT_H_
#define ATTNSCHED_LIB_SAT_VERIFY_BY_SAT_H_

#include "absl/status/statusor.h"
#include "lib/sat/encoder.h"
#include "lib/sat/solver.h"

namespace attnsched::sat {

// True when the pinned formula is satisfiable. Events the formula cannot express
// (outside [0, horizon), out of range, not in the task graph, an event listed twice)
// make it false at once. Errors: InvalidArgumentError for a bad header,
// ResourceExhaustedError over the limits, DeadlineExceededError at the time limit.
absl::StatusOr<bool> SatAccepts(const Schedule& schedule, const EncodeLimits& limits = {},
                                absl::Duration time_limit = absl::InfiniteDuration());

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_VERIFY_BY_SAT_H_
