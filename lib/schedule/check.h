// Checking a schedule: the validator and, when asked, the simulator in one pass over
// an event source (each event the rules accept is executed before the next is read).
// The one place the generate and verify paths of the CLI and the service check what
// they produce or receive.
#ifndef ATTNSCHED_LIB_SCHEDULE_CHECK_H_
#define ATTNSCHED_LIB_SCHEDULE_CHECK_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "lib/base/cancellation.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"

namespace attnsched {

struct CheckOptions {
  int64_t max_operations = kDefaultMaxOperations;  // as ValidationOptions::max_operations
  std::optional<uint64_t> simulate_seed;   // set: simulate with these inputs
  Cancelled cancelled = nullptr;
};

struct CheckReport {
  ValidationReport validation;
  std::optional<SimulationReport> simulation;  // set when simulated and valid
};

// Validates `source` (validator.h) and, with simulate_seed, executes it (simulator.h)
// in the same pass. Errors: Validate's, and the simulator's (which a valid schedule
// does not produce). An invalid schedule has no simulation.
absl::StatusOr<CheckReport> CheckSchedule(EventSource& source, const CheckOptions& options);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_CHECK_H_
