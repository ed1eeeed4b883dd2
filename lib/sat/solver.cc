#include "lib/sat/solver.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "cadical.hpp"

namespace attnsched::sat {

// Stops the search at the deadline or on cancellation.
class SatSolver::Limiter : public CaDiCaL::Terminator {
 public:
  explicit Limiter(const SolveLimits& limits) : limits_(limits) {}
  bool terminate() override {
    if (limits_.cancel != nullptr && limits_.cancel->cancelled()) {
      reason_ = "cancelled";
      return true;
    }
    if (absl::Now() >= limits_.deadline) {
      reason_ = "time limit";
      return true;
    }
    return false;
  }
  const std::string& reason() const { return reason_; }

 private:
  const SolveLimits& limits_;
  std::string reason_;
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

absl::string_view SatResultName(SatResult r) {
  switch (r) {
    case SatResult::kSat: return "SAT";
    case SatResult::kUnsat: return "UNSAT";
    case SatResult::kUnknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

SatSolver::SatSolver(const Cnf& cnf, const std::string& drat_path)
    : solver_(std::make_unique<CaDiCaL::Solver>()), counter_(std::make_unique<Counter>()) {
  solver_->set("quiet", 1);          // CaDiCaL reports on stdout otherwise
  solver_->set("terminateint", 1);   // poll the terminator at every chance (see solver.h)
  if (!drat_path.empty()) {
    // CaDiCaL 1.5.3 keeps a tracer without a file when trace_proof fails and then
    // crashes on the first clause, so the file is tried here first.
    FILE* file = std::fopen(drat_path.c_str(), "w");
    if (file == nullptr) {
      status_ = absl::InvalidArgumentError(absl::StrCat(
          "proof file ", drat_path, ": cannot be opened for writing (", std::strerror(errno),
          "); give a writable path to --proof"));
      return;
    }
    std::fclose(file);
    solver_->set("binary", 0);
    solver_->set("checkproof", 1);
    if (!solver_->trace_proof(drat_path.c_str())) {
      status_ = absl::InvalidArgumentError(
          absl::StrCat("proof file ", drat_path, ": cannot be opened for writing"));
      return;
    }
  }
  solver_->reserve(cnf.num_vars());
  for (int lit : cnf.literals()) solver_->add(lit);
  solver_->connect_learner(counter_.get());
  stats_.variables = cnf.num_vars();
  stats_.clauses = cnf.num_clauses();
}

SatSolver::~SatSolver() = default;

SatResult SatSolver::Solve(std::span<const int> assumptions, const SolveLimits& limits) {
  unknown_reason_.clear();
  if (limits.cancel != nullptr && limits.cancel->cancelled()) {
    unknown_reason_ = "cancelled";
    return SatResult::kUnknown;
  }
  Limiter limiter(limits);
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
  unknown_reason_ = limiter.reason().empty() ? "conflict limit" : limiter.reason();
  return SatResult::kUnknown;
}

bool SatSolver::Value(int var) const { return solver_->val(var) > 0; }

void SatSolver::CloseProof() { solver_->close_proof_trace(); }

}  // namespace attnsched::sat
