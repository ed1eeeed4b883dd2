#include "lib/sat/portfolio.h"

#include <exception>
#include <thread>

#include "absl/strings/str_cat.h"

namespace attnsched::sat {
namespace {

bool Definitive(SatResult r) { return r != SatResult::kUnknown; }

}  // namespace

PortfolioSolver::PortfolioSolver(const Cnf& cnf, bool race, const std::string& drat_path)
    : first_(cnf, drat_path),
      second_(race && drat_path.empty() ? std::make_unique<CmsSolver>(cnf) : nullptr) {
  stats_ = first_.stats();
}

absl::StatusOr<SatResult> PortfolioSolver::Solve(std::span<const int> assumptions,
                                                 const SolveLimits& limits) {
  const absl::Time start = absl::Now();
  absl::StatusOr<SatResult> answer;
  second_answered_ = false;
  stop_reason_ = StopReason::kNone;
  if (second_ != nullptr && limits.max_conflicts < 0) {
    answer = Race(assumptions, limits);
  } else {
    answer = first_.Solve(assumptions, limits);
    if (!Definitive(*answer)) stop_reason_ = first_.stop_reason();
  }
  const int64_t second_conflicts = second_ != nullptr ? second_->conflicts() : 0;
  stats_.conflicts = first_.stats().conflicts + second_conflicts;
  stats_.seconds += absl::ToDoubleSeconds(absl::Now() - start);
  if (answer.ok() && Definitive(*answer)) {
    answered_by_ = second_answered_ ? CmsSolver::Name() : "CaDiCaL";
  }
  return answer;
}

absl::StatusOr<SatResult> PortfolioSolver::Race(std::span<const int> assumptions,
                                                const SolveLimits& limits) {
  CancelToken decided(limits.cancel);  // cancelled by the first definitive answer
  SolveLimits member = limits;
  member.cancel = &decided;
  absl::StatusOr<SatResult> second = SatResult::kUnknown;
  std::exception_ptr thrown;  // std::bad_alloc: rethrown here, where callers catch it
  std::thread thread([&] {
    try {
      second = second_->Solve(assumptions, member);
      if (second.ok() && Definitive(*second)) decided.Cancel();
    } catch (...) {
      thrown = std::current_exception();
      decided.Cancel();
    }
  });
  SatResult first = SatResult::kUnknown;
  try {
    first = first_.Solve(assumptions, member);
  } catch (...) {
    decided.Cancel();
    thread.join();
    throw;
  }
  if (Definitive(first)) decided.Cancel();
  thread.join();
  if (thrown) std::rethrow_exception(thrown);
  if (!second.ok()) return second.status();
  if (Definitive(first) && Definitive(*second) && first != *second) {
    return absl::InternalError(absl::StrCat(
        "CaDiCaL and ", CmsSolver::Name(), " disagree on one formula: CaDiCaL answered ",
        SatResultName(first), ", ", CmsSolver::Name(), " ", SatResultName(*second),
        " (a solver bug; please report it with the problem and options)"));
  }
  if (Definitive(first)) return first;
  if (Definitive(*second)) {
    second_answered_ = true;
    return *second;
  }
  // Neither answered: the caller's token, else CaDiCaL's own reason (its deadline).
  stop_reason_ = limits.cancel != nullptr && limits.cancel->cancelled() ? StopReason::kCancelled
                                                                        : first_.stop_reason();
  return SatResult::kUnknown;
}

bool PortfolioSolver::Value(int var) const {
  return second_answered_ ? second_->Value(var) : first_.Value(var);
}

}  // namespace attnsched::sat
