#include "lib/schedule/check.h"

#include <limits>
#include <utility>

#include "lib/status_macros.h"

namespace attnsched {

absl::StatusOr<CheckReport> CheckSchedule(EventSource& source, const CheckOptions& options) {
  ValidationOptions validation{options.max_operations, options.cancelled};
  std::optional<Simulation> simulation;
  if (options.simulate_seed) {
    // The header is checked before the simulator sizes anything by it.
    RETURN_IF_ERROR(CheckScheduleHeader(source.problem(), source.placement(), 0,
                                        std::numeric_limits<int64_t>::max(),
                                        options.max_operations));
    RETURN_IF_ERROR(CheckSimulationSize(source.problem()));
    simulation.emplace(source.problem(), source.placement(), *options.simulate_seed);
    validation.on_accepted = [&simulation](const Event& e) { return simulation->Apply(e); };
  }
  ASSIGN_OR_RETURN(ValidationReport report, Validate(source, validation));
  CheckReport out{std::move(report), std::nullopt};
  if (simulation && out.validation.valid()) {
    ASSIGN_OR_RETURN(out.simulation, simulation->Finish(options.cancelled));
  }
  return out;
}

}  // namespace attnsched
