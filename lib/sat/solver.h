// A thin wrapper over CaDiCaL's C++ API (Debian libcadical-dev 1.5.3) for
// incremental solving under assumptions with deadlines and cancellation.
//
// States (as in cadical.hpp): Solve() may be called any number of times with
// different assumptions (learned clauses are kept between calls); Value() is valid
// only after Solve() returned kSat, until the next Solve(). The formula is loaded by
// the first Solve(), under its limits (LoadClauses): a deadline or a cancellation
// stops the load too, and the next Solve() goes on from where it stopped.
//
//   SatSolver solver(cnf);
//   if (solver.Solve({-makespan_above_35}, limits) == SatResult::kSat) solver.Value(v);
//
// A Solve() stops with kUnknown when the deadline passes, the CancelToken is
// cancelled or the conflict limit is reached; stop_reason() says which. Deadline
// and cancellation are polled by CaDiCaL's terminator: a few milliseconds apart in
// search, but CaDiCaL 1.5.3 does not poll inside an inprocessing round, which
// stretches the latency to about 250 ms on 10^5-variable formulas and 0.3-0.9 s on
// 10^6 clauses (docs/sat-encoding.md); the deadline is therefore met early, by the
// longest gap seen so far. Callers that need a hard bound run the solve in a process
// of its own and kill it, as the service does (server/sat_process.h). Not
// thread-safe, except CancelToken::Cancel(), which any thread may call.
#ifndef ATTNSCHED_LIB_SAT_SOLVER_H_
#define ATTNSCHED_LIB_SAT_SOLVER_H_

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/base/output_file.h"
#include "lib/sat/cnf.h"
#include "lib/sat/outcome.h"

namespace CaDiCaL {
class Solver;
}

namespace attnsched::sat {

class CancelToken {
 public:
  CancelToken() = default;
  // A token that is cancelled also when `parent` is (null: none); the portfolio
  // (lib/sat/portfolio.h) stops the loser of a race with one.
  explicit CancelToken(const CancelToken* parent) : parent_(parent) {}
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const {
    return cancelled_.load(std::memory_order_relaxed) ||
           (parent_ != nullptr && parent_->cancelled());
  }

 private:
  std::atomic<bool> cancelled_{false};
  const CancelToken* parent_ = nullptr;
};

struct SolveLimits {
  absl::Time deadline = absl::InfiniteFuture();
  int64_t max_conflicts = -1;           // per Solve(); -1 = none
  const CancelToken* cancel = nullptr;  // may be null
};

// Why work under `limits` must stop now, `early` before the deadline: kCancelled,
// kTimeLimit, or kNone (it need not).
StopReason Expired(const SolveLimits& limits, absl::Duration early = absl::ZeroDuration());

// Clauses loaded between two polls of the limits: about 3 ms of CaDiCaL's
// loading (1.3 million clauses per second measured on this
// machine's 1.7-million-clause formulas, causal n = 12, d = 2, 4 PEs), so that a
// loading solver keeps a deadline as closely as a solving one.
inline constexpr int64_t kLoadPollClauses = 4096;

// Each solver sets up its per-variable tables in one call that polls nothing:
// CaDiCaL in reserve(), CryptoMiniSat in the first add_clause(). For the 1.66-1.69
// million variables of causal n = 12, d = 4 on 4 PEs this machine takes 0.73-0.80 s
// for CaDiCaL (1.5 s with both cores busy) and 1.06-1.38 s for CryptoMiniSat
// (1.67-1.98 s busy). A solver's first Solve() sets its variables up only when its
// rate below (variables per second, a low estimate) says the setup ends before the
// deadline; otherwise that Solve() stops at once with kTimeLimit, and a later one
// sets them up.
inline constexpr int64_t kCadicalVariablesPerSecond = 800'000;
inline constexpr int64_t kCmsVariablesPerSecond = 600'000;

// Why setting up `num_vars` variables at `vars_per_second` must not start under
// `limits`: Expired(limits, the setup's estimated time), kNone when it may.
StopReason ExpiredBeforeSetup(const SolveLimits& limits, int num_vars, int64_t vars_per_second);

// Adds the clauses of `cnf` from literal index `cursor` (the start of a clause) on,
// each as add_clause(span of its literals, without the ending 0), and polls `limits`
// (Expired) before every kLoadPollClauses clauses. Returns kNone when all are added;
// otherwise why it stopped, with `cursor` at the first clause not added.
template <typename AddClause>
StopReason LoadClauses(const Cnf& cnf, const SolveLimits& limits, size_t& cursor,
                       AddClause add_clause) {
  const std::vector<int>& literals = cnf.literals();
  int64_t added = 0;
  while (cursor < literals.size()) {
    if (added++ % kLoadPollClauses == 0) {
      if (const StopReason why = Expired(limits); why != StopReason::kNone) return why;
    }
    size_t end = cursor;
    while (literals[end] != 0) ++end;
    add_clause(std::span<const int>(literals.data() + cursor, end - cursor));
    cursor = end + 1;
  }
  return StopReason::kNone;
}

enum class SatResult { kSat, kUnsat, kUnknown };
absl::string_view SatResultName(SatResult r);  // "SAT", "UNSAT", "UNKNOWN"

struct SolverStats {
  int64_t variables = 0;
  int64_t clauses = 0;
  int64_t conflicts = 0;  // learned clauses over all Solve() calls (CaDiCaL 1.5.3
                          // does not export its decision counter)
  double seconds = 0;     // wall time inside Solve()
};

class SatSolver {
 public:
  // A solver of `cnf`, which must outlive it (Solve() loads it). If `drat_path` is
  // not empty, CaDiCaL writes a text DRAT proof there and checks it online (option
  // checkproof); use a fresh solver and one Solve(). The proof appears at
  // `drat_path` only when CloseProof() succeeds (lib/base/output_file.h).
  explicit SatSolver(const Cnf& cnf, const std::string& drat_path = "");
  SatSolver(const Cnf&& cnf, const std::string& drat_path = "") = delete;
  ~SatSolver();
  SatSolver(const SatSolver&) = delete;
  SatSolver& operator=(const SatSolver&) = delete;

  // OK unless the DRAT file could not be opened.
  absl::Status status() const { return status_; }

  SatResult Solve(std::span<const int> assumptions, const SolveLimits& limits = {});
  bool Value(int var) const;
  // After kUnknown: kTimeLimit, kCancelled or kConflictLimit.
  StopReason stop_reason() const { return stop_reason_; }
  const SolverStats& stats() const { return stats_; }
  // Closes the DRAT proof after the UNSAT answer and publishes it at drat_path.
  // DataLossError when a write failed (a full disk, /dev/full): no file then.
  absl::Status CloseProof();

 private:
  class Limiter;
  class Counter;
  // Reserves the variables (once), then adds the clauses not yet added, under `limits`.
  StopReason Load(const SolveLimits& limits);

  const Cnf& cnf_;
  bool reserved_ = false;  // solver_->reserve(cnf_.num_vars()) done
  size_t loaded_ = 0;      // literals of cnf_ added to solver_
  std::unique_ptr<CaDiCaL::Solver> solver_;
  std::unique_ptr<Counter> counter_;
  std::unique_ptr<OutputFile> proof_;  // with drat_path
  FILE* proof_file_ = nullptr;         // proof_->write_path(), open until CloseProof
  absl::Status status_;
  SolverStats stats_;
  StopReason stop_reason_ = StopReason::kNone;
  absl::Duration longest_poll_gap_;  // between two terminator polls, over all Solve calls
};

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_SOLVER_H_
