// SAT results between the library (lib/sat) and the service (scheduler.proto).
#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "attnsched/v1/convert.h"
#include "lib/status_macros.h"

namespace attnsched::rpc {
namespace {

// One table per enum: library value, proto value. FromProto of anything else
// (unspecified, or a value newer than this build) is an error naming `field`.
template <typename Lib, typename Proto, size_t N>
Proto ToProto(const std::array<std::pair<Lib, Proto>, N>& table, Lib value) {
  for (const auto& [lib, proto] : table) {
    if (lib == value) return proto;
  }
  return table.front().second;
}

template <typename Lib, typename Proto, size_t N>
absl::StatusOr<Lib> FromProto(const std::array<std::pair<Lib, Proto>, N>& table, Proto value,
                              absl::string_view field) {
  for (const auto& [lib, proto] : table) {
    if (proto == value) return lib;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, " = ", static_cast<int>(value), ": not a known value"));
}

constexpr std::array kAnswers = {
    std::pair{sat::SatResult::kSat, v1::SAT_ANSWER_SAT},
    std::pair{sat::SatResult::kUnsat, v1::SAT_ANSWER_UNSAT},
    std::pair{sat::SatResult::kUnknown, v1::SAT_ANSWER_UNKNOWN},
};
constexpr std::array kProofKinds = {
    std::pair{sat::ProofKind::kNone, v1::PROOF_KIND_NONE},
    std::pair{sat::ProofKind::kLowerBound, v1::PROOF_KIND_LOWER_BOUND},
    std::pair{sat::ProofKind::kUnsat, v1::PROOF_KIND_UNSAT},
    std::pair{sat::ProofKind::kDratChecked, v1::PROOF_KIND_DRAT_CHECKED},
};
// kNone first: it is what STOP_REASON_UNSPECIFIED means.
constexpr std::array kStopReasons = {
    std::pair{sat::StopReason::kNone, v1::STOP_REASON_UNSPECIFIED},
    std::pair{sat::StopReason::kTimeLimit, v1::STOP_REASON_TIME_LIMIT},
    std::pair{sat::StopReason::kConflictLimit, v1::STOP_REASON_CONFLICT_LIMIT},
    std::pair{sat::StopReason::kCancelled, v1::STOP_REASON_CANCELLED},
    std::pair{sat::StopReason::kDeadline, v1::STOP_REASON_DEADLINE},
    std::pair{sat::StopReason::kServerShutdown, v1::STOP_REASON_SERVER_SHUTDOWN},
    std::pair{sat::StopReason::kWorkerKilled, v1::STOP_REASON_WORKER_KILLED},
};
constexpr std::array kProveStatuses = {
    std::pair{sat::ProofStatus::kOptimal, v1::ProveResponse::STATUS_OPTIMAL},
    std::pair{sat::ProofStatus::kImprovable, v1::ProveResponse::STATUS_IMPROVABLE},
    std::pair{sat::ProofStatus::kUnknown, v1::ProveResponse::STATUS_UNKNOWN},
};

}  // namespace

void AttemptToProto(const sat::BoundAttempt& a, v1::SolveProgress::Attempt* proto) {
  proto->set_bound_cycles(a.bound);
  proto->set_answer(ToProto(kAnswers, a.result));
  proto->set_seconds(a.seconds);
}

absl::StatusOr<sat::BoundAttempt> AttemptFromProto(const v1::SolveProgress::Attempt& proto) {
  ASSIGN_OR_RETURN(const sat::SatResult answer,
                   FromProto(kAnswers, proto.answer(), "attempt.answer"));
  return sat::BoundAttempt{proto.bound_cycles(), answer, proto.seconds()};
}

