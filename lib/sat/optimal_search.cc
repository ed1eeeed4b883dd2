#include "lib/sat/optimal_search.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lib/algorithms/any_placement.h"
#include "lib/algorithms/generator.h"
#include "lib/model/bounds.h"
#include "lib/schedule/relabel.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "lib/status_macros.h"

namespace attnsched::sat {

absl::Status CheckWitness(const Schedule& witness) {
  ASSIGN_OR_RETURN(const ValidationReport report, Validate(witness));
  if (!report.valid()) {
    return absl::InternalError(absl::StrCat(
        "the SAT witness is rejected by the validator (an encoder bug, please report it): ",
        report.violation->message));
  }
  ASSIGN_OR_RETURN(const SimulationReport sim, Simulate(witness, 1));
  if (sim.max_rel_error > kMaxRelError) {
    return absl::InternalError(absl::StrCat(
        "the SAT witness computes attention with relative error ", sim.max_rel_error,
        " (an encoder bug, please report it)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Schedule> UpperBoundSchedule(const Problem& problem,
                                            const std::optional<Placement>& placement) {
  RETURN_IF_ERROR(ValidateProblem(problem));
  const Generator& generator = GeneratorFor(problem.scheme());
  std::optional<Schedule> generated;
  if (generator.Supports(problem).ok()) {
    ASSIGN_OR_RETURN(generated, Generate(problem));
    if (!placement || generated->placement == *placement) return *std::move(generated);
  }
  const Placement homes = placement ? *placement : CyclicPlacement(problem.n(), problem.pes());
  RETURN_IF_ERROR(ValidatePlacement(homes, problem.n(), problem.pes()));
  ASSIGN_OR_RETURN(Schedule ring, CompilePlan(problem, RingPlanForPlacement(problem, homes)));
  if (generated && !placement && Makespan(*generated) <= Makespan(ring)) return *generated;
  return ring;
}

int64_t SearchLowerBound(const Problem& problem, const std::optional<Placement>& placement) {
  const LowerBounds lb =
      ComputeLowerBounds(problem, placement ? *placement : CyclicPlacement(problem.n(), problem.pes()));
  return placement ? lb.Max() : std::max(lb.work, lb.path);  // LB_home needs the homes
}

namespace {

absl::StatusOr<OptimalResult> SolveOptimalAsGiven(const Problem& problem,
                                                  const SearchOptions& options) {
  const absl::Time deadline = absl::Now() + options.time_limit;
  RETURN_IF_ERROR(ValidateProblem(problem));
  // Refuse at once what would be too large even with the horizon at the lower bound,
  // before generating the upper-bound schedule.
  const EncodeOptions smallest{SearchLowerBound(problem, options.placement), options.placement};
  const SizeEstimate size = EstimateSize(problem, smallest);
  if (size.variables > options.limits.max_variables || size.clauses > options.limits.max_clauses) {
    return Encode(problem, smallest, options.limits).status();
  }
  ASSIGN_OR_RETURN(Schedule best, UpperBoundSchedule(problem, options.placement));
  RETURN_IF_ERROR(CheckWitness(best));
  OptimalResult out;
  out.lower_bound = SearchLowerBound(problem, options.placement);
  out.upper_bound = out.makespan = Makespan(best);
  if (out.makespan <= out.lower_bound) {
    out.optimal = true;
    out.proof = "lower_bound";
    out.witness = std::move(best);
    return out;
  }
  EncodeOptions encode{out.upper_bound, options.placement, options.time_windows,
                       options.symmetry_breaking, false, options.counting_stride};
  ASSIGN_OR_RETURN(const Encoding encoding, Encode(problem, encode, options.limits));
  SatSolver solver(encoding.cnf());
  const SolveLimits limits{deadline, -1, options.cancel};
  while (out.makespan > out.lower_bound) {
    const int64_t bound = out.makespan - 1;
    const int assumption[] = {-encoding.MakespanAbove(bound)};
    const double before = solver.stats().seconds;
    const SatResult result = solver.Solve(assumption, limits);
    out.attempts.push_back({bound, result, solver.stats().seconds - before});
    if (options.on_progress) options.on_progress(out.attempts.back());
    if (result == SatResult::kUnknown) {
      out.unknown_reason = solver.unknown_reason();
      break;
    }
    if (result == SatResult::kUnsat) {
      out.optimal = true;
      out.proof = "unsat";
      break;
    }
    best = encoding.Decode([&solver](int v) { return solver.Value(v); });
    RETURN_IF_ERROR(CheckWitness(best));
    out.makespan = Makespan(best);
  }
  if (!out.optimal && out.makespan <= out.lower_bound) {
    out.optimal = true;
    out.proof = "lower_bound";
  }
  out.witness = std::move(best);
  out.stats = solver.stats();
  return out;
}

}  // namespace

absl::StatusOr<OptimalResult> SolveOptimal(const Problem& problem, const SearchOptions& options) {
  if (!options.placement || !options.symmetry_breaking ||
      !TokensInterchangeable(problem.scheme())) {
    return SolveOptimalAsGiven(problem, options);
  }
  RETURN_IF_ERROR(ValidatePlacement(*options.placement, problem.n(), problem.pes()));
  const TokenRelabeling relabel(*options.placement);
  if (relabel.identity()) return SolveOptimalAsGiven(problem, options);
  SearchOptions canonical = options;
  canonical.placement = relabel.canonical_placement();
  ASSIGN_OR_RETURN(OptimalResult out, SolveOptimalAsGiven(problem, canonical));
  out.witness = relabel.FromCanonical(out.witness);
  RETURN_IF_ERROR(CheckWitness(out.witness));
  return out;
}

}  // namespace attnsched::sat
