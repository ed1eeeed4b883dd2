#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/algorithms/balance.h"
#include "lib/algorithms/derived_routes.h"
#include "lib/algorithms/dot_split.h"
#include "lib/algorithms/generator.h"
#include "lib/algorithms/list_scheduler.h"
#include "lib/algorithms/plan_search.h"
#include "lib/algorithms/shared_half_ring.h"
#include "lib/model/bounds.h"
#include "lib/model/heads.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/storage.h"
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
// event limit when its schedule is to be held, and admitted (GenerateOptions::admit):
// its event count.
absl::StatusOr<std::pair<Plan, int64_t>> AdmittedPlan(const Generator& g, const Problem& problem,
                                                      Placement homes, bool balance, bool held,
                                                      const GenerateOptions& options) {
  if (IsCancelled(options.cancelled)) return StoppedError("generation");
  DotLists dots = g.dots(problem, homes, balance);
  Plan plan = FinishRingPlan(problem, std::move(homes), std::move(dots));
  const int64_t events = CountPlanEvents(problem, plan);
  if (held && events > options.max_events) {
    return TooManyEvents(absl::StrFormat("the %s schedule for %s has", g.name, Describe(problem)),
                         events, options.max_events);
  }
  if (options.admit) RETURN_IF_ERROR(options.admit(events, held));
  return std::make_pair(std::move(plan), events);
}

// The same plan, compiled whole.
absl::StatusOr<Schedule> CompileGenerator(const Generator& g, const Problem& problem,
                                          Placement homes, bool balance,
                                          const GenerateOptions& options) {
  ASSIGN_OR_RETURN(auto plan, AdmittedPlan(g, problem, std::move(homes), balance, true, options));
  return CompilePlan(problem, std::move(plan.first));
}

// The makespan of a plan's schedule, compiled as a stream and not kept.
absl::StatusOr<int64_t> StreamedMakespan(const Problem& problem, Plan plan) {
  std::unique_ptr<EventSource> events = CompilePlanStream(problem, std::move(plan));
  int64_t makespan = 0;
  for (; events->Valid(); events->Next()) {
    const Event& e = events->event();
    if (e.is_op()) makespan = std::max(makespan, e.start + Duration(problem, e.op()));
  }
  RETURN_IF_ERROR(events->status());
  return makespan;
}

// A placement the generator may use, with its name for the summary.
struct Candidate {
  std::string label;
  Placement homes;
  int64_t pes_used = 0;  // the homes lie on PEs 0..pes_used-1
};

// The free placements the generator weighs with its tokens homed on PEs 0..pes-1:
// its named placement, then least-loaded and work blocks where it uses them. Chosen
// for one head and repeated for every head (a token's home serves all its heads).
std::vector<Candidate> FreeCandidates(const Generator& g, const Problem& problem, int64_t pes) {
  Problem head = HeadProblem(problem);
  head.machine.pes = pes;
  const Instance& inst = problem.instance;
  std::vector<Candidate> out;
  out.push_back({std::string(PlacementKindName(g.placement)),
                 *MakeLayerPlacement(PlacementSpec{g.placement, {}}, inst, pes), pes});
  if (g.chain_balanced) {
    out.push_back({"least-loaded", LayerPlacement(inst, LeastLoadedPlacement(head)), pes});
  }
  if (g.work_blocks) {
    out.push_back({"work-blocks", LayerPlacement(inst, WorkBlockPlacement(head)), pes});
  }
  return out;
}

