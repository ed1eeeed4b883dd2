#include "lib/algorithms/plan_search.h"

#include <algorithm>
#include <compare>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "lib/algorithms/derived_routes.h"
#include "lib/algorithms/plan.h"
#include "lib/algorithms/ring.h"
#include "lib/schedule/event_source.h"

namespace attnsched {
namespace {

// The search state: each PE's program, and per item an offset added to its derived
// link priority (derived_routes.h: the derived order is a guess; the offsets let the
// search revise it).
struct State {
  OperationOrders programs;
  std::vector<int32_t> priority_offset;  // by TravellingItemIndex
};

// Lexicographic cost: makespan first, then the sum of operation end cycles.
struct Cost {
  int64_t makespan = 0;
  int64_t total_end = 0;
  friend auto operator<=>(const Cost&, const Cost&) = default;
};

class PlanSearch {
 public:
  PlanSearch(const Schedule& start, const PlanSearchOptions& options)
      : problem_(start.problem),
        homes_(start.placement),
        m_(static_cast<int32_t>(start.problem.pes())),
        options_(options),
        rng_(options.seed) {
    const int64_t n = start.problem.n();
    state_.programs.resize(m_);
    state_.priority_offset.assign(TravellingItemCount(n), 0);
    for (VectorEventSource events(start); events.Valid(); events.Next()) {
      const Event& e = events.event();
      if (e.is_op()) state_.programs[e.pe].push_back(e.op());
    }
  }

  Schedule Run(Schedule best) {
    Schedule compiled;
    const std::optional<Cost> first = Evaluate(state_, &compiled);
    if (!first) return best;  // the start's own order cannot deadlock; keep it
    if (first->makespan < Makespan(best)) best = std::move(compiled);
    int64_t best_makespan = Makespan(best);
    Cost current = *first;
    std::vector<Cost> history(kHistory, current);
    for (int64_t it = 0; it < options_.max_evaluations && best_makespan > options_.target; ++it) {
      if (it % 64 == 0 && options_.stop && options_.stop()) break;
      State candidate = state_;
      Mutate(candidate);
      const std::optional<Cost> cost = Evaluate(candidate, &compiled);
      if (!cost) continue;  // the programs deadlock
      Cost& late = history[it % kHistory];
      if (*cost <= current || *cost <= late) {
        state_ = std::move(candidate);
        current = *cost;
      }
      late = current;
      if (cost->makespan < best_makespan) {
        best_makespan = cost->makespan;
        best = std::move(compiled);
      }
    }
    return best;
  }

 private:
  static constexpr int kHistory = 64;
  static constexpr int kWindow = 6;  // positions an operation moves at most
  static constexpr int kOffsetStep = 6;  // cycles a priority offset moves at most

  // nullopt when the programs deadlock; `out` (if any) receives the schedule.
  std::optional<Cost> Evaluate(const State& state, Schedule* out) const {
    Plan plan = DerivedPlan(problem_, homes_, state.programs, state.priority_offset);
    absl::StatusOr<Schedule> compiled = CompilePlan(problem_, std::move(plan));
    if (!compiled.ok()) return std::nullopt;
    Cost cost;
    for (const Event& e : compiled->events) {
      if (!e.is_op()) continue;
      const int64_t end = e.start + Duration(problem_, e.op());
      cost.makespan = std::max(cost.makespan, end);
      cost.total_end += end;
    }
    if (out) *out = *std::move(compiled);
    return cost;
  }

  int64_t Uniform(int64_t lo, int64_t hi) {  // in [lo, hi]
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }

  // One move: a priority offset (one in four), a dot to another PE, or a shift.
  void Mutate(State& state) {
    if (Uniform(0, 3) == 0) {
      const int64_t index = Uniform(0, static_cast<int64_t>(state.priority_offset.size()) - 1);
      state.priority_offset[index] += static_cast<int32_t>(Uniform(-kOffsetStep, kOffsetStep));
      return;
    }
    int32_t p = static_cast<int32_t>(Uniform(0, m_ - 1));
    while (state.programs[p].empty()) p = (p + 1) % m_;
    std::vector<Operation>& from = state.programs[p];
    const int64_t a = Uniform(0, static_cast<int64_t>(from.size()) - 1);
    if (m_ > 1 && from[a].kind == OpKind::kDot && Uniform(0, 1) == 1) {
      MoveDot(state, p, a);
      return;
    }
    const int64_t b = std::clamp<int64_t>(a + Uniform(-kWindow, kWindow), 0,
                                          static_cast<int64_t>(from.size()) - 1);
    if (a < b) std::rotate(from.begin() + a, from.begin() + a + 1, from.begin() + b + 1);
    if (b < a) std::rotate(from.begin() + b, from.begin() + a, from.begin() + a + 1);
  }

  // Moves the dot at programs[p][a] to another PE, near the same relative position.
  void MoveDot(State& state, int32_t p, int64_t a) {
    std::vector<Operation>& from = state.programs[p];
    std::vector<Operation>& to = state.programs[(p + Uniform(1, m_ - 1)) % m_];
    const int64_t size = static_cast<int64_t>(to.size());
    const int64_t scaled = a * size / static_cast<int64_t>(from.size());
    const int64_t b = std::clamp<int64_t>(scaled + Uniform(-kWindow, kWindow), 0, size);
    to.insert(to.begin() + b, from[a]);
    from.erase(from.begin() + a);
  }

  const Problem problem_;
  const Placement homes_;
  const int32_t m_;
  const PlanSearchOptions options_;
  std::mt19937_64 rng_;
  State state_;  // the current (accepted) plan
};

}  // namespace

absl::StatusOr<Schedule> ImproveByPlanSearch(const Schedule& start,
                                             const PlanSearchOptions& options) {
  Schedule best = start;
  int64_t left = options.max_evaluations;
  for (uint64_t run = 0; left > 0 && Makespan(best) > options.target; ++run) {
    if (options.stop && options.stop()) break;
    PlanSearchOptions one = options;
    one.max_evaluations = std::min(left, options.restart_evaluations);
    one.seed = options.seed + run;
    best = PlanSearch(start, one).Run(std::move(best));
    left -= one.max_evaluations;
  }
  return best;
}

}  // namespace attnsched
