#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/algorithms/balance.h"
#include "lib/algorithms/generator.h"
#include "lib/algorithms/plan_search.h"
#include "lib/algorithms/shared_half_ring.h"
#include "lib/model/bounds.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

constexpr Generator kGeneral{"ring-rotation", PlacementKind::kBlock, RowHomeDots, true, false};
constexpr Generator kShared{"half-ring", PlacementKind::kBlock, HalfRingDots, false, false};
constexpr Generator kCausal{"zigzag-ring", PlacementKind::kZigzag, RowHomeDots, true, false};
constexpr Generator kMasked{"masked-ring", PlacementKind::kBlock, RowHomeDots, true, true};

// Instances up to this many operations compile every candidate plan (placements,
// balanced and not) and keep the best: a few compiles of about 20 ms at most.
constexpr int64_t kCompareEvents = 300000;

// Fewer plans than this are not worth a local search (it rarely improves on them).
constexpr int64_t kMinSearchPlans = 100;

absl::Status TooManyEvents(absl::string_view what, int64_t count, int64_t limit) {
  return absl::ResourceExhaustedError(absl::StrFormat(
      "%s %d events, above the event limit %d; raise --max-events if the machine has the "
      "memory (about 80 bytes per event)",
      what, count, limit));
}

// The generator's plan over `homes`, balanced when `balance`, checked against the
// event limit and admitted (GenerateOptions::admit) before compiling.
absl::StatusOr<Schedule> CompileGenerator(const Generator& g, const Problem& problem,
                                          Placement homes, bool balance,
                                          const GenerateOptions& options) {
  if (IsCancelled(options.cancelled)) return StoppedError("generation");
  DotLists dots = g.dots(problem, homes, balance);
  Plan plan = FinishRingPlan(problem, std::move(homes), std::move(dots));
  const int64_t events = CountPlanEvents(problem, plan);
  if (events > options.max_events) {
    return TooManyEvents(absl::StrFormat("the %s schedule for %s has", g.name, Describe(problem)),
                         events, options.max_events);
  }
  if (options.admit) RETURN_IF_ERROR(options.admit(events));
  return CompilePlan(problem, std::move(plan));
}

// A placement the generator may use, with its name for the summary.
struct Candidate {
  std::string label;
  Placement homes;
};

// The best schedule (into `best`) over the candidates (ties: fewer transfers), balanced where the compute
// binds (balancing only adds transfers where the links bind); `both` also tries the
// other way, which can be better with few tokens per PE. Returns the candidate used.
absl::StatusOr<Candidate> CompileBest(const Generator& g, const Problem& problem,
                                      std::vector<Candidate> candidates, bool both,
                                      const GenerateOptions& options, Schedule& best) {
  size_t chosen = 0;
  for (size_t k = 0; k < candidates.size(); ++k) {
    const LowerBounds lb = ComputeLowerBounds(problem, candidates[k].homes);
    const bool balance = lb.work >= std::max(lb.link, lb.traffic);
    for (bool b : {balance, !balance}) {
      if (b != balance && !both) continue;
      ASSIGN_OR_RETURN(Schedule s,
                       CompileGenerator(g, problem, candidates[k].homes, b, options));
      // The shorter schedule; of equal ones, the one with fewer transfers (the same
      // operations, so fewer events).
      const bool better = best.events.empty() || Makespan(s) < Makespan(best) ||
                          (Makespan(s) == Makespan(best) && s.events.size() < best.events.size());
      if (better) {
        best = std::move(s);
        chosen = k;
      }
    }
  }
  return std::move(candidates[chosen]);
}

// Large instances compile one candidate: the first of those needing the smallest
// balancing flows (MaxShedDots).
Candidate FewestShedDots(const Problem& problem, std::vector<Candidate> candidates) {
  size_t best = 0;
  int64_t fewest = MaxShedDots(problem, candidates[0].homes);
  for (size_t k = 1; k < candidates.size(); ++k) {
    const int64_t shed = MaxShedDots(problem, candidates[k].homes);
    if (shed < fewest) {
      fewest = shed;
      best = k;
    }
  }
  return std::move(candidates[best]);
}

