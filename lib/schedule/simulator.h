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
// With tiles (SPEC section 10.4) an operation over tiles computes every token pair
// it covers: dot(I,J) the scores s(i,j) of the pairs of I x J, softmax(I) the rows of
// I, axpy(I,J) the pairs' contributions to o(i).
//
// Row sample: a schedule with more than kMaxSimulatedScores token scores is executed
// in full for the rules (every read is checked against residency) but computes the
// numbers of a sample of rows only: every k-th token row, k the smallest stride whose
// rows hold at most kMaxSimulatedScores scores, and the last row. The report says how
// many rows were checked.
//
// Cost: O(d) arithmetic per token score of the sampled rows, for the schedule and
// again for the reference; memory: two doubles per sampled score (s and p), d per
// sampled row for the outputs, the residency records (residency.h) and 3 n d for the
// inputs; nothing per event.
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
  // max over i, c of |o_sched(i)[c] - o_ref(i)[c]| / max over i, c of |o_ref(i)[c]|,
  // over the checked rows.
  double max_rel_error = 0;
  int64_t rows_checked = 0;  // token rows whose outputs were compared
  int64_t rows = 0;          // token rows of the instance
};

// Most token scores the simulator computes (two doubles each: 256 MiB); above it, a
// sample of rows (file comment).
inline constexpr int64_t kMaxSimulatedScores = int64_t{1} << 24;

// Most input words (3 n d, or n d with shared inputs) the simulator holds: 2 GiB of
// doubles.
inline constexpr int64_t kMaxSimulatedInputWords = int64_t{1} << 28;

// OK, or ResourceExhaustedError when `problem`'s inputs exceed kMaxSimulatedInputWords
// (saying how many bytes they need and to check without simulation). Call before
// constructing a Simulation.
absl::Status CheckSimulationSize(const Problem& problem);

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
  absl::Status Read(const Event& e, const Item& item) const;
  absl::Status RunOp(const Event& e);
  absl::Status RunXfer(const Event& e);
  void RunDot(const Operation& op);
  // Added to a token of key tile `tile` to find the token whose key and value vectors
  // it stands for: those of the task graph's item (Instance::KvRow; 0 but with grouped
  // heads).
  int64_t KeyTokenShift(int64_t tile) const {
    return inst_.mask.TileBegin(inst_.KvRow(static_cast<int32_t>(tile))) -
           inst_.mask.TileBegin(tile);
  }
  void RunSoftmax(int64_t tile);
  void RunAxpy(const Operation& op);
  // The sampled scores of token row i at key j: s(i,j), then p(i,j).
  double& Score(int64_t i, int64_t j) { return scores_[row_base_[i] + j]; }
  double& Probability(int64_t i, int64_t j) { return probabilities_[row_base_[i] + j]; }
  bool Sampled(int64_t i) const { return row_slot_[i] != kNotSampled; }

  static constexpr int64_t kNotSampled = -1;

  const Problem& problem_;
  const Instance& inst_;
  const Mask& tokens_;                    // the token mask
  const SimulationInputs inputs_;
  Residency residency_;
  // Per token row: the offset of its scores minus KeyBegin(i) (any integer), and its
  // position among the sampled rows or kNotSampled.
  std::vector<int64_t> row_base_;
  std::vector<int64_t> row_slot_;
  std::vector<int64_t> rows_;             // the sampled rows, ascending
  std::vector<double> scores_;
  std::vector<double> probabilities_;
  std::vector<double> row_;               // reused by softmax
  std::vector<double> out_;               // d per sampled row
  std::vector<int64_t> axpys_;            // per row (tile), run so far
};

// Simulates the events of `source` (a schedule that passed Validate): Apply for each,
// then Finish. Errors as theirs, the source's status if it fails, and
// CancelledError when `cancelled` (polled every kCancellationPollEvents events)
// turns true.
absl::StatusOr<SimulationReport> Simulate(EventSource& source, uint64_t seed,
                                          const Cancelled& cancelled = nullptr);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_SIMULATOR_H_