// The best schedule (into `best`) over the candidates (ties: fewer transfers),
// balanced where the compute binds (balancing only adds transfers where the links
// bind), and the other way, which can be better with few tokens per PE.
// Homes on part of the ring are compiled unbalanced. A candidate over the event limit
// is passed over while another fits. Returns the
// candidate used.
absl::StatusOr<Candidate> CompileBest(const Generator& g, const Problem& problem,
                                      std::vector<Candidate> candidates,
                                      const GenerateOptions& options, Schedule& best) {
  size_t chosen = 0;
  absl::Status over_limit = absl::OkStatus();
  for (size_t k = 0; k < candidates.size(); ++k) {
    const LowerBounds lb = ComputeLowerBounds(problem, candidates[k].homes);
    // Homes on part of the ring are not balanced: chain shedding would spread the dots
    // over every PE of the ring, however many.
    const bool whole_ring = candidates[k].pes_used == problem.pes();
    const bool balance = whole_ring && lb.work >= std::max(lb.link, lb.traffic);
    for (bool b : {balance, !balance}) {
      if (b != balance && !whole_ring) continue;
      absl::StatusOr<Schedule> compiled =
          CompileGenerator(g, problem, candidates[k].homes, b, options);
      if (absl::IsResourceExhausted(compiled.status())) {
        over_limit = compiled.status();
        continue;
      }
      ASSIGN_OR_RETURN(Schedule s, std::move(compiled));
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
  if (best.events.empty()) return over_limit;
  return std::move(candidates[chosen]);
}

// Large instances compile one candidate: the first of those with the smallest lower
// bound; then, where the link traffic bound comes within half of LB_work (a scattered
// placement loads the links even where the compute binds: a window of 4 keys on 8 PEs
// compiled 17% above LB_work on least-loaded homes), the smallest traffic; then the
// smallest balancing flows (MaxShedDots).
Candidate MostPromising(const Problem& problem, std::vector<Candidate> candidates) {
  size_t best = 0;
  std::tuple<int64_t, int64_t, int64_t> best_rank;
  for (size_t k = 0; k < candidates.size(); ++k) {
    const LowerBounds lb = ComputeLowerBounds(problem, candidates[k].homes);
    const int64_t loaded_links = 2 * lb.traffic >= lb.work ? lb.traffic : 0;
    const std::tuple<int64_t, int64_t, int64_t> rank = {
        lb.Max(), loaded_links, MaxShedDots(problem, candidates[k].homes)};
    if (k == 0 || rank < best_rank) {
      best_rank = rank;
      best = k;
    }
  }
  return std::move(candidates[best]);
}

// A schedule above its placement's lower bound, improved by the local search within
// the budget of compiled events; `info` gets the plans searched and a note.
absl::Status Improve(const GenerateOptions& options, Schedule& schedule, Generated& info) {
  const int64_t events = std::max<int64_t>(static_cast<int64_t>(schedule.events.size()), 1);
  const int64_t plans = options.search_events / events;
  const int64_t target = ComputeLowerBounds(schedule.problem, schedule.placement).Max();
  if (plans < kMinSearchPlans || Makespan(schedule) <= target) return absl::OkStatus();
  if (IsCancelled(options.cancelled)) return StoppedError("generation");
  PlanSearchOptions search;
  search.max_evaluations = plans;
  search.target = target;
  const int64_t before = Makespan(schedule);
  ASSIGN_OR_RETURN(schedule, ImproveByPlanSearch(schedule, search));
  info.plans_searched = plans;
  if (Makespan(schedule) < before) {
    absl::StrAppend(&info.note, info.note.empty() ? "" : "; ",
                    absl::StrFormat("local search over at most %d plans: %d -> %d cycles", plans,
                                    before, Makespan(schedule)));
  }
  return absl::OkStatus();
}

// Link-timed list scheduling (list_scheduler.h) over the homes of `best`, aiming at
// the lower bound and at steps above it up to 30% (aims close to the bound miss
// deadlines where links and units are both tight, and a missed deadline delays the
// rest of its chain), each with the values' link time estimated and not, the
// shortest kept when shorter than `best` (with shared inputs without the dot split,
// which takes distinct inputs only): for a schedule above its lower bound, without a
// storage limit (its plans have no flow control, Plan::forward_after_last_use;
// Generate list-schedules the attempt without the limit), and with at most kListWork
// dots x m^2 (the list scheduler's time, about 0.1 s per aim; causal n = m = 16 with
// 8 heads is 0.28 million).
constexpr int64_t kListWork = int64_t{1} << 22;

// The aims, in cycles: the bound plus 0%, 5%, ..., 30% of it; or, up to kFineAimWork
// dots x m^2, plus 0%, 1%, ..., 30%, each distinct aim once (small instances, where a
// cycle is a few percent and an aim costs at most a few milliseconds: causal
// n = m = 8 with 8 heads is 18,432; docs/generators.md, "Few tokens per PE").
constexpr int64_t kFineAimWork = int64_t{1} << 16;

std::vector<int64_t> ListAims(int64_t bound, int64_t work) {
  const int64_t percent = work <= kFineAimWork ? 1 : 5;
  std::vector<int64_t> aims;
  for (int64_t k = 0; k * percent <= 30; ++k) {
    const int64_t aim = bound + bound * k * percent / 100;
    if (aims.empty() || aim > aims.back()) aims.push_back(aim);
  }
  return aims;
}

absl::Status TryListScheduling(const Problem& problem, const GenerateOptions& options,
                               Schedule& best, Generated& info) {
  const int64_t bound = ComputeLowerBounds(problem, best.placement).Max();
  const int64_t m = problem.pes();
  const int64_t work = CountOperations(problem.instance).dots * m * m;
  if (problem.machine.max_words_per_pe > 0 || Makespan(best) <= bound || work > kListWork) {
    return absl::OkStatus();
  }
  const int64_t before = Makespan(best);
  const bool shared = problem.instance.shared;  // the split is for distinct inputs
  const DotPlacement split =
      shared ? DotPlacement{}
             : SplitPlacement(SplitDots(problem, best.placement), best.placement, m);
  const std::vector<int64_t> aims = ListAims(bound, work);
  bool split_best = false;
  for (size_t k = 0; k < 4 * aims.size() && Makespan(best) > bound; ++k) {
    if (IsCancelled(options.cancelled)) return StoppedError("generation");
    const int64_t target = aims[k / 4];
    const bool split_dots = k % 4 >= 2;
    if (split_dots && shared) continue;
    Plan plan = DerivedPlan(problem, best.placement,
                            LinkTimedOrders(problem, best.placement, target, k % 2 == 1,
                                            split_dots ? split : DotPlacement{}));
    const int64_t events = CountPlanEvents(problem, plan);
    if (events > options.max_events) return absl::OkStatus();  // the ring's schedule fits
    if (options.admit) RETURN_IF_ERROR(options.admit(events, true));
    ASSIGN_OR_RETURN(Schedule s, CompilePlan(problem, std::move(plan)));
    if (Makespan(s) < Makespan(best)) {
      best = std::move(s);
      split_best = split_dots;
    }
  }
  if (Makespan(best) == before) return absl::OkStatus();
  absl::StrAppend(&info.note, info.note.empty() ? "" : "; ",
                  absl::StrFormat("link-timed list scheduling%s: %d -> %d cycles",
                                  split_best ? " over a dot split" : "", before, Makespan(best)));
  info.generator = "list-scheduling";
  return absl::OkStatus();
}

// A storage limit below what every schedule holds at cycle 0: refused before any work.
absl::Status CheckStorageLimit(const Problem& problem, const std::optional<Placement>& homes) {
  const int64_t limit = problem.machine.max_words_per_pe;
  const int64_t least = StorageLowerBound(problem, homes ? &*homes : nullptr);
  if (limit == 0 || limit >= least) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "max_words_per_pe = %d: below the %d words that the PE with the most tokens holds from "
      "cycle 0 in any schedule (its inputs%s); raise it to at least %d or use more PEs",
      limit, least, homes ? "" : ", with ceil(n/m) tokens", least));
}

