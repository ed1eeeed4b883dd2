#include "lib/sat/optimal_search.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lib/algorithms/generator.h"
#include "lib/algorithms/plan_search.h"
#include "lib/model/bounds.h"
#include "lib/model/free_bound.h"
#include "lib/model/heads.h"
#include "lib/sat/portfolio.h"
#include "lib/schedule/check.h"
#include "lib/schedule/relabel.h"
#include "lib/status_macros.h"

namespace attnsched::sat {

absl::Status CheckWitness(const Schedule& witness) {
  VectorEventSource events(witness);
  ASSIGN_OR_RETURN(const CheckReport check,
                   CheckSchedule(events, CheckOptions{kDefaultMaxEvents, uint64_t{1}, nullptr}));
  const ValidationReport& report = check.validation;
  if (!report.valid()) {
    return absl::InternalError(absl::StrCat(
        "the SAT witness is rejected by the validator (an encoder bug, please report it): ",
        report.violation->message));
  }
  if (check.simulation->max_rel_error > kMaxRelError) {
    return absl::InternalError(absl::StrCat(
        "the SAT witness computes attention with relative error ",
        check.simulation->max_rel_error,
        " (an encoder bug, please report it)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Schedule> UpperBoundSchedule(const Problem& problem,
                                            const std::optional<Placement>& placement) {
  GenerateOptions options;
  options.search_events = 0;  // the search runs its own local search (ImprovePlan)
  if (placement) {            // a spec names one head's homes
    options.placement =
        PlacementSpec{PlacementKind::kExplicit, HeadPlacement(problem.instance, *placement)};
  }
  return GenerateSchedule(problem, options);
}

absl::StatusOr<Schedule> ImprovePlan(const Schedule& start, int64_t target,
                                     const UpperBoundEffort& effort) {
  PlanSearchOptions options;
  options.max_evaluations = effort.plan_evaluations;
  options.target = target;
  options.stop = [&effort] {
    return absl::Now() >= effort.deadline || (effort.cancel && effort.cancel->cancelled());
  };
  ASSIGN_OR_RETURN(Schedule improved, ImproveByPlanSearch(start, options));
  RETURN_IF_ERROR(CheckWitness(improved));
  return improved;
}

absl::Time HalfTimeLeft(absl::Time deadline) {
  const absl::Time now = absl::Now();
  return deadline <= now ? deadline : now + (deadline - now) / 2;
}

int64_t SearchLowerBound(const Problem& problem, const std::optional<Placement>& placement) {
  // LB_home, LB_load, LB_release, LB_link, LB_cut and LB_traffic hold for their homes only: a
  // free placement has the least of them over the placements it may choose.
  return placement ? ComputeLowerBounds(problem, *placement).Max()
                   : FreePlacementBound(problem).cycles;
}

namespace {

// UpperBoundSchedule improved by ImprovePlan toward SearchLowerBound: the search's
// first witness.
absl::StatusOr<Schedule> SearchUpperBound(const Problem& problem,
                                          const std::optional<Placement>& placement,
                                          const UpperBoundEffort& effort) {
  ASSIGN_OR_RETURN(const Schedule known, UpperBoundSchedule(problem, placement));
  return ImprovePlan(known, SearchLowerBound(problem, placement), effort);
}

// The first part of the local search's budget (kQuickPlanEvaluations).
UpperBoundEffort QuickEffort(const SearchOptions& options) {
  return {std::min(options.plan_evaluations, kQuickPlanEvaluations),
          absl::Now() + options.time_limit, options.cancel};
}

// The rest of it, for Descend.
int64_t LaterPlans(const SearchOptions& options) {
  return std::max<int64_t>(options.plan_evaluations - kQuickPlanEvaluations, 0);
}

// The search's first witness for options.placement: the generator's schedule,
// improved by the quick local search. What would be too large even with the horizon
// at LB_work is refused at once, before any schedule is generated and before the
// other bounds, which cost up to the number of dots (LB_link on one token per PE: 6 s
// for causal n = m = 65,536); except that an instance of at most
// kGeneratedBeyondTheLimits operations is generated first (without the local search)
// and refused only when its schedule is above the lower bound: at the bound no
// formula is needed.
absl::StatusOr<Schedule> FirstWitness(const Problem& problem, const SearchOptions& options) {
  const absl::Status size =
      CheckEstimate(problem, {WorkBound(problem), options.placement}, options.limits);
  if (!size.ok() && CountOperations(problem.instance).total() > kGeneratedBeyondTheLimits) {
    return size;
  }
  UpperBoundEffort effort = QuickEffort(options);
  if (!size.ok()) effort.plan_evaluations = 0;
  ASSIGN_OR_RETURN(Schedule start, SearchUpperBound(problem, options.placement, effort));
  if (size.ok()) return start;
  const int64_t bound = SearchLowerBound(problem, options.placement);
  if (Makespan(start) <= bound) return start;
  return absl::Status(
      size.code(),
      absl::StrCat(size.message(), " (the generated schedule, ", Makespan(start),
                   " cycles, is above the lower bound, ", bound, ", so SAT would be needed)"));
}

absl::StatusOr<OptimalResult> Descend(const Problem& problem, const SearchOptions& options,
                                      Schedule best, int64_t later_plans);

// Descend again from `better` with a fresh formula whose horizon is its makespan,
// keeping the upper bound, attempts and effort of the descent `so_far`.
absl::StatusOr<OptimalResult> Resume(const Problem& problem, const SearchOptions& options,
                                     absl::Time deadline, Schedule better,
                                     OptimalResult so_far, const SolverStats& effort) {
  SearchOptions rest = options;
  rest.time_limit = deadline - absl::Now();
  ASSIGN_OR_RETURN(OptimalResult out, Descend(problem, rest, std::move(better), 0));
  out.upper_bound = so_far.upper_bound;
  so_far.attempts.insert(so_far.attempts.end(), out.attempts.begin(), out.attempts.end());
  out.attempts = std::move(so_far.attempts);
  out.stats.conflicts += effort.conflicts;
  out.stats.seconds += effort.seconds;
  if (out.stats.variables == 0) {  // no second formula: report the first one's size
    out.stats.variables = effort.variables;
    out.stats.clauses = effort.clauses;
  }
  return out;
}

// The descent on one formula of horizon out.upper_bound, from the (checked) witness
// `best`, filling `out`. With `later_plans` > 0, SAT first runs for kSatSlice alone;
// if that does not finish, the local search spends later_plans from the best
// witness; a better schedule it finds is returned, to resume from with a fresh
// formula of its horizon once this one is freed (attempts cut by the slice are not
// reported). nullopt when the descent ended here.
absl::StatusOr<std::optional<Schedule>> DescendOnFormula(const Problem& problem,
                                                         const SearchOptions& options,
                                                         absl::Time deadline, int64_t later_plans,
                                                         Schedule& best, OptimalResult& out) {
  EncodeOptions encode{out.upper_bound, options.placement, options.time_windows,
                       options.symmetry_breaking, false, options.counting_stride};
  const SizeEstimate size = EstimateSize(problem, encode);
  const bool race = options.race && FitsTwice(size, options.limits);
  const int copies = race ? 2 : 1;
  deadline -= EstimatedFreeTime(size) * copies;  // the answer comes after they are freed
  // CryptoMiniSat loads its copy on a thread of its own (PortfolioSolver).
  if (absl::Now() + EstimatedLoadTime(size) >= deadline) {
    out.stopped = StopReason::kTimeLimit;  // no time to build the formula
    return std::nullopt;
  }
  SolveLimits limits{deadline, -1, options.cancel};
  absl::StatusOr<const Encoding> encoding = Encode(
      problem, encode, options.limits, [&limits] { return Expired(limits) != StopReason::kNone; });
  if (absl::IsCancelled(encoding.status())) {
    out.stopped = Expired(limits);
    return std::nullopt;
  }
  RETURN_IF_ERROR(encoding.status());
  PortfolioSolver solver(encoding->cnf(), race);
  if (later_plans > 0) limits.deadline = std::min(deadline, absl::Now() + kSatSlice);
  while (out.makespan > out.lower_bound) {
    const int64_t bound = out.makespan - 1;
    const int assumption[] = {-encoding->MakespanAbove(bound)};
    const double before = solver.stats().seconds;
    ASSIGN_OR_RETURN(const SatResult result, solver.Solve(assumption, limits));
    out.stats = solver.stats();
    if (result == SatResult::kUnknown && limits.deadline < deadline &&
        solver.stop_reason() == StopReason::kTimeLimit) {
      limits.deadline = deadline;
      ASSIGN_OR_RETURN(Schedule better,
                       ImprovePlan(best, out.lower_bound,
                                   {later_plans, HalfTimeLeft(deadline), options.cancel}));
      if (Makespan(better) >= out.makespan) continue;
      if (absl::Now() < deadline) return better;
      best = std::move(better);  // no time for a new formula: the next Solve stops
      out.makespan = Makespan(best);
      if (options.on_witness) options.on_witness(best);
      continue;
    }
    out.attempts.push_back({bound, result, solver.stats().seconds - before});
    if (options.on_progress) options.on_progress(out.attempts.back());
    if (result == SatResult::kUnknown) {
      out.stopped = solver.stop_reason();
      break;
    }
    if (result == SatResult::kUnsat) {
      out.optimal = true;
      out.proof = ProofKind::kUnsat;
      out.unsat_by = solver.answered_by();
      break;
    }
    best = encoding->Decode([&solver](int v) { return solver.Value(v); });
    RETURN_IF_ERROR(CheckWitness(best));
    out.makespan = Makespan(best);
    if (options.on_witness) options.on_witness(best);
  }
  return std::nullopt;
}

// The descent from the (checked) witness `best` down to the lower bound
// (DescendOnFormula, resumed on a fresh formula when the later local search finds a
// better schedule).
absl::StatusOr<OptimalResult> Descend(const Problem& problem, const SearchOptions& options,
                                      Schedule best, int64_t later_plans) {
  const absl::Time deadline = absl::Now() + options.time_limit;
  if (options.on_witness) options.on_witness(best);
  OptimalResult out;
  out.lower_bound = SearchLowerBound(problem, options.placement);
  out.upper_bound = out.makespan = Makespan(best);
  if (out.makespan > out.lower_bound) {
    ASSIGN_OR_RETURN(std::optional<Schedule> better,
                     DescendOnFormula(problem, options, deadline, later_plans, best, out));
    if (better) {
      const SolverStats effort = out.stats;
      return Resume(problem, options, deadline, *std::move(better), std::move(out), effort);
    }
  }
  if (!out.optimal && out.makespan <= out.lower_bound) {
    out.optimal = true;
    out.proof = ProofKind::kLowerBound;
  }
  out.witness = std::move(best);
  return out;
}

// `start`: a checked schedule with the pinned placement to descend from.
absl::StatusOr<OptimalResult> SolvePinned(const Problem& problem, const SearchOptions& options,
                                          Schedule start, int64_t later_plans) {
  if (options.symmetry_breaking && TokensInterchangeable(problem.instance)) {
    const TokenRelabeling relabel(*options.placement);
    if (!relabel.identity()) {
      SearchOptions canonical = options;
      canonical.placement = relabel.canonical_placement();
      if (options.on_witness) {
        canonical.on_witness = [&options, &relabel](const Schedule& w) {
          options.on_witness(relabel.FromCanonical(w));
        };
      }
      ASSIGN_OR_RETURN(OptimalResult out, SolvePinned(problem, canonical,
                                                      relabel.ToCanonical(start), later_plans));
      out.witness = relabel.FromCanonical(out.witness);
      RETURN_IF_ERROR(CheckWitness(out.witness));
      return out;
    }
  }
  return Descend(problem, options, std::move(start), later_plans);
}

absl::StatusOr<OptimalResult> SolveFree(const Problem& problem, const SearchOptions& options) {
  const absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(Schedule generated, FirstWitness(problem, options));
  // Causal: which rows share a PE matters, and pinning the generator's homes was
  // measured to cost more than it gains (causal n=6, d=2, m=2: decided in 22 s free,
  // open after 60 s pinned first).
  if (Makespan(generated) <= SearchLowerBound(problem, std::nullopt) ||
      !TokensInterchangeable(problem.instance)) {
    return Descend(problem, options, std::move(generated), LaterPlans(options));
  }
  // General and shared: every placement with the generator's load per PE is the
  // generator's up to relabeling, so the first half pins its homes. Its witnesses are
  // free witnesses too (only they are reported); its UNSAT answers say nothing about
  // other loads.
  SearchOptions pinned = options;
  pinned.placement = generated.placement;
  pinned.time_limit = options.time_limit / 2;
  pinned.on_progress = [&options](const BoundAttempt& a) {
    if (a.result == SatResult::kSat && options.on_progress) options.on_progress(a);
  };
  ASSIGN_OR_RETURN(OptimalResult first,
                   SolvePinned(problem, pinned, generated, LaterPlans(options)));
  SearchOptions rest = options;
  rest.time_limit = options.time_limit - (absl::Now() - start);
  ASSIGN_OR_RETURN(OptimalResult out, Descend(problem, rest, std::move(first.witness), 0));
  out.upper_bound = Makespan(generated);
  std::vector<BoundAttempt> attempts;
  for (const BoundAttempt& a : first.attempts) {
    if (a.result == SatResult::kSat) attempts.push_back(a);
  }
  attempts.insert(attempts.end(), out.attempts.begin(), out.attempts.end());
  out.attempts = std::move(attempts);
  // Formula size of the free search (when it ran), effort of both.
  const SolverStats free_stats = out.stats;
  out.stats = first.stats;
  if (free_stats.variables > 0) {
    out.stats.variables = free_stats.variables;
    out.stats.clauses = free_stats.clauses;
    out.stats.conflicts += free_stats.conflicts;
    out.stats.seconds += free_stats.seconds;
  }
  return out;
}

}  // namespace

absl::StatusOr<OptimalResult> SolveOptimal(const Problem& problem, const SearchOptions& options) {
  // Before anything indexes by home PE (the bounds, the relabeling).
  RETURN_IF_ERROR(ValidateProblem(problem));
  RETURN_IF_ERROR(CheckEncodable(problem));
  if (!options.placement) return SolveFree(problem, options);
  RETURN_IF_ERROR(ValidatePlacement(*options.placement, problem.n(), problem.pes()));
  const absl::Time began = absl::Now();
  ASSIGN_OR_RETURN(Schedule start, FirstWitness(problem, options));
  SearchOptions rest = options;
  rest.time_limit -= absl::Now() - began;
  return SolvePinned(problem, rest, std::move(start), LaterPlans(options));
}

}  // namespace attnsched::sat
