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
// memory: one double per score of the task graph and per p(i,j), the residency
// records (residency.h) and O(n d) for inputs and outputs; nothing per event.
#ifndef ATTNSCHED_LIB_SCHEDULE_SIMULATOR_H_
#define ATTNSCHED_LIB_SCHEDULE_SIMULATOR_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/cancellation.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/residency.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

struct SimulationReport {
  // max over i, c of |o_sched(i)[c] - o_ref(i)[c]| / max over i, c of |o_ref(i)[c]|.
  double max_rel_error = 0;
};

// Tolerance of SPEC section 4 for double precision.
inline constexpr double kMaxRelError = 1e-9;

// Row-major n x d matrices of the input vectors; shared uses only q as x.
struct SimulationInputs {
  std::vector<double> q, k, v;
};

// One execution, fed event by event in start order: as the validator accepts them
// (ValidationOptions::on_accepted, so one pass checks and executes) or by Simulate.
class Simulation {
 public:
  // `problem` and `placement` must be valid and outlive the simulation.
  Simulation(const Problem& problem, const Placement& placement, uint64_t seed);
  ~Simulation();

  // Executes `e`. FailedPreconditionError naming the event, the PE and the missing
  // value if the PE reads something it does not hold then, or an index, PE or link
  // out of range (events the validator refuses).
  absl::Status Apply(const Event& e);

  // After the last event: the outputs against attention computed directly.
  // FailedPreconditionError when a row missed an axpy; CancelledError when
  // `cancelled` turns true (polled every row of the direct computation).
  absl::StatusOr<SimulationReport> Finish(const Cancelled& cancelled);

 private:
  absl::Status CheckRanges(const Event& e) const;
  const double* Value(const Item& item) const;
  absl::StatusOr<const double*> Read(const Event& e, const Item& item) const;
  absl::Status RunOp(const Event& e);
  absl::Status RunXfer(const Event& e);

  const Problem& problem_;
  const Instance& inst_;
  const SimulationInputs inputs_;
  Residency residency_;
  std::vector<double> scores_;                // by ScoreIndex
  std::vector<std::vector<double>> p_rows_;   // p(i, .) over M(i)
  std::vector<double> out_;
  std::vector<int64_t> axpys_;                // per row, run so far
  std::vector<const double*> operand_;        // reused: no allocation per event
};

// Simulates the events of `source` (a schedule that passed Validate): Apply for each,
// then Finish. Errors as theirs, the source's status if it fails, and
// CancelledError when `cancelled` (polled every kCancellationPollEvents events)
// turns true.
absl::StatusOr<SimulationReport> Simulate(EventSource& source, uint64_t seed,
                                          const Cancelled& cancelled = nullptr);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_SIMULATOR_H_