// Frees what each PE received after its last use, within the event limit (the frees
// are events the schedule holds too); returns the schedule's peak words on its fullest
// PE and that PE.
absl::StatusOr<std::pair<int64_t, int32_t>> FreeAndMeasure(Schedule& schedule,
                                                           int64_t max_events) {
  FreeAfterLastUse(schedule);
  if (const int64_t events = static_cast<int64_t>(schedule.events.size()); events > max_events) {
    return TooManyEvents(absl::StrFormat("with its frees, the schedule for %s has",
                                         Describe(schedule.problem)),
                         events, max_events);
  }
  // The whole schedule's peak: validated without the limit, which would stop it at
  // the first cycle above.
  const int64_t limit = std::exchange(schedule.problem.machine.max_words_per_pe, 0);
  VectorEventSource events(schedule);
  absl::StatusOr<ValidationReport> report =
      Validate(events, ValidationOptions{std::numeric_limits<int64_t>::max()});
  schedule.problem.machine.max_words_per_pe = limit;
  if (!report.ok()) return report.status();
  if (!report->valid()) {
    return absl::InternalError(absl::StrCat("a generated schedule with frees is invalid (a bug, "
                                            "please report it): ", report->violation->message));
  }
  const std::vector<int64_t>& peak = report->stats.peak_words;
  const auto most = std::max_element(peak.begin(), peak.end());
  return std::make_pair(*most, static_cast<int32_t>(most - peak.begin()));
}

}  // namespace

