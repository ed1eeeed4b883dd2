// How a SAT search or proof ended, as enums (the service carries them as the enums
// ProofKind and StopReason of proto/attnsched/v1/scheduler.proto; the CLI prints
// their names).
#ifndef ATTNSCHED_LIB_SAT_OUTCOME_H_
#define ATTNSCHED_LIB_SAT_OUTCOME_H_

#include "absl/strings/string_view.h"

namespace attnsched::sat {

// What proves a makespan optimal.
enum class ProofKind {
  kNone,         // not proven
  kLowerBound,   // the makespan equals a lower bound (docs/model.md)
  kUnsat,        // makespan - 1 is UNSAT
  kDratChecked,  // kUnsat with a DRAT proof checked online by CaDiCaL
};
// "none", "lower_bound", "unsat", "drat_checked".
absl::string_view ProofKindName(ProofKind kind);

// Why a search stopped without an answer.
enum class StopReason {
  kNone,            // it did not stop early
  kTimeLimit,       // the time limit (--time-limit, or the RPC's)
  kConflictLimit,   // a conflict limit
  kCancelled,       // the caller cancelled
  kDeadline,        // the service stopped it at the client's deadline
  kServerShutdown,  // the service stopped it at the end of its shutdown grace
  kWorkerKilled,    // the service's SAT worker process was killed (out of memory?)
};
// "", "time limit", "conflict limit", "cancelled", "deadline", "server shutdown",
// "SAT worker killed".
absl::string_view StopReasonName(StopReason reason);

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_OUTCOME_H_
