// CryptoMiniSat 5 (Debian libcryptominisat5-dev, through its C++ API,
// cryptominisat5/cryptominisat.h; Soos, Nohl and Castelluccia, SAT 2009) behind the
// same interface as SatSolver (lib/sat/solver.h): the first Solve() loads the Cnf
// under its limits (LoadClauses), once kCmsVariablesPerSecond says the variables' setup
// ends before the deadline; Solve() runs under assumptions any number of times
// (learned clauses are kept between calls); Value() after a kSat answer. Used as the
// second member of the portfolio (lib/sat/portfolio.h) and as the confirming solver
// (lib/sat/confirm.h).
//
// Deadline and cancellation: CryptoMiniSat has no terminator callback, so Solve()
// runs a watcher thread that calls interrupt_asap() (again every millisecond until
// the solve returns: CryptoMiniSat clears the flag when a solve starts) once the
// deadline passes or the CancelToken is cancelled. CryptoMiniSat does not look at the
// flag inside some of its inprocessing, so a solve can run on for a while after it:
// as SatSolver does for CaDiCaL's polls, the deadline is met early, by the longest
// delay seen so far between an interrupt and the solve's return. A conflict limit
// (SolveLimits::max_conflicts) is not supported: InvalidArgumentError.
// Not thread-safe, except that any thread may cancel the token it was given.
#ifndef ATTNSCHED_LIB_SAT_CMS_SOLVER_H_
#define ATTNSCHED_LIB_SAT_CMS_SOLVER_H_

#include <memory>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/sat/cnf.h"
#include "lib/sat/outcome.h"
#include "lib/sat/solver.h"

namespace CMSat {
class SATSolver;
}

namespace attnsched::sat {

class CmsSolver {
 public:
  // A solver of `cnf`, which must outlive it (Solve() loads it).
  explicit CmsSolver(const Cnf& cnf);
  explicit CmsSolver(const Cnf&& cnf) = delete;
  ~CmsSolver();
  CmsSolver(const CmsSolver&) = delete;
  CmsSolver& operator=(const CmsSolver&) = delete;

  // kUnknown when the deadline passed or the token was cancelled (stop_reason()).
  // InvalidArgumentError for a conflict limit.
  absl::StatusOr<SatResult> Solve(std::span<const int> assumptions, const SolveLimits& limits);
  bool Value(int var) const;  // after kSat; var in [1, num_vars]
  StopReason stop_reason() const { return stop_reason_; }
  int64_t conflicts() const;  // over all Solve() calls

  // "CryptoMiniSat 5.11.4".
  static std::string Name();

 private:
  const Cnf& cnf_;
  size_t loaded_ = 0;  // literals of cnf_ added to solver_
  std::unique_ptr<CMSat::SATSolver> solver_;
  StopReason stop_reason_ = StopReason::kNone;
  absl::Duration longest_stop_delay_;  // from an interrupt to the return, over all Solve calls
};

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_CMS_SOLVER_H_