// A schedule above its placement's lower bound, improved by the local search within
// the budget of compiled events.
absl::Status Improve(const GenerateOptions& options, Generated& g) {
  const int64_t events = std::max<int64_t>(static_cast<int64_t>(g.schedule.events.size()), 1);
  const int64_t plans = options.search_events / events;
  const int64_t target = ComputeLowerBounds(g.schedule.problem, g.schedule.placement).Max();
  if (plans < kMinSearchPlans || Makespan(g.schedule) <= target) return absl::OkStatus();
  if (IsCancelled(options.cancelled)) return StoppedError("generation");
  PlanSearchOptions search;
  search.max_evaluations = plans;
  search.target = target;
  const int64_t before = Makespan(g.schedule);
  ASSIGN_OR_RETURN(g.schedule, ImproveByPlanSearch(g.schedule, search));
  g.plans_searched = plans;
  if (Makespan(g.schedule) < before) {
    absl::StrAppend(&g.note, g.note.empty() ? "" : "; ",
                    absl::StrFormat("local search over at most %d plans: %d -> %d cycles", plans,
                                    before, Makespan(g.schedule)));
  }
  return absl::OkStatus();
}

}  // namespace

const Generator& GeneratorFor(const Instance& inst) {
  if (inst.mask.Full()) return inst.shared ? kShared : kGeneral;
  if (inst.mask.PlainCausal()) return kCausal;
  return kMasked;
}

absl::StatusOr<Generated> Generate(const Problem& problem, const GenerateOptions& options) {
  RETURN_IF_ERROR(ValidateProblem(problem));
  const int64_t operations = CountOperations(problem.instance).total();
  if (operations > options.max_events) {
    return TooManyEvents(absl::StrFormat("%s has %d operations, so a schedule has at least",
                                         Describe(problem), operations),
                         operations, options.max_events);
  }
  const Generator& g = GeneratorFor(problem.instance);
  const PlacementSpec spec = options.placement.value_or(PlacementSpec{g.placement, {}});
  ASSIGN_OR_RETURN(Placement homes, MakePlacement(spec, problem.n(), problem.pes()));
  const bool small = operations <= kCompareEvents;
  std::vector<Candidate> candidates = {{std::string(PlacementKindName(spec.kind)), homes}};
  if (!options.placement && g.chain_balanced) {
    candidates.push_back({"least-loaded", LeastLoadedPlacement(problem)});
  }
  if (!options.placement && g.work_blocks) {
    candidates.push_back({"work-blocks", WorkBlockPlacement(problem)});
  }
  if (!small) candidates = {FewestShedDots(problem, std::move(candidates))};
  Generated out;
  out.generator = std::string(g.name);
  out.pinned = options.placement.has_value();
  ASSIGN_OR_RETURN(Candidate best, CompileBest(g, problem, std::move(candidates), small,
                                               options, out.schedule));
  out.placement = best.label;
  RETURN_IF_ERROR(Improve(options, out));
  const int64_t work = TotalWork(problem);
  if (!out.pinned && Makespan(out.schedule) > work) {
    const int64_t ring = Makespan(out.schedule);
    ASSIGN_OR_RETURN(out.schedule, CompileGenerator(g, problem, Placement(problem.n(), 0), false,
                                                    options));
    out.note = absl::StrFormat(
        "all work on PE 0 of %d: the %s schedule over %s homes takes %d cycles, one PE "
        "takes the total work W = %d (the links are too slow for the compute)",
        problem.pes(), g.name, out.placement, ring, work);
    out.generator = out.placement = "one-pe";
  }
  return out;
}

}  // namespace attnsched
