#include "lib/sat/solver.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "cadical.hpp"

namespace attnsched::sat {

// Stops the search on cancellation, and at the deadline less the longest stretch
// seen so far between two of CaDiCaL's polls (over all Solve calls of the solver,
// `longest_gap`): its inprocessing can run for hundreds of milliseconds on large
// formulas without polling (0.3-0.9 s measured at 1-2 million clauses), so waiting
// for the deadline itself overran it by that much.
class SatSolver::Limiter : public CaDiCaL::Terminator {
 public:
  Limiter(const SolveLimits& limits, absl::Duration& longest_gap)
      : limits_(limits), longest_gap_(longest_gap) {}
  bool terminate() override {
    if (limits_.cancel != nullptr && limits_.cancel->cancelled()) {
      reason_ = StopReason::kCancelled;
      return true;
    }
    const absl::Time now = absl::Now();
    longest_gap_ = std::max(longest_gap_, now - last_poll_);
    last_poll_ = now;
    if (now + longest_gap_ >= limits_.deadline) {
      reason_ = StopReason::kTimeLimit;
      return true;
    }
    return false;
  }
  StopReason reason() const { return reason_; }

 private:
  const SolveLimits& limits_;
  StopReason reason_ = StopReason::kNone;
  absl::Time last_poll_ = absl::Now();
  absl::Duration& longest_gap_;
};

// Counts learned clauses (one per conflict) without copying them.
class SatSolver::Counter : public CaDiCaL::Learner {
 public:
  bool learning(int) override {
    ++learned;
    return false;
  }
  void learn(int) override {}
  int64_t learned = 0;
};

StopReason Expired(const SolveLimits& limits, absl::Duration early) {
  if (limits.cancel != nullptr && limits.cancel->cancelled()) return StopReason::kCancelled;
  if (absl::Now() + early >= limits.deadline) return StopReason::kTimeLimit;
  return StopReason::kNone;
}

StopReason ExpiredBeforeSetup(const SolveLimits& limits, int num_vars, int64_t vars_per_second) {
  return Expired(limits, absl::Seconds(num_vars) / vars_per_second);
}

absl::string_view SatResultName(SatResult r) {
  switch (r) {
    case SatResult::kSat: return "SAT";
    case SatResult::kUnsat: return "UNSAT";
    case SatResult::kUnknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

SatSolver::SatSolver(const Cnf& cnf, const std::string& drat_path)
    : cnf_(cnf),
      solver_(std::make_unique<CaDiCaL::Solver>()),
      counter_(std::make_unique<Counter>()) {
  solver_->set("quiet", 1);          // CaDiCaL reports on stdout otherwise
  solver_->set("terminateint", 1);   // poll the terminator at every chance (see solver.h)
  if (!drat_path.empty()) {
    // The proof goes to a FILE of ours, so that its write errors are seen (CaDiCaL
    // ignores them) and a partial proof is never published (OutputFile).
    absl::StatusOr<OutputFile> output = OutputFile::Create("--proof", drat_path);
    if (!output.ok()) {
      status_ = output.status();
      return;
    }
    proof_ = std::make_unique<OutputFile>(*std::move(output));
    proof_file_ = std::fopen(proof_->write_path().c_str(), "w");
    if (proof_file_ == nullptr) {
      status_ = absl::InvalidArgumentError(absl::StrCat(
          "--proof = ", drat_path, ": cannot be opened for writing (", std::strerror(errno),
          "); give a writable path"));
      return;
    }
    solver_->set("binary", 0);
    solver_->set("checkproof", 1);
    solver_->trace_proof(proof_file_, drat_path.c_str());
  }
  solver_->connect_learner(counter_.get());
  stats_.variables = cnf.num_vars();
  stats_.clauses = cnf.num_clauses();
}

SatSolver::~SatSolver() {
  solver_.reset();  // CaDiCaL's tracer writes to proof_file_ until it is deleted
  if (proof_file_ != nullptr) std::fclose(proof_file_);
}

StopReason SatSolver::Load(const SolveLimits& limits) {
  if (!reserved_) {
    const StopReason why = ExpiredBeforeSetup(limits, cnf_.num_vars(), kCadicalVariablesPerSecond);
    if (why != StopReason::kNone) return why;
    solver_->reserve(cnf_.num_vars());
    reserved_ = true;
  }
  return LoadClauses(cnf_, limits, loaded_, [this](std::span<const int> clause) {
    for (int lit : clause) solver_->add(lit);
    solver_->add(0);
  });
}

SatResult SatSolver::Solve(std::span<const int> assumptions, const SolveLimits& limits) {
  stop_reason_ = Expired(limits);
  if (stop_reason_ == StopReason::kNone) stop_reason_ = Load(limits);
  if (stop_reason_ != StopReason::kNone) return SatResult::kUnknown;
  Limiter limiter(limits, longest_poll_gap_);
  solver_->connect_terminator(&limiter);
  if (limits.max_conflicts >= 0) {
    solver_->limit("conflicts", static_cast<int>(std::min<int64_t>(limits.max_conflicts, 1 << 30)));
  }
  for (int lit : assumptions) solver_->assume(lit);
  const absl::Time start = absl::Now();
  const int result = solver_->solve();
  stats_.seconds += absl::ToDoubleSeconds(absl::Now() - start);
  solver_->disconnect_terminator();
  stats_.conflicts = counter_->learned;
  if (result == 10) return SatResult::kSat;
  if (result == 20) return SatResult::kUnsat;
  stop_reason_ =
      limiter.reason() == StopReason::kNone ? StopReason::kConflictLimit : limiter.reason();
  return SatResult::kUnknown;
}

bool SatSolver::Value(int var) const { return solver_->val(var) > 0; }

absl::Status SatSolver::CloseProof() {
  if (proof_file_ == nullptr) return absl::OkStatus();
  solver_->close_proof_trace();
  errno = 0;
  const bool flushed = std::fflush(proof_file_) == 0 && std::ferror(proof_file_) == 0;
  const bool closed = std::fclose(proof_file_) == 0;
  proof_file_ = nullptr;
  return proof_->Commit(flushed && closed);
}

}  // namespace attnsched::sat
