#include <unistd.h>

#include <fstream>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/problem_flags.h"
#include "client/remote.h"
#include "client/report.h"
#include "lib/algorithms/generator.h"
#include "lib/export/schedule_json.h"
#include "lib/sat/optimal_search.h"
#include "lib/sat/prove.h"
#include "lib/model/heads.h"
#include "lib/status_macros.h"
#include "nlohmann/json.hpp"

namespace attnsched::cli {
namespace {

// --placement: nullopt for "free"; "generator" for the generator's own homes.
absl::StatusOr<std::optional<Placement>> PlacementFromFlag(const Problem& p) {
  if (absl::GetFlag(FLAGS_placement) == "generator") {
    GenerateOptions options;
    options.search_events = 0;
    ASSIGN_OR_RETURN(const Generated g, Generate(p, options));
    return g.events->placement();
  }
  ASSIGN_OR_RETURN(const std::optional<PlacementSpec> spec, PlacementSpecFromFlag());
  if (!spec) return std::nullopt;
  return MakeLayerPlacement(*spec, p.instance, p.pes());
}

std::string PlacementName(const std::optional<Placement>& placement) {
  return placement ? absl::GetFlag(FLAGS_placement) : "free";
}

void PrintProgress(const sat::BoundAttempt& a) {
  std::cerr << absl::StrFormat("  makespan <= %d: %s (%.2f s)\n", a.bound,
                               sat::SatResultName(a.result), a.seconds);
}

absl::Status WriteDimacs(const Problem& p, const std::optional<Placement>& placement,
                         int64_t makespan, const std::string& path) {
  const int64_t bound = std::max<int64_t>(makespan - 1, 1);
  ASSIGN_OR_RETURN(const sat::Encoding e,
                   sat::Encode(p, sat::EncodeOptions{bound, placement, true, true, false}));
  return WriteOutput("--dimacs", path, [&](std::ostream& out) {
    return e.cnf().WriteDimacs(
        out, absl::StrFormat("attnsched: %s, placement %s\nsatisfiable iff a schedule with "
                             "makespan <= %d cycles exists (docs/sat-encoding.md)",
                             Describe(p), PlacementName(placement), bound));
  });
}

nlohmann::json ResultJson(const Problem& p, const std::optional<Placement>& placement,
                          const sat::OptimalResult& r) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const sat::BoundAttempt& a : r.attempts) {
    attempts.push_back(
        {{"bound_cycles", a.bound}, {"answer", sat::SatResultName(a.result)}, {"seconds", a.seconds}});
  }
  nlohmann::json j = InstanceJson(p.instance);
  j.update({{"pes", p.pes()},
            {"placement", PlacementName(placement)},
            {"homes", r.witness.placement},
            {"status", r.optimal ? "OPTIMAL" : "UNKNOWN"},
            {"optimal", r.optimal},
            {"makespan_cycles", r.makespan},
            {"lower_bound_cycles", r.lower_bound},
            {"upper_bound_cycles", r.upper_bound},
            {"proof", sat::ProofKindName(r.proof)},
            {"unknown_reason", sat::StopReasonName(r.stopped)},
            {"solve_seconds", r.stats.seconds},
            {"variables", r.stats.variables},
            {"clauses", r.stats.clauses},
            {"conflicts", r.stats.conflicts},
            {"attempts", attempts},
            {"unsat_by", OrNull(r.unsat_by)},
            {"confirmed_by", OrNull(r.confirmed_by)},
            {"confirm_seconds", r.confirm_seconds}});
  return j;
}

}  // namespace