const Generator& GeneratorFor(const Instance& inst) {
  // The half ring needs every pair of the layer related: one head's.
  if (inst.head_mask().Full() && inst.heads() == 1) return inst.shared ? kShared : kGeneral;
  if (inst.head_mask().Full() && !inst.shared) return kGeneral;
  if (inst.head_mask().PlainCausal()) return kCausal;
  return kMasked;
}

namespace {

// What the generator chose, before it is read: the schedule compiled whole (instances
// of at most kCompareEvents operations, which weigh their candidates by compiling
// them), or the plan of a larger instance's one candidate, compiled as it is read.
struct Chosen {
  Generated info;  // all but the events
  std::optional<Schedule> whole;
  std::optional<Plan> plan;
};

std::string PartRingNote(const Problem& problem, int64_t pes_used) {
  const char* unit = problem.mask().tile() > 1 ? "tiles" : "tokens";
  return absl::StrFormat("%s homed on PEs 0..%d of %d (more PEs than %s)", unit, pes_used - 1,
                         problem.pes(), unit);
}

std::string OnePeNote(const Problem& problem, const Generated& info, absl::string_view ring,
                      int64_t work) {
  return absl::StrFormat(
      "all work on PE 0 of %d: the %s schedule over %s homes takes %s cycles, one PE takes "
      "the total work W = %d (the links are too slow for the compute)",
      problem.pes(), info.generator, info.placement, ring, work);
}

// The candidates of a free placement, or the pinned one.
absl::StatusOr<std::vector<Candidate>> Candidates(const Generator& g, const Problem& problem,
                                                  const GenerateOptions& options, bool small) {
  const int64_t m = problem.pes(), n = problem.instance.rows_per_head();
  std::vector<Candidate> candidates;
  if (options.placement) {
    ASSIGN_OR_RETURN(Placement pinned, MakeLayerPlacement(*options.placement, problem.instance, m));
    candidates.push_back({std::string(PlacementKindName(options.placement->kind)),
                          std::move(pinned), m});
    return candidates;
  }
  // More PEs than tokens: placements over the whole ring spread the tokens, and every
  // key with them, around it; homed on PEs 0..n-1 the keys travel at most n links.
  // Only small instances on rings of at most 2n PEs weigh both.
  if (m <= n || (small && m <= 2 * n)) candidates = FreeCandidates(g, problem, m);
  if (m > n) {
    for (Candidate& c : FreeCandidates(g, problem, n)) candidates.push_back(std::move(c));
  }
  return candidates;
}

// Small instances: every candidate compiled, the best improved by the local search,
// and one PE when that is faster.
absl::Status ChooseWhole(const Generator& g, const Problem& problem,
                         std::vector<Candidate> candidates, const GenerateOptions& options,
                         Chosen& out) {
  Schedule best;
  ASSIGN_OR_RETURN(Candidate c, CompileBest(g, problem, std::move(candidates), options, best));
  out.info.placement = c.label;
  if (c.pes_used < problem.pes()) out.info.note = PartRingNote(problem, c.pes_used);
  RETURN_IF_ERROR(TryListScheduling(problem, options, best, out.info));
  RETURN_IF_ERROR(Improve(options, best, out.info));
  const int64_t work = TotalWork(problem);
  if (!out.info.pinned && Makespan(best) > work) {
    out.info.note = OnePeNote(problem, out.info, absl::StrCat(Makespan(best)), work);
    ASSIGN_OR_RETURN(best, CompileGenerator(g, problem, Placement(problem.n(), 0), false, options));
    out.info.generator = out.info.placement = "one-pe";
  }
  out.whole = std::move(best);
  return absl::OkStatus();
}

// Large instances: the most promising candidate's plan, not compiled. One PE instead
// when the ring is slower than W: when its lower bound says so, or, with the bound
// above W / 2, when a compilation that keeps nothing measures it (below W / 2 the ring
// stays under W: its makespan is at most 1.8 times its bound in every measurement,
// docs/generators.md).
absl::Status ChoosePlan(const Generator& g, const Problem& problem, Candidate c,
                        const GenerateOptions& options, bool held, Chosen& out) {
  out.info.placement = c.label;
  if (c.pes_used < problem.pes()) out.info.note = PartRingNote(problem, c.pes_used);
  const LowerBounds lb = ComputeLowerBounds(problem, c.homes);
  // Homes on part of the ring are not balanced: chain shedding would spread the dots
  // over every PE of the ring, however many.
  const bool balance = c.pes_used == problem.pes() && lb.work >= std::max(lb.link, lb.traffic);
  ASSIGN_OR_RETURN(auto plan, AdmittedPlan(g, problem, c.homes, balance, held, options));
  const int64_t work = TotalWork(problem);
  std::string ring;
  if (!out.info.pinned && lb.Max() > work) {
    ring = absl::StrCat("at least ", lb.Max());
  } else if (!out.info.pinned && 2 * lb.Max() > work) {
    ASSIGN_OR_RETURN(const int64_t t, StreamedMakespan(problem, std::move(plan.first)));
    if (t > work) ring = absl::StrCat(t);
    ASSIGN_OR_RETURN(plan, AdmittedPlan(g, problem, std::move(c.homes), balance, held, options));
  }
  if (!ring.empty()) {
    out.info.note = OnePeNote(problem, out.info, ring, work);
    ASSIGN_OR_RETURN(plan, AdmittedPlan(g, problem, Placement(problem.n(), 0), false, held, options));
    out.info.generator = out.info.placement = "one-pe";
  }
  out.info.event_count = plan.second;
  out.plan = std::move(plan.first);
  return absl::OkStatus();
}

// Chooses without regard to a storage limit (but for the plans' flow control, which
// FinishRingPlan turns on when the problem has a limit); `held`: the schedule will be
// held whole (within max_events).
absl::StatusOr<Chosen> Choose(const Problem& problem, const GenerateOptions& options,
                              bool held) {
  RETURN_IF_ERROR(ValidateProblem(problem));
  const int64_t operations = CountOperations(problem.instance).total();
  if (operations > options.max_operations) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s has %d operations, above the operation limit %d; raise --max-operations if "
        "the machine has the memory (about 1 byte per operation to generate and check)",
        Describe(problem), operations, options.max_operations));
  }
  const bool small = operations <= kCompareEvents;
  if ((held || small) && operations > options.max_events) {
    return TooManyEvents(absl::StrFormat("%s has %d operations, so a schedule has at least",
                                         Describe(problem), operations),
                         operations, options.max_events);
  }
  const Generator& g = GeneratorFor(problem.instance);
  ASSIGN_OR_RETURN(std::vector<Candidate> candidates, Candidates(g, problem, options, small));
  Chosen out;
  out.info.generator = std::string(g.name);
  out.info.pinned = options.placement.has_value();
  if (small) {
    RETURN_IF_ERROR(ChooseWhole(g, problem, std::move(candidates), options, out));
  } else {
    RETURN_IF_ERROR(ChoosePlan(g, problem, MostPromising(problem, std::move(candidates)), options,
                               held, out));
  }
  return out;
}

