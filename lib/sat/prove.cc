#include "lib/sat/prove.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lib/model/bounds.h"
#include "lib/sat/confirm.h"
#include "lib/sat/portfolio.h"
#include "lib/schedule/relabel.h"
#include "lib/schedule/validator.h"
#include "lib/status_macros.h"

namespace attnsched::sat {
namespace {

// The bounds of `lb` equal to t, e.g. "LB_work" or "LB_link and LB_release". LB_cut
// is named only above LB_link (else its arc is one PE: LB_link itself).
std::string BoundName(const LowerBounds& lb, int64_t t) {
  const std::pair<const char*, int64_t> bounds[] = {{"LB_work", lb.work},
                                                    {"LB_home", lb.home},
                                                    {"LB_path", lb.path},
                                                    {"LB_load", lb.load},
                                                    {"LB_release", lb.release},
                                                    {"LB_link", lb.link},
                                                    {"LB_cut", lb.cut > lb.link ? lb.cut : -1},
                                                    {"LB_traffic", lb.traffic}};
  std::vector<std::string> names;
  for (const auto& [name, value] : bounds) {
    if (value == t) names.push_back(name);
  }
  return absl::StrJoin(names, " and ");
}

// Is makespan <= bound possible with `placement` (nullopt: any)? Fills `result`
// unless an error. Without DRAT and with `pause`, SAT first runs for kSatSlice alone;
// if that does not finish, pause() runs, and when it returns true (it found an answer
// itself) SolveBelow returns at once without filling `result`.
absl::Status SolveBelow(const Problem& problem, const std::optional<Placement>& placement,
                        int64_t bound, const ProveOptions& o, ProofResult& result,
                        const std::function<bool()>& pause = nullptr) {
  const bool drat = !o.drat_path.empty();
  // With a proof the formula itself has horizon T - 1 (no assumption, no state).
  EncodeOptions encode{drat ? bound : bound + 1, placement, o.time_windows,
                       o.symmetry_breaking, false, o.counting_stride};
  const SizeEstimate size = EstimateSize(problem, encode);
  const bool race = o.race && !o.confirm && !drat && FitsTwice(size, o.limits);
  const int copies = race || o.confirm ? 2 : 1;  // CryptoMiniSat confirms on a copy
  // The answer comes after the formulas are freed.
  const absl::Time deadline = absl::Now() + o.time_limit - EstimatedFreeTime(size) * copies;
  SolveLimits limits{deadline, -1, o.cancel};
  const bool sliced = pause && !drat;
  if (sliced) limits.deadline = std::min(deadline, absl::Now() + kSatSlice);
  // CryptoMiniSat loads its copy on a thread of its own (PortfolioSolver).
  if (absl::Now() + EstimatedLoadTime(size) >= deadline) {
    result.status = ProofStatus::kUnknown;  // no time to build the formula
    result.detail = absl::StrCat("stopped by the ", StopReasonName(StopReason::kTimeLimit),
                                 " (no time left to build the formula)");
    return absl::OkStatus();
  }
  const SolveLimits until_deadline{deadline, -1, o.cancel};
  absl::StatusOr<const Encoding> built = Encode(
      problem, encode, o.limits, [&] { return Expired(until_deadline) != StopReason::kNone; });
  if (absl::IsCancelled(built.status())) {
    result.status = ProofStatus::kUnknown;
    result.detail = absl::StrCat("stopped by the ", StopReasonName(Expired(until_deadline)),
                                 " while building the formula");
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(built.status());
  const Encoding& encoding = *built;
  PortfolioSolver solver(encoding.cnf(), race, o.drat_path);
  RETURN_IF_ERROR(solver.status());
  std::vector<int> assumptions;
  if (!drat) assumptions.push_back(-encoding.MakespanAbove(bound));
  ASSIGN_OR_RETURN(SatResult answer, solver.Solve(assumptions, limits));
  if (sliced && answer == SatResult::kUnknown && limits.deadline < deadline &&
      solver.stop_reason() == StopReason::kTimeLimit) {
    if (pause()) return absl::OkStatus();
    limits.deadline = deadline;
    ASSIGN_OR_RETURN(answer, solver.Solve(assumptions, limits));
  }
  result.stats = solver.stats();
  if (answer == SatResult::kUnknown) {
    result.status = ProofStatus::kUnknown;
    result.detail = absl::StrCat("stopped by the ", StopReasonName(solver.stop_reason()));
  } else if (answer == SatResult::kUnsat) {
    if (drat) RETURN_IF_ERROR(solver.CloseProof());
    result.unsat_by = solver.answered_by();
    if (o.confirm) {
      const std::string claim = absl::StrCat("makespan <= ", bound, " for ", Describe(problem));
      ASSIGN_OR_RETURN(const Confirmation c,
                       ConfirmUnsat(encoding.cnf(), assumptions, claim, deadline - absl::Now()));
      result.confirm_seconds = c.seconds;
      if (c.answer != SatResult::kUnsat) {
        result.status = ProofStatus::kUnknown;
        result.detail = absl::StrFormat(
            "CaDiCaL: makespan <= %d is UNSAT, but %s did not confirm it within the time "
            "limit (%.1f s)",
            bound, c.solver, c.seconds);
        return absl::OkStatus();
      }
      result.confirmed_by = c.solver;
    }
    result.status = ProofStatus::kOptimal;
    result.proof = drat ? ProofKind::kDratChecked : ProofKind::kUnsat;
    result.detail = absl::StrFormat(
        "makespan <= %d is UNSAT%s", bound,
        drat              ? absl::StrCat(" (DRAT proof in ", o.drat_path, ", checked by CaDiCaL)")
        : solver.racing() ? absl::StrCat(" (", solver.answered_by(), " answered first in the race)")
                          : "");
  } else {
    Schedule better = encoding.Decode([&solver](int v) { return solver.Value(v); });
    RETURN_IF_ERROR(CheckWitness(better));
    result.status = ProofStatus::kImprovable;
    result.detail = absl::StrFormat("a schedule with makespan %d exists (this one: %d)",
                                    Makespan(better), bound + 1);
    result.better = std::move(better);
  }
  return absl::OkStatus();
}

// `start` improved by local search over plans (at most `plans`), when that is better
// than `makespan`; nullopt otherwise.
absl::StatusOr<std::optional<Schedule>> ImproveWithoutSat(const Schedule& start,
                                                          int64_t makespan, int64_t lower_bound,
                                                          int64_t plans, const ProveOptions& o) {
  ASSIGN_OR_RETURN(Schedule improved,
                   ImprovePlan(start, lower_bound, {plans, absl::Now() + o.time_limit, o.cancel}));
  if (Makespan(improved) >= makespan) return std::nullopt;
  return improved;
}

ProofResult Improvable(ProofResult result, Schedule better) {
  result.status = ProofStatus::kImprovable;
  result.detail = absl::StrFormat(
      "a schedule with makespan %d for these homes was found without SAT (generator or "
      "ring rotation, then local search over plans; this one: %d)",
      Makespan(better), result.makespan);
  result.better = std::move(better);
  return result;
}

}  // namespace

absl::string_view ProofStatusName(ProofStatus s) {
  switch (s) {
    case ProofStatus::kOptimal: return "OPTIMAL";
    case ProofStatus::kImprovable: return "IMPROVABLE";
    case ProofStatus::kUnknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

absl::Status CheckProvable(const Schedule& schedule) {
  RETURN_IF_ERROR(ValidateProblem(schedule.problem));
  RETURN_IF_ERROR(CheckEncodable(schedule.problem));
  for (const Event& e : schedule.events) {
    if (e.is_free()) {
      return absl::InvalidArgumentError(
          "events: the schedule frees items (FREE events); the SAT engine does not model "
          "storage: prove the schedule without them (the makespan is the same)");
    }
  }
  RETURN_IF_ERROR(
      ValidatePlacement(schedule.placement, schedule.problem.n(), schedule.problem.pes()));
  const int64_t makespan = Makespan(schedule);
  const SizeEstimate size = EstimateSize(schedule.problem, {makespan, schedule.placement});
  const int64_t events = static_cast<int64_t>(schedule.events.size());
  if (events <= size.variables) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "events: %d, more than any valid schedule of %s with makespan %d cycles can have "
      "(at most %d, one per operation, PE and start cycle or item, link and start cycle); "
      "events are repeated",
      events, Describe(schedule.problem), makespan, size.variables));
}

absl::StatusOr<ProofResult> Prove(const Schedule& schedule, const ProveOptions& options) {
  RETURN_IF_ERROR(CheckProvable(schedule));
  VectorEventSource events(schedule);
  ASSIGN_OR_RETURN(const ValidationReport report,
                   Validate(events, ValidationOptions{options.max_operations}));
  if (!report.valid()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the schedule is invalid, so there is nothing to prove: ", report.violation->message));
  }
  ProofResult result;
  result.makespan = report.stats.makespan;
  const LowerBounds lb = ComputeLowerBounds(schedule.problem, schedule.placement);
  result.lower_bound = lb.Max();
  if (result.makespan == result.lower_bound) {
    result.status = ProofStatus::kOptimal;
    result.proof = ProofKind::kLowerBound;
    result.detail = absl::StrCat("makespan equals ", BoundName(lb, result.makespan));
    return result;
  }
  const absl::Time began = absl::Now();
  // General and shared: solved with the tokens sorted by home, an exact symmetry
  // (lib/schedule/relabel.h).
  const bool relabeled =
      options.symmetry_breaking && TokensInterchangeable(schedule.problem.instance);
  const TokenRelabeling relabel(schedule.placement);
  const Placement& homes = relabeled ? relabel.canonical_placement() : schedule.placement;
  // Without SAT first: the schedule the search would start from (the generator's, or
  // ring rotation over these homes) may be better. The local search and SAT run only
  // on instances whose formula fits the limits.
  const absl::StatusOr<Schedule> generated =
      UpperBoundSchedule(schedule.problem, schedule.placement);
  const bool generated_better = generated.ok() && Makespan(*generated) < result.makespan;
  const Schedule& start = generated_better ? *generated : schedule;
  if (absl::Status size =
          CheckEstimate(schedule.problem, {Makespan(start) - 1, homes}, options.limits);
      !size.ok()) {
    if (generated_better) return Improvable(std::move(result), *generated);
    return size;
  }
  const int64_t quick = std::min(options.plan_evaluations, kQuickPlanEvaluations);
  ASSIGN_OR_RETURN(std::optional<Schedule> known,
                   ImproveWithoutSat(start, result.makespan, result.lower_bound, quick, options));
  if (known) return Improvable(std::move(result), *std::move(known));
  ProveOptions rest = options;
  rest.time_limit -= absl::Now() - began;
  // The rest of the local search's budget, if SAT does not finish within kSatSlice.
  absl::Status pause_status;
  std::function<bool()> pause = [&]() {
    ProveOptions left = options;
    left.time_limit = HalfTimeLeft(began + options.time_limit) - absl::Now();
    absl::StatusOr<std::optional<Schedule>> better =
        ImproveWithoutSat(start, result.makespan, result.lower_bound,
                          options.plan_evaluations - quick, left);
    if (!better.ok()) pause_status = better.status();
    if (better.ok() && *better) known = **std::move(better);
    return !better.ok() || known.has_value();
  };
  RETURN_IF_ERROR(SolveBelow(schedule.problem, homes, result.makespan - 1, rest, result,
                             options.plan_evaluations > quick ? pause : nullptr));
  RETURN_IF_ERROR(pause_status);
  if (known) return Improvable(std::move(result), *std::move(known));
  if (!relabeled || relabel.identity()) return result;
  if (result.better) result.better = relabel.FromCanonical(*result.better);
  if (result.status != ProofStatus::kUnknown) {
    absl::StrAppend(&result.detail, "; solved with the tokens sorted by home, an exact "
                                    "symmetry of the ", DescribeMask(schedule.problem.instance),
                    " scheme");
  }
  return result;
}

absl::Status BackUnsat(OptimalResult& result, const std::optional<Placement>& placement,
                       const ProveOptions& options) {
  if (result.proof != ProofKind::kUnsat || (options.drat_path.empty() && !options.confirm)) {
    return absl::OkStatus();
  }
  ProofResult proof;
  RETURN_IF_ERROR(
      SolveBelow(result.witness.problem, placement, result.makespan - 1, options, proof));
  if (proof.proof == ProofKind::kDratChecked) result.proof = proof.proof;
  if (proof.proof != ProofKind::kNone) result.unsat_by = proof.unsat_by;
  result.confirmed_by = proof.confirmed_by;
  result.confirm_seconds = proof.confirm_seconds;
  if (options.confirm && proof.confirmed_by.empty()) {
    result.optimal = false;  // not confirmed in time: only confirmed claims count
    result.proof = ProofKind::kNone;
    result.unsat_by.clear();
    result.stopped = StopReason::kTimeLimit;
  }
  return absl::OkStatus();
}

absl::StatusOr<OptimalResult> SolveOptimalBacked(const Problem& problem,
                                                 const SearchOptions& options, ProveOptions prove) {
  const absl::Time began = absl::Now();
  ASSIGN_OR_RETURN(OptimalResult result, SolveOptimal(problem, options));
  prove.time_limit = options.time_limit - (absl::Now() - began);
  prove.cancel = options.cancel;
  RETURN_IF_ERROR(BackUnsat(result, options.placement, prove));
  return result;
}

}  // namespace attnsched::sat
