#include "lib/sat/outcome.h"

namespace attnsched::sat {

absl::string_view ProofKindName(ProofKind kind) {
  switch (kind) {
    case ProofKind::kNone: return "none";
    case ProofKind::kLowerBound: return "lower_bound";
    case ProofKind::kUnsat: return "unsat";
    case ProofKind::kDratChecked: return "drat_checked";
  }
  return "none";
}

absl::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kNone: return "";
    case StopReason::kTimeLimit: return "time limit";
    case StopReason::kConflictLimit: return "conflict limit";
    case StopReason::kCancelled: return "cancelled";
    case StopReason::kDeadline: return "deadline";
    case StopReason::kServerShutdown: return "server shutdown";
    case StopReason::kWorkerKilled: return "SAT worker killed";
  }
  return "";
}

}  // namespace attnsched::sat