// The chosen schedule, compiled whole if it is not yet.
absl::StatusOr<Schedule> Whole(const Problem& problem, Chosen& chosen) {
  if (chosen.whole) return std::move(*chosen.whole);
  return CompilePlan(problem, std::move(*chosen.plan));
}

Generated Held(Generated info, Schedule schedule) {
  info.event_count = static_cast<int64_t>(schedule.events.size());
  info.events = std::make_unique<VectorEventSource>(std::move(schedule));
  return info;
}

}  // namespace

absl::StatusOr<Generated> Generate(const Problem& problem, const GenerateOptions& options) {
  const int64_t limit = problem.machine.max_words_per_pe;
  if (limit == 0) {
    ASSIGN_OR_RETURN(Chosen chosen, Choose(problem, options, options.hold));
    if (chosen.whole) return Held(std::move(chosen.info), std::move(*chosen.whole));
    chosen.info.events = CompilePlanStream(problem, std::move(*chosen.plan));
    return std::move(chosen.info);
  }
  RETURN_IF_ERROR(ValidateProblem(problem));
  std::optional<Placement> pinned;
  if (options.placement) {
    ASSIGN_OR_RETURN(pinned,
                     MakeLayerPlacement(*options.placement, problem.instance, problem.pes()));
  }
  RETURN_IF_ERROR(CheckStorageLimit(problem, pinned));
  // First the fastest schedule with frees; if it holds too much, the same plans with
  // flow control (a vector leaves a PE after its last use there), which holds about
  // a block in flight per ring but may wait. Frees follow each item's last use, so
  // these schedules are built whole.
  Problem plain = problem;
  plain.machine.max_words_per_pe = 0;
  ASSIGN_OR_RETURN(Chosen fast, Choose(plain, options, true));
  ASSIGN_OR_RETURN(Schedule fast_schedule, Whole(plain, fast));
  fast_schedule.problem.machine.max_words_per_pe = limit;
  ASSIGN_OR_RETURN(const auto fast_peak, FreeAndMeasure(fast_schedule, options.max_events));
  auto noted = [](Generated g, std::string what) {
    absl::StrAppend(&g.note, g.note.empty() ? "" : "; ", what);
    return g;
  };
  if (fast_peak.first <= limit) {
    return noted(Held(std::move(fast.info), std::move(fast_schedule)),
                 absl::StrFormat("items freed after their last use: at most %d words per PE",
                                 fast_peak.first));
  }
  ASSIGN_OR_RETURN(Chosen paced, Choose(problem, options, true));
  ASSIGN_OR_RETURN(Schedule paced_schedule, Whole(problem, paced));
  ASSIGN_OR_RETURN(const auto paced_peak, FreeAndMeasure(paced_schedule, options.max_events));
  if (paced_peak.first <= limit) {
    const int64_t t = Makespan(paced_schedule), t0 = Makespan(fast_schedule);
    return noted(Held(std::move(paced.info), std::move(paced_schedule)),
                 absl::StrFormat("items freed after their last use, vectors forwarded only "
                                 "after it: at most %d words per PE (%d without flow control); "
                                 "makespan %d cycles against %d",
                                 paced_peak.first, fast_peak.first, t, t0));
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "max_words_per_pe = %d: the %s schedule needs %d words on PE %d with every item a PE "
      "receives freed after its last use, and the %s schedule %d words on PE %d with vectors "
      "also forwarded only after it; raise the limit to at least %d, or use more PEs",
      limit, fast.info.generator, fast_peak.first, fast_peak.second, paced.info.generator,
      paced_peak.first, paced_peak.second, std::min(fast_peak.first, paced_peak.first)));
}

absl::StatusOr<Schedule> GenerateSchedule(const Problem& problem, const GenerateOptions& options) {
  GenerateOptions held = options;
  held.hold = true;
  ASSIGN_OR_RETURN(Generated g, Generate(problem, held));
  return ReadWhole(*g.events, g.event_count);
}

}  // namespace attnsched