int RunSolve(const Invocation& call) {
  if (!call.operands.empty()) {
    return ReportError("solve", absl::InvalidArgumentError("takes flags only, no operands"));
  }
  if (absl::Status s = CheckFlagsApply(
          "solve", call.flags,
          WithProblemFlags({"placement", "time_limit", "proof", "confirm", "dimacs", "json", "out",
                            "server", "tls_ca", "deadline", "max_sat_variables", "max_sat_clauses",
                            "max_sat_memory", "plan_evaluations", "race"}));
      !s.ok()) {
    return ReportError("solve", s);
  }
  absl::StatusOr<Request> request = RequestFromFlags(call.flags);
  if (!request.ok()) return ReportError("solve", request.status());
  const Problem& p = request->problem;
  absl::StatusOr<std::optional<Placement>> placement = PlacementFromFlag(p);
  if (!placement.ok()) return ReportError("solve", placement.status());
  sat::SearchOptions options;
  options.placement = *placement;
  options.time_limit = absl::Seconds(absl::GetFlag(FLAGS_time_limit));
  absl::StatusOr<sat::EncodeLimits> limits = SatLimitsFlags();
  if (!limits.ok()) return ReportError("solve", limits.status());
  options.limits = *limits;
  options.plan_evaluations = absl::GetFlag(FLAGS_plan_evaluations);
  options.race = absl::GetFlag(FLAGS_race);
  if (isatty(STDERR_FILENO)) options.on_progress = PrintProgress;
  const absl::Status flags = CheckSatFlags("solve", call,
                                           {{"out", absl::GetFlag(FLAGS_out)},
                                            {"proof", absl::GetFlag(FLAGS_proof)},
                                            {"dimacs", absl::GetFlag(FLAGS_dimacs)}});
  if (!flags.ok()) {
    return ReportError("solve", flags);
  }
  sat::ProveOptions prove;
  prove.drat_path = absl::GetFlag(FLAGS_proof);
  prove.confirm = absl::GetFlag(FLAGS_confirm);
  prove.limits = options.limits;
  // The server confirms in its SAT worker (SolveRequest.confirm); --proof is local only.
  absl::StatusOr<sat::OptimalResult> r =
      Remote() ? RemoteSolve(p, *placement, absl::GetFlag(FLAGS_time_limit),
                             absl::GetFlag(FLAGS_confirm), options.on_progress)
               : sat::SolveOptimalBacked(p, options, prove);
  if (!r.ok()) return ReportError("solve", r.status());
  if (r->proof != sat::ProofKind::kDratChecked) {
    if (absl::Status s = RemoveStaleOutput("proof", prove.drat_path); !s.ok()) {
      return ReportError("solve", s);
    }
  }
  if (const std::string path = absl::GetFlag(FLAGS_dimacs); !path.empty()) {
    if (absl::Status s = WriteDimacs(p, *placement, r->makespan, path); !s.ok()) {
      return ReportError("solve", s);
    }
  }
  if (const std::string path = absl::GetFlag(FLAGS_out); !path.empty()) {
    if (absl::Status s = WriteScheduleTo(r->witness, "--out", path); !s.ok()) {
      return ReportError("solve", s);
    }
  }
  const nlohmann::json j = ResultJson(p, *placement, *r);
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << absl::StrFormat(
        "  %s, placement %s\n  status      %s\n  makespan    %d cycles (upper bound %d, lower "
        "bound %d)\n  proof       %s%s%s\n  formula     %d variables, %d clauses, %d conflicts, "
        "%.2f s\n",
        Describe(p), PlacementName(*placement), j["status"].get<std::string>(), r->makespan,
        r->upper_bound, r->lower_bound, sat::ProofKindName(r->proof),
        r->unsat_by.empty() ? "" : absl::StrCat(" (", r->unsat_by, ")"),
        r->stopped == sat::StopReason::kNone
            ? ""
            : absl::StrCat(" (stopped by the ", sat::StopReasonName(r->stopped), ")"),
        r->stats.variables, r->stats.clauses, r->stats.conflicts, r->stats.seconds);
    if (absl::GetFlag(FLAGS_confirm))
      std::cout << ConfirmationLine(r->confirmed_by, r->confirm_seconds);
  }
  return r->optimal ? kExitOk : kExitUnknown;
}

}  // namespace attnsched::cli
