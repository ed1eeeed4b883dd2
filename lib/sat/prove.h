// Proofs of optimality for a given schedule (SPEC section 6):
//   OPTIMAL     its makespan T equals a lower bound (which one is named), or the
//               formula for makespan <= T - 1 with its placement is UNSAT;
//   IMPROVABLE  a schedule with makespan <= T - 1 exists (returned, validated): one
//               found without SAT for the same homes (the generated one, improved by
//               local search over plans, lib/algorithms/plan_search.h), or a SAT
//               witness;
//   UNKNOWN     a limit stopped the solver (the reason is named).
// With a proof path, the UNSAT answer comes from a fresh, non-incremental formula
// with horizon T - 1, whose DRAT proof CaDiCaL writes and checks online
// (checkproof): the answer's proof is then "drat_checked".
#ifndef ATTNSCHED_LIB_SAT_PROVE_H_
#define ATTNSCHED_LIB_SAT_PROVE_H_

#include <string>

#include "absl/status/statusor.h"
#include "lib/sat/optimal_search.h"
#include "lib/schedule/validator.h"

namespace attnsched::sat {

enum class ProofStatus { kOptimal, kImprovable, kUnknown };
absl::string_view ProofStatusName(ProofStatus s);  // "OPTIMAL", "IMPROVABLE", "UNKNOWN"

struct ProveOptions {
  std::string drat_path;  // empty: no DRAT proof
  // Solve the UNSAT formula again with CryptoMiniSat (confirm.h), within what is left
  // of time_limit after CaDiCaL's answer; an answer it does not confirm in time is
  // UNKNOWN, a disagreement an InternalError.
  bool confirm = false;
  // Race CryptoMiniSat against CaDiCaL (lib/sat/portfolio.h); off when a DRAT proof
  // or a confirmation is asked for, since both need CaDiCaL's own UNSAT answer, and
  // when two copies of the formula do not fit limits.max_bytes (FitsTwice).
  bool race = false;
  bool time_windows = true;
  bool symmetry_breaking = true;
  int64_t counting_stride = 1;  // EncodeOptions::counting_stride
  // Plans the local search for a better schedule compiles at most (0: none).
  int64_t plan_evaluations = kDefaultPlanEvaluations;
  EncodeLimits limits;
  int64_t max_operations = kDefaultMaxOperations;  // the validator's limit
  absl::Duration time_limit = absl::InfiniteDuration();
  const CancelToken* cancel = nullptr;
};

struct ProofResult {
  ProofStatus status = ProofStatus::kUnknown;
  int64_t makespan = 0;     // cycles, of the given schedule
  int64_t lower_bound = 0;  // cycles, LowerBounds::Max() for its placement
  ProofKind proof = ProofKind::kNone;
  std::string detail;  // which bound, the improvement, or the limit reached
  std::optional<Schedule> better;
  SolverStats stats;
  std::string unsat_by;        // with proof kUnsat or kDratChecked: the solver that answered
  std::string confirmed_by;    // with ProveOptions::confirm: the solver that agreed, or empty
  double confirm_seconds = 0;  // its solve
};

// Errors: InvalidArgumentError when the schedule is invalid (the violation is named:
// only valid schedules can be proven) or repeats events (CheckProvable),
// ResourceExhaustedError when SAT is needed and the formula is over the limits,
// InternalError for a witness the validator rejects.
absl::StatusOr<ProofResult> Prove(const Schedule& schedule, const ProveOptions& options);

// The check Prove makes before reading the events, in O(events) time and no memory:
// InvalidArgumentError for a bad problem or placement, or when the schedule has more
// events than any valid schedule of its instance and makespan T can have (one per SAT
// variable of an operation start or a transfer: V of EstimateSize at horizon T).
absl::Status CheckProvable(const Schedule& schedule);

// After SolveOptimal with `placement` (nullopt: free): when `result`'s proof is
// "unsat" and options ask for a DRAT proof or a confirmation, proves the same claim
// again, "no schedule with this placement (free: with any placement) has makespan <=
// makespan - 1", from a fresh formula: with options.drat_path its DRAT proof is
// checked by CaDiCaL and the proof becomes "drat_checked"; with options.confirm
// CryptoMiniSat solves it too and `confirmed_by` names it (not confirmed in time: the
// result is no longer optimal, stopped by the time limit). Any other result is left
// as it is. Errors as Prove, and InternalError when the two solvers disagree.
absl::Status BackUnsat(OptimalResult& result, const std::optional<Placement>& placement,
                       const ProveOptions& options);

// SolveOptimal(problem, options), then BackUnsat with `prove` (its drat_path and
// confirm; its time_limit and cancel are replaced): one time limit,
// options.time_limit, covers the search, the fresh formula's proof and the
// confirmation, which gets what the search left. Errors as SolveOptimal and BackUnsat.
absl::StatusOr<OptimalResult> SolveOptimalBacked(const Problem& problem,
                                                 const SearchOptions& options, ProveOptions prove);

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_PROVE_H_