void SolveResultToProto(const sat::OptimalResult& r, v1::SolveResult* proto) {
  proto->set_status(r.optimal ? v1::SolveResult::STATUS_OPTIMAL : v1::SolveResult::STATUS_UNKNOWN);
  proto->set_optimal(r.optimal);
  proto->set_makespan_cycles(r.makespan);
  proto->set_lower_bound_cycles(r.lower_bound);
  proto->set_upper_bound_cycles(r.upper_bound);
  proto->set_proof(ToProto(kProofKinds, r.proof));
  proto->set_stop_reason(ToProto(kStopReasons, r.stopped));
  proto->set_solve_seconds(r.stats.seconds);
  proto->set_variables(r.stats.variables);
  proto->set_clauses(r.stats.clauses);
  proto->set_conflicts(r.stats.conflicts);
  ScheduleToProto(r.witness, proto->mutable_witness());
  proto->set_confirmed_by(r.confirmed_by);
  proto->set_confirm_seconds(r.confirm_seconds);
  proto->set_unsat_by(r.unsat_by);
}

absl::StatusOr<sat::OptimalResult> SolveResultFromProto(const v1::SolveResult& proto) {
  sat::OptimalResult r;
  r.optimal = proto.status() == v1::SolveResult::STATUS_OPTIMAL;
  if (r.optimal != proto.optimal() || proto.status() == v1::SolveResult::STATUS_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "result.status = ", v1::SolveResult::Status_Name(proto.status()),
        ": must be STATUS_OPTIMAL or STATUS_UNKNOWN and agree with result.optimal"));
  }
  r.makespan = proto.makespan_cycles();
  r.lower_bound = proto.lower_bound_cycles();
  r.upper_bound = proto.upper_bound_cycles();
  ASSIGN_OR_RETURN(r.proof, FromProto(kProofKinds, proto.proof(), "result.proof"));
  ASSIGN_OR_RETURN(r.stopped, FromProto(kStopReasons, proto.stop_reason(), "result.stop_reason"));
  r.stats = {proto.variables(), proto.clauses(), proto.conflicts(), proto.solve_seconds()};
  ASSIGN_OR_RETURN(r.witness, ScheduleFromProto(proto.witness()));
  r.confirmed_by = proto.confirmed_by();
  r.confirm_seconds = proto.confirm_seconds();
  r.unsat_by = proto.unsat_by();
  return r;
}

void ProveResultToProto(const sat::ProofResult& r, v1::ProveResponse* proto) {
  proto->set_status(ToProto(kProveStatuses, r.status));
  proto->set_optimal(r.status == sat::ProofStatus::kOptimal);
  proto->set_makespan_cycles(r.makespan);
  proto->set_lower_bound_cycles(r.lower_bound);
  proto->set_proof(ToProto(kProofKinds, r.proof));
  proto->set_detail(r.detail);
  proto->set_solve_seconds(r.stats.seconds);
  proto->set_variables(r.stats.variables);
  proto->set_clauses(r.stats.clauses);
  proto->set_conflicts(r.stats.conflicts);
  if (r.better) ScheduleToProto(*r.better, proto->mutable_better());
  proto->set_confirmed_by(r.confirmed_by);
  proto->set_confirm_seconds(r.confirm_seconds);
  proto->set_unsat_by(r.unsat_by);
}

absl::StatusOr<sat::ProofResult> ProveResultFromProto(const v1::ProveResponse& proto) {
  sat::ProofResult r;
  ASSIGN_OR_RETURN(r.status, FromProto(kProveStatuses, proto.status(), "status"));
  r.makespan = proto.makespan_cycles();
  r.lower_bound = proto.lower_bound_cycles();
  ASSIGN_OR_RETURN(r.proof, FromProto(kProofKinds, proto.proof(), "proof"));
  r.detail = proto.detail();
  r.stats = {proto.variables(), proto.clauses(), proto.conflicts(), proto.solve_seconds()};
  r.confirmed_by = proto.confirmed_by();
  r.confirm_seconds = proto.confirm_seconds();
  r.unsat_by = proto.unsat_by();
  if (proto.has_better()) {
    ASSIGN_OR_RETURN(r.better, ScheduleFromProto(proto.better()));
  }
  return r;
}

}  // namespace attnsched::rpc
