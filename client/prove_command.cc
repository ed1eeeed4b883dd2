#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/remote.h"
#include "client/report.h"
#include "lib/export/schedule_json.h"
#include "lib/sat/prove.h"
#include "nlohmann/json.hpp"

namespace attnsched::cli {

int RunProve(const Invocation& call) {
  absl::StatusOr<Schedule> schedule =
      ReadScheduleOperand("prove", call,
                          {"proof", "confirm", "time_limit", "json", "out", "max_events",
                           "max_operations", "server", "tls_ca", "deadline", "max_sat_variables",
                           "max_sat_clauses", "max_sat_memory", "plan_evaluations", "race"});
  if (!schedule.ok()) return ReportError("prove", schedule.status());
  sat::ProveOptions options;
  options.drat_path = absl::GetFlag(FLAGS_proof);
  options.confirm = absl::GetFlag(FLAGS_confirm);
  options.time_limit = absl::Seconds(absl::GetFlag(FLAGS_time_limit));
  options.max_operations = absl::GetFlag(FLAGS_max_operations);
  absl::StatusOr<sat::EncodeLimits> limits = SatLimitsFlags();
  if (!limits.ok()) return ReportError("prove", limits.status());
  options.limits = *limits;
  options.plan_evaluations = absl::GetFlag(FLAGS_plan_evaluations);
  options.race = absl::GetFlag(FLAGS_race);
  const absl::Status flags = CheckSatFlags(
      "prove", call, {{"out", absl::GetFlag(FLAGS_out)}, {"proof", options.drat_path}});
  if (!flags.ok()) {
    return ReportError("prove", flags);
  }
  absl::StatusOr<sat::ProofResult> r =
      Remote() ? RemoteProve(*schedule, absl::GetFlag(FLAGS_time_limit), options.confirm)
               : sat::Prove(*schedule, options);
  if (!r.ok()) return ReportError("prove", r.status());
  const std::string out = absl::GetFlag(FLAGS_out);
  absl::Status written = r->better && !out.empty() ? WriteScheduleTo(*r->better, "--out", out)
                                                   : RemoveStaleOutput("out", out);
  if (written.ok() && r->proof != sat::ProofKind::kDratChecked) {
    written = RemoveStaleOutput("proof", options.drat_path);
  }
  if (!written.ok()) return ReportError("prove", written);
  const std::string status(sat::ProofStatusName(r->status));
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << nlohmann::json{{"status", status},
                                {"optimal", r->status == sat::ProofStatus::kOptimal},
                                {"makespan_cycles", r->makespan},
                                {"lower_bound_cycles", r->lower_bound},
                                {"proof", sat::ProofKindName(r->proof)},
                                {"detail", r->detail},
                                {"solve_seconds", r->stats.seconds},
                                {"variables", r->stats.variables},
                                {"clauses", r->stats.clauses},
                                {"conflicts", r->stats.conflicts},
                                {"unsat_by", OrNull(r->unsat_by)},
                                {"confirmed_by", OrNull(r->confirmed_by)},
                                {"confirm_seconds", r->confirm_seconds}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << absl::StrFormat("  status      %s\n  makespan    %d cycles (lower bound %d)\n"
                                 "  proof       %s: %s\n",
                                 status, r->makespan, r->lower_bound,
                                 sat::ProofKindName(r->proof), r->detail);
    if (options.confirm) std::cout << ConfirmationLine(r->confirmed_by, r->confirm_seconds);
  }
  switch (r->status) {
    case sat::ProofStatus::kOptimal: return kExitOk;
    case sat::ProofStatus::kImprovable: return kExitInvalid;
    case sat::ProofStatus::kUnknown: return kExitUnknown;
  }
  return kExitUnknown;
}

}  // namespace attnsched::cli
