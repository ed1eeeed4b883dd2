// Optimal schedules by SAT (SPEC section 6): the lower bound is, for a pinned
// placement, the largest of its bounds (LB_work, LB_path, LB_home, LB_load,
// LB_release, LB_link, LB_cut and LB_traffic; lib/model/bounds.h), and for a free one the
// least of those over the placements (lib/model/free_bound.h); the upper bound is the makespan of
// the generator's schedule for that placement (free: the generator's choice) improved by local
// search over plans (lib/algorithms/plan_search.h; when it reaches the lower bound no SAT is
// needed). The gap is closed from above by incremental
// solving under the assumption "makespan <= T" (learned clauses are kept between
// bounds): each SAT answer gives a witness whose makespan becomes the next bound, an
// UNSAT answer proves the last witness optimal. (Bisection was measured and is slower:
// the UNSAT answers near the optimum are cheap only after the descent's learned
// clauses.) Every witness is checked by the validator and the simulator; a rejected
// witness is an InternalError (an encoder bug), never hidden. In the general and shared
// schemes a pinned placement is solved with its tokens sorted by home (an exact
// symmetry, lib/schedule/relabel.h) and the witness is relabeled back, so e.g. a cyclic
// placement is as easy as a block one. In those schemes a free placement is searched
// first with the generator's homes pinned, for half the time limit (a smaller formula
// whose witnesses are free witnesses too; only its SAT answers are reported as
// attempts), then freely from its best witness.
#ifndef ATTNSCHED_LIB_SAT_OPTIMAL_SEARCH_H_
#define ATTNSCHED_LIB_SAT_OPTIMAL_SEARCH_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/algorithms/plan_search.h"
#include "lib/sat/encoder.h"
#include "lib/sat/solver.h"

namespace attnsched::sat {

// One bound tried: "is there a schedule with makespan <= bound?".
struct BoundAttempt {
  int64_t bound = 0;
  SatResult result = SatResult::kUnknown;
  double seconds = 0;
};

struct SearchOptions {
  // Pinned homes; empty for a free placement.
  std::optional<Placement> placement;
  bool time_windows = true;
  // In the encoding (EncodeOptions) and, for general and shared, the relabeling of
  // a pinned placement to tokens sorted by home.
  bool symmetry_breaking = true;
  int64_t counting_stride = 1;  // EncodeOptions::counting_stride
  // Race CryptoMiniSat against CaDiCaL on every bound (lib/sat/portfolio.h): two
  // threads, two copies of the formula (only when both fit limits.max_bytes,
  // FitsTwice); the witnesses found depend on timing.
  bool race = false;
  // Plans the local search of the upper bound compiles at most (0: none).
  int64_t plan_evaluations = kDefaultPlanEvaluations;
  EncodeLimits limits;
  absl::Duration time_limit = absl::InfiniteDuration();
  const CancelToken* cancel = nullptr;
  // Called after every bound tried (progress display, streaming).
  std::function<void(const BoundAttempt&)> on_progress;
  // Called with the starting schedule and every better witness, each already checked
  // (a caller that may be stopped at any moment keeps the last one).
  std::function<void(const Schedule&)> on_witness;
};

struct OptimalResult {
  int64_t lower_bound = 0;   // cycles
  int64_t upper_bound = 0;   // cycles: the first witness's (generated, improved by plan search)
  int64_t makespan = 0;      // cycles: the best witness
  bool optimal = false;
  // kLowerBound (makespan equals it), kUnsat (makespan - 1 is UNSAT), kDratChecked
  // (BackUnsat) or kNone.
  ProofKind proof = ProofKind::kNone;
  StopReason stopped = StopReason::kNone;  // when not optimal: what stopped the search
  Schedule witness;
  std::vector<BoundAttempt> attempts;
  SolverStats stats;
  std::string unsat_by;        // with proof kUnsat: the solver that answered, "CaDiCaL" or
                               // "CryptoMiniSat 5.11.4" (race); BackUnsat's is CaDiCaL
  std::string confirmed_by;    // BackUnsat with confirm: the second solver, or empty
  double confirm_seconds = 0;  // its solve
};

// Errors: InvalidArgumentError (bad problem or placement), ResourceExhaustedError
// (formula over the limits, before solving: at once, or for an instance of at most
// kGeneratedBeyondTheLimits operations once its generated schedule is above the lower
// bound), InternalError (a witness rejected by the validator or simulator).
absl::StatusOr<OptimalResult> SolveOptimal(const Problem& problem, const SearchOptions& options);

// Instances of at most this many operations are generated (without the local search)
// even when their formula is over the limits: the generator may reach the lower bound, and then no
// formula is needed (causal n = 200 on 1 PE, 40,300 operations: OPTIMAL by the lower bound, where
// the formula would have 7.4 billion variables).
inline constexpr int64_t kGeneratedBeyondTheLimits = 1'000'000;

// The generator's schedule for the placement (nullopt: free; the generator chooses,
// T <= W), without its local search; and the search's lower bound for the placement.
absl::StatusOr<Schedule> UpperBoundSchedule(const Problem& problem,
                                            const std::optional<Placement>& placement);
int64_t SearchLowerBound(const Problem& problem, const std::optional<Placement>& placement);

// The local search's budget is spent in two parts: at most kQuickPlanEvaluations
// before any formula, and the rest only when SAT has not finished within kSatSlice of
// solving, so that instances SAT decides at once pay for neither (docs/sat-encoding.md).
// The second part may use at most half of the time left (HalfTimeLeft), the rest is
// SAT's.
inline constexpr int64_t kQuickPlanEvaluations = 5'000;
inline constexpr absl::Duration kSatSlice = absl::Seconds(1);
absl::Time HalfTimeLeft(absl::Time deadline);

// How hard the upper bound is searched: plans compiled at most, and when to stop.
struct UpperBoundEffort {
  int64_t plan_evaluations = kDefaultPlanEvaluations;
  absl::Time deadline = absl::InfiniteFuture();
  const CancelToken* cancel = nullptr;
};

// `start` improved by local search over plans (lib/algorithms/plan_search.h) until
// its makespan reaches `target` or the effort is spent; checked like a witness.
absl::StatusOr<Schedule> ImprovePlan(const Schedule& start, int64_t target,
                                     const UpperBoundEffort& effort);

// Checks a decoded witness with the validator and the simulator.
absl::Status CheckWitness(const Schedule& witness);

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_OPTIMAL_SEARCH_H_
