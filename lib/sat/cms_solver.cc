#include "lib/sat/cms_solver.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cryptominisat5/cryptominisat.h"

namespace attnsched::sat {
namespace {

CMSat::Lit LitOf(int literal) {
  return CMSat::Lit(static_cast<uint32_t>(std::abs(literal) - 1), literal < 0);
}

}  // namespace

CmsSolver::CmsSolver(const Cnf& cnf) : cnf_(cnf), solver_(std::make_unique<CMSat::SATSolver>()) {
  solver_->new_vars(static_cast<size_t>(cnf.num_vars()));
}

CmsSolver::~CmsSolver() = default;

std::string CmsSolver::Name() {
  return absl::StrCat("CryptoMiniSat ", CMSat::SATSolver::get_version());
}

absl::StatusOr<SatResult> CmsSolver::Solve(std::span<const int> assumptions,
                                           const SolveLimits& limits) {
  if (limits.max_conflicts >= 0) {
    return absl::InvalidArgumentError(
        "a conflict limit is CaDiCaL's only: CryptoMiniSat runs to its deadline");
  }
  stop_reason_ = Expired(limits, longest_stop_delay_);
  if (stop_reason_ == StopReason::kNone && loaded_ == 0) {  // the first clause sets up
    stop_reason_ = ExpiredBeforeSetup(limits, cnf_.num_vars(), kCmsVariablesPerSecond);
  }
  if (stop_reason_ == StopReason::kNone) {
    std::vector<CMSat::Lit> lits;
    stop_reason_ = LoadClauses(cnf_, limits, loaded_, [&](std::span<const int> clause) {
      lits.clear();
      for (int literal : clause) lits.push_back(LitOf(literal));
      solver_->add_clause(lits);
    });
  }
  if (stop_reason_ != StopReason::kNone) return SatResult::kUnknown;
  std::vector<CMSat::Lit> assume;
  assume.reserve(assumptions.size());
  for (int a : assumptions) assume.push_back(LitOf(a));
  std::atomic<bool> done{false};
  StopReason why = StopReason::kNone;  // written by the watcher, read after join
  absl::Time interrupted = absl::InfiniteFuture();
  std::thread watcher([&] {
    while (!done.load(std::memory_order_acquire)) {
      if (why == StopReason::kNone) {
        why = Expired(limits, longest_stop_delay_);
        if (why != StopReason::kNone) interrupted = absl::Now();
      }
      // Again and again: a solve that had not yet started would clear the flag.
      if (why != StopReason::kNone) solver_->interrupt_asap();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  const CMSat::lbool answer = solver_->solve(&assume);
  done.store(true, std::memory_order_release);
  watcher.join();
  if (why != StopReason::kNone) {
    longest_stop_delay_ = std::max(longest_stop_delay_, absl::Now() - interrupted);
  }
  if (answer == CMSat::l_True) return SatResult::kSat;
  if (answer == CMSat::l_False) return SatResult::kUnsat;
  if (why == StopReason::kNone) {
    return absl::InternalError("CryptoMiniSat stopped without an answer and without a limit");
  }
  stop_reason_ = why;
  return SatResult::kUnknown;
}

bool CmsSolver::Value(int var) const {
  return solver_->get_model()[static_cast<size_t>(var - 1)] == CMSat::l_True;
}

int64_t CmsSolver::conflicts() const { return static_cast<int64_t>(solver_->get_sum_conflicts()); }

}  // namespace attnsched::sat
