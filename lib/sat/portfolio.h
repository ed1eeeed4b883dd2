// A portfolio of SAT solvers racing on one formula: CaDiCaL (lib/sat/solver.h) on the
// calling thread and, with `race`, CryptoMiniSat (lib/sat/cms_solver.h) on a second
// thread. Each Solve() returns the first definitive answer (SAT or UNSAT) either
// solver gives and stops the other; both keep their learned clauses for the next
// Solve(), so an incremental descent ("makespan <= T" under assumptions, lib/sat/
// optimal_search.h) runs on both. The portfolio approach and its rationale (solvers
// with different heuristics have uncorrelated run times on one instance, so the
// minimum of two is much smaller than either on hard instances): Hamadi, Jabbour and
// Sais, "ManySAT: a Parallel SAT Solver", JSAT 6 (2009); measured on our formulas in
// docs/sat-encoding.md ("Racing two solvers").
//
// Costs: two threads (two cores to gain anything) and two copies of the formula in
// memory. Results are sound whichever solver answers (a SAT answer's witness is
// checked by the caller as always), but which solver wins, and therefore which
// witness is found, depends on timing: a raced descent is not reproducible run to
// run, while its optimum is. Without `race` the portfolio is CaDiCaL alone, with no
// second thread, and deterministic. A conflict limit (SolveLimits::max_conflicts) is
// CaDiCaL's: a Solve() with one runs CaDiCaL alone. A DRAT proof (drat_path) is
// CaDiCaL's too (SatSolver): with one the portfolio never races, so that every UNSAT
// answer has its proof.
//
//   PortfolioSolver solver(encoding.cnf(), /*race=*/true);
//   ASSIGN_OR_RETURN(SatResult r, solver.Solve({-above_35}, limits));
//   if (r == SatResult::kSat) decode with solver.Value(v); solver.answered_by() names who.
#ifndef ATTNSCHED_LIB_SAT_PORTFOLIO_H_
#define ATTNSCHED_LIB_SAT_PORTFOLIO_H_

#include <memory>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "lib/sat/cms_solver.h"
#include "lib/sat/solver.h"

namespace attnsched::sat {

class PortfolioSolver {
 public:
  // `race`: CryptoMiniSat too, unless `drat_path` is set (SatSolver's constructor).
  // `cnf` must outlive the solver: each member loads it in its first Solve(), so in
  // a race CryptoMiniSat loads on its own thread while CaDiCaL loads and solves.
  PortfolioSolver(const Cnf& cnf, bool race, const std::string& drat_path = "");
  PortfolioSolver(const Cnf&& cnf, bool race, const std::string& drat_path = "") = delete;

  // OK unless the DRAT file could not be opened (SatSolver::status()).
  absl::Status status() const { return first_.status(); }

  // The first definitive answer, or kUnknown when the deadline passed or the token
  // was cancelled before either solver answered (stop_reason()). InternalError when
  // both answered and disagree (a solver bug: the message says which said what). An
  // exception of either member (std::bad_alloc) stops the other and is rethrown on
  // the calling thread.
  absl::StatusOr<SatResult> Solve(std::span<const int> assumptions, const SolveLimits& limits);
  // After kSat: the value in the model of the solver that answered.
  bool Value(int var) const;
  StopReason stop_reason() const { return stop_reason_; }
  // The formula's size, the conflicts of both solvers and the wall time inside Solve().
  const SolverStats& stats() const { return stats_; }
  // The solver whose answer the last definitive Solve() returned: "CaDiCaL" or
  // "CryptoMiniSat 5.11.4".
  const std::string& answered_by() const { return answered_by_; }
  bool racing() const { return second_ != nullptr; }
  // Publishes the DRAT proof after an UNSAT answer (SatSolver::CloseProof()).
  absl::Status CloseProof() { return first_.CloseProof(); }

 private:
  absl::StatusOr<SatResult> Race(std::span<const int> assumptions, const SolveLimits& limits);

  SatSolver first_;
  std::unique_ptr<CmsSolver> second_;  // with race
  bool second_answered_ = false;       // the last answer was the second's
  StopReason stop_reason_ = StopReason::kNone;
  SolverStats stats_;
  std::string answered_by_;
};

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_PORTFOLIO_H_
