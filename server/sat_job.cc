#include "server/sat_job.h"

#include "absl/strings/str_cat.h"
#include "attnsched/v1/convert.h"
#include "lib/sat/prove.h"
#include "lib/model/heads.h"
#include "lib/status_macros.h"

namespace attnsched::server {
namespace {

using internal::SatJob;
using internal::SatJobOutput;
using Emit = std::function<void(const SatJobOutput&)>;

sat::EncodeLimits LimitsOf(const SatJob& job) {
  // max_bytes 0 (unset): the library's default.
  return sat::EncodeLimits{job.max_variables(), job.max_clauses(),
                           job.max_bytes() > 0 ? job.max_bytes() : sat::EncodeLimits{}.max_bytes};
}

// Emits each bound tried, and each best schedule so far as a provisional result
// (UNKNOWN; the first one's makespan is the upper bound). The callbacks run only
// after SolveOptimal has validated the problem and placement.
void ReportProgress(const Problem& problem, const Emit& emit, sat::SearchOptions& options) {
  options.on_progress = [&emit](const sat::BoundAttempt& a) {
    SatJobOutput out;
    rpc::AttemptToProto(a, out.mutable_attempt());
    emit(out);
  };
  options.on_witness = [&emit, &problem, placement = options.placement,
                        upper_bound = int64_t{-1}](const Schedule& best) mutable {
    if (upper_bound < 0) upper_bound = Makespan(best);
    sat::OptimalResult so_far;
    so_far.lower_bound = sat::SearchLowerBound(problem, placement);
    so_far.upper_bound = upper_bound;
    so_far.makespan = Makespan(best);
    so_far.witness = best;
    SatJobOutput out;
    rpc::SolveResultToProto(so_far, out.mutable_provisional());
    emit(out);
  };
}

absl::Status Solve(const SatJob& job, const Emit& emit) {
  const v1::SolveRequest& request = job.solve();
  ASSIGN_OR_RETURN(const Problem problem, rpc::ProblemFromProto(request.problem()));
  sat::SearchOptions options;
  if (!request.placement().empty()) {
    ASSIGN_OR_RETURN(options.placement,
                     CheckedLayerPlacement(problem.instance,
                                           Placement(request.placement().begin(),
                                                     request.placement().end()),
                                           problem.pes()));
  }
  options.limits = LimitsOf(job);
  options.plan_evaluations = job.plan_evaluations();
  options.race = job.race();
  options.time_limit = absl::Seconds(job.time_limit_seconds());
  ReportProgress(problem, emit, options);
  sat::ProveOptions prove;
  if (request.drat_proof()) prove.drat_path = job.drat_path();
  prove.confirm = request.confirm();
  prove.limits = options.limits;
  ASSIGN_OR_RETURN(sat::OptimalResult r, sat::SolveOptimalBacked(problem, options, prove));
  SatJobOutput output;
  rpc::SolveResultToProto(r, output.mutable_solve_result());
  emit(output);
  return absl::OkStatus();
}

absl::Status Prove(const SatJob& job, const Emit& emit) {
  ASSIGN_OR_RETURN(const Schedule schedule, rpc::ScheduleFromProto(job.prove().schedule()));
  sat::ProveOptions options;
  options.limits = LimitsOf(job);
  options.plan_evaluations = job.plan_evaluations();
  options.race = job.race();
  options.time_limit = absl::Seconds(job.time_limit_seconds());
  if (job.prove().drat_proof()) options.drat_path = job.drat_path();
  options.confirm = job.prove().confirm();
  ASSIGN_OR_RETURN(sat::ProofResult r, sat::Prove(schedule, options));
  if (r.proof == sat::ProofKind::kDratChecked) {
    r.detail = absl::StrCat("makespan <= ", r.makespan - 1,
                            " is UNSAT (DRAT proof checked online by CaDiCaL in the server, "
                            "which keeps no proof files)");
  }
  SatJobOutput output;
  rpc::ProveResultToProto(r, output.mutable_prove_result());
  emit(output);
  return absl::OkStatus();
}

}  // namespace

void RunSatJob(const SatJob& job, const Emit& emit) {
  absl::Status status;
  switch (job.job_case()) {
    case SatJob::kSolve: status = Solve(job, emit); break;
    case SatJob::kProve: status = Prove(job, emit); break;
    default: status = absl::InvalidArgumentError("the SAT job names neither solve nor prove");
  }
  if (status.ok()) return;
  SatJobOutput out;
  out.mutable_error()->set_code(static_cast<int>(status.code()));
  out.mutable_error()->set_message(std::string(status.message()));
  emit(out);
}

}  // namespace attnsched::server
