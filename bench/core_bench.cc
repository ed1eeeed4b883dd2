// Speed of the core: generators (plan + compile), validator, simulator and the
// schedule file, per event; local search over plans, per plan compiled. Run: build/bench/core_bench [--benchmark_filter=...].
// Figures are recorded in docs/performance.md.
#include <cstring>
#include <sstream>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "lib/algorithms/dot_split.h"
#include "lib/algorithms/generator.h"
#include "lib/algorithms/list_scheduler.h"
#include "lib/algorithms/plan_search.h"
#include "lib/export/schedule_json.h"
#include "lib/model/bounds.h"
#include "lib/model/free_bound.h"
#include "lib/model/heads.h"
#include "lib/model/link_bounds.h"
#include "lib/schedule/event_runs.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"

namespace attnsched {
namespace {

// Args: scheme, n, d, m.
Problem ProblemOf(const benchmark::State& state) {
  return MakeProblem(static_cast<Scheme>(state.range(0)), state.range(1), state.range(2),
                     state.range(3));
}

void SetEventCounters(benchmark::State& state, int64_t events) {
  state.counters["events"] = static_cast<double>(events);
  state.counters["events/s"] = benchmark::Counter(
      static_cast<double>(events) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

// Generates and reads the stream to its end: the events are compiled as they are
// read (large instances) and not kept.
int64_t GenerateAndRead(const Problem& p) {
  absl::StatusOr<Generated> g = Generate(p);
  int64_t events = 0;
  for (; g->events->Valid(); g->events->Next()) ++events;
  return events;
}

void GenerateEach(benchmark::State& state, const Problem& p) {
  int64_t events = 0;
  for (auto _ : state) events = GenerateAndRead(p);
  SetEventCounters(state, events);
}

void ValidateEach(benchmark::State& state, const Problem& p) {
  const Schedule s = *GenerateSchedule(p);
  for (auto _ : state) {
    VectorEventSource events(s);
    benchmark::DoNotOptimize(Validate(events));
  }
  SetEventCounters(state, static_cast<int64_t>(s.events.size()));
}

void BM_Generate(benchmark::State& state) { GenerateEach(state, ProblemOf(state)); }
void BM_Validate(benchmark::State& state) { ValidateEach(state, ProblemOf(state)); }

void BM_Simulate(benchmark::State& state) {
  const Schedule s = *GenerateSchedule(ProblemOf(state));
  for (auto _ : state) {
    VectorEventSource events(s);
    benchmark::DoNotOptimize(Simulate(events, 1));
  }
  SetEventCounters(state, static_cast<int64_t>(s.events.size()));
}

void BM_WriteReadJson(benchmark::State& state) {
  const Schedule s = *GenerateSchedule(ProblemOf(state));
  for (auto _ : state) {
    std::stringstream buffer;
    VectorEventSource events(s);
    (void)WriteScheduleJson(events, buffer);
    benchmark::DoNotOptimize(ReadScheduleJson(buffer, kDefaultMaxEvents));
  }
  SetEventCounters(state, static_cast<int64_t>(s.events.size()));
}

// The compact form (lib/schedule/event_runs.h): cutting a schedule's events into runs,
// and expanding the runs back into events, per event.
std::vector<EventRun> RunsOf(const Schedule& s) {
  std::vector<EventRun> runs;
  RunEncoder encoder(s.problem.pes(), RunEncoder::kDefaultMaxPending, [&runs](const EventRun& r) {
    runs.push_back(r);
    return absl::OkStatus();
  });
  for (const Event& e : s.events) (void)encoder.Add(e);
  (void)encoder.Finish();
  return runs;
}

void BM_EncodeRuns(benchmark::State& state) {
  const Schedule s = *GenerateSchedule(ProblemOf(state));
  size_t runs = 0;
  for (auto _ : state) runs = RunsOf(s).size();
  SetEventCounters(state, static_cast<int64_t>(s.events.size()));
  state.counters["runs"] = static_cast<double>(runs);
}

void BM_ExpandRuns(benchmark::State& state) {
  const Schedule s = *GenerateSchedule(ProblemOf(state));
  const std::vector<EventRun> runs = RunsOf(s);
  std::vector<Event> block;
  for (auto _ : state) {
    RunExpander expander(RunExpander::kDefaultMaxHeld);
    int64_t events = 0;
    auto take = [&](bool all) {
      do {
        block.clear();
        expander.Take(all, 4096, block);
        events += static_cast<int64_t>(block.size());
      } while (block.size() == 4096);
    };
    for (const EventRun& run : runs) {
      (void)expander.Add(run);
      take(false);
    }
    take(true);
    benchmark::DoNotOptimize(events);
  }
  SetEventCounters(state, static_cast<int64_t>(s.events.size()));
}

// The floor for any pass over a schedule: copying its events' bytes (24 per event)
// with memcpy, in the same run as the figures it is compared with. Arg: events.
void BM_MemcpyEvents(benchmark::State& state) {
  const std::vector<Event> from(static_cast<size_t>(state.range(0)), Event{});
  std::vector<Event> to(from.size());
  for (auto _ : state) {
    std::memcpy(to.data(), from.data(), from.size() * sizeof(Event));
    benchmark::ClobberMemory();
  }
  SetEventCounters(state, state.range(0));
}

// general / causal at the GPT-2 and BERT shapes, shared at the BERT shape.
void Sizes(benchmark::internal::Benchmark* b) {
  b->Args({static_cast<int>(Scheme::kGeneral), 512, 64, 16});
  b->Args({static_cast<int>(Scheme::kShared), 512, 64, 16});
  b->Args({static_cast<int>(Scheme::kCausal), 1024, 64, 16});
  b->Args({static_cast<int>(Scheme::kCausal), 4096, 128, 64});
  b->ArgNames({"scheme", "n", "d", "m"})->Unit(benchmark::kMillisecond)->Iterations(1);
}

// The same shapes with n one token longer (not a multiple of m): the any-n path,
// balanced by chain shedding (general, causal) or pair moves (shared).
void AnyNSizes(benchmark::internal::Benchmark* b) {
  b->Args({static_cast<int>(Scheme::kGeneral), 513, 64, 16});
  b->Args({static_cast<int>(Scheme::kShared), 513, 64, 16});
  b->Args({static_cast<int>(Scheme::kCausal), 1025, 64, 16});
  b->Args({static_cast<int>(Scheme::kCausal), 4097, 128, 64});
  b->ArgNames({"scheme", "n", "d", "m"})->Unit(benchmark::kMillisecond)->Iterations(1);
}

// Masks beyond v1's (lib/model/mask.h): the packed-documents preset's segments, a
// sliding window, and v1's causal mask for comparison, all n = 4096; then causal masks
// of about the same event counts as the first two (n = 1800: 3.5 M events, n = 2770:
// 7.9 M), since events/s falls with the size of a schedule. d = 128, m = 64.
constexpr struct {
  const char* segments;
  int64_t window;
} kMasks[] = {{"1200c,700c,580c,500c,410c,330c,220c,156c", 0},
              {"4096c", 1024},
              {"4096c", 0},
              {"1800c", 0},
              {"2770c", 0}};

// Arg: index into kMasks.
Problem MaskedProblemOf(const benchmark::State& state) {
  const auto& c = kMasks[state.range(0)];
  Mask mask = *Mask::Make(*ParseSegments(c.segments), c.window, kMaxTokens);
  return Problem{Instance{std::move(mask), 128, false}, Machine{64, 1, 1, 0},
                 Costs::Default(128)};
}

void BM_GenerateMasked(benchmark::State& state) { GenerateEach(state, MaskedProblemOf(state)); }
void BM_ValidateMasked(benchmark::State& state) { ValidateEach(state, MaskedProblemOf(state)); }

void MaskSizes(benchmark::internal::Benchmark* b) {
  for (int k = 0; k < 5; ++k) b->Arg(k);
  b->ArgName("mask")->Unit(benchmark::kMillisecond)->Iterations(1);
}

// Long contexts in tiles (SPEC 10.4): causal n = 131072, d = 128 on 64 PEs (the
// Llama-3.1-8B context) with tiles of 128 and 64 tokens; causal n = 32768 on 8 PEs with
// tiles of 32. Args: n, tile, m. Generation includes the tiled mask's weights.
Problem TiledProblemOf(const benchmark::State& state) {
  Problem p = MakeProblem(Scheme::kCausal, state.range(0), 128, state.range(2));
  p.instance.mask = *p.instance.mask.Tiled(state.range(1));
  return p;
}

void BM_GenerateTiled(benchmark::State& state) {
  Problem p = TiledProblemOf(state);
  int64_t events = 0;
  for (auto _ : state) {
    p.instance.mask = *MakeInstance(Scheme::kCausal, state.range(0), 128).mask.Tiled(state.range(1));
    events = GenerateAndRead(p);
  }
  SetEventCounters(state, events);
}
void BM_ValidateTiled(benchmark::State& state) { ValidateEach(state, TiledProblemOf(state)); }

void TiledSizes(benchmark::internal::Benchmark* b) {
  b->Args({131072, 128, 64})->Args({131072, 64, 64})->Args({32768, 32, 8});
  b->ArgNames({"n", "tile", "m"})->Unit(benchmark::kMillisecond)->Iterations(1);
}

// Layers of heads (SPEC 10.3) against one head: causal, d = 128, 64 PEs; one head of
// 4096 tokens and 16 heads of 1024 (about the same events), with 16 and with 4
// key/value heads; and one head of 1024 (the same shape per head). Args: n, heads,
// kv_heads.
Problem HeadsProblemOf(const benchmark::State& state) {
  Problem p = MakeProblem(Scheme::kCausal, state.range(0), 128, 64);
  p.instance = *WithHeads(p.instance, state.range(1), state.range(2), "");
  return p;
}

void BM_GenerateHeads(benchmark::State& state) { GenerateEach(state, HeadsProblemOf(state)); }
void BM_ValidateHeads(benchmark::State& state) { ValidateEach(state, HeadsProblemOf(state)); }

void HeadsSizes(benchmark::internal::Benchmark* b) {
  b->Args({4096, 1, 1})->Args({1024, 16, 16})->Args({1024, 16, 4})->Args({1024, 1, 1});
  b->ArgNames({"n", "heads", "kv"})->Unit(benchmark::kMillisecond)->Iterations(3);
}

BENCHMARK(BM_GenerateHeads)->Apply(HeadsSizes);
BENCHMARK(BM_ValidateHeads)->Apply(HeadsSizes);

BENCHMARK(BM_GenerateTiled)->Apply(TiledSizes);
BENCHMARK(BM_ValidateTiled)->Apply(TiledSizes);

// A ring of 65,536 PEs with 64 tokens: most rounds of ring rotation are empty.
BENCHMARK(BM_Generate)
    ->Args({static_cast<int>(Scheme::kCausal), 64, 8, 65536})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_Generate)->Apply(Sizes);
BENCHMARK(BM_GenerateMasked)->Apply(MaskSizes);
BENCHMARK(BM_ValidateMasked)->Apply(MaskSizes);
BENCHMARK(BM_Generate)->Apply(AnyNSizes);
BENCHMARK(BM_Validate)->Apply(Sizes);
BENCHMARK(BM_Simulate)->Apply(Sizes);
BENCHMARK(BM_EncodeRuns)
    ->Args({static_cast<int>(Scheme::kCausal), 4096, 128, 64})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_ExpandRuns)
    ->Args({static_cast<int>(Scheme::kCausal), 4096, 128, 64})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_MemcpyEvents)->Arg(17297472)->ArgName("events")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WriteReadJson)
    ->Args({static_cast<int>(Scheme::kCausal), 1024, 64, 16})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// Args: scheme, n, d, m; block homes, the generator's schedule as the start, 20,000
// plans and an unreachable target, so every plan is compiled.
void BM_PlanSearch(benchmark::State& state) {
  const Problem p = ProblemOf(state);
  const Schedule start =
      *GenerateSchedule(p, {kDefaultMaxEvents, PlacementSpec{PlacementKind::kBlock, {}}, 0});
  PlanSearchOptions options;
  options.max_evaluations = 20'000;
  options.target = 1;
  int64_t makespan = 0;
  for (auto _ : state) makespan = Makespan(*ImproveByPlanSearch(start, options));
  state.counters["plans/s"] = benchmark::Counter(
      static_cast<double>(options.max_evaluations) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["start"] = static_cast<double>(Makespan(start));
  state.counters["makespan"] = static_cast<double>(makespan);
}
BENCHMARK(BM_PlanSearch)
    ->Args({static_cast<int>(Scheme::kShared), 8, 2, 4})
    ->Args({static_cast<int>(Scheme::kCausal), 8, 2, 2})
    ->Args({static_cast<int>(Scheme::kCausal), 16, 2, 4})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// A causal layer, d = 4, of `heads` query heads over `kv_heads` on m PEs, with block
// homes: the one-token-per-PE layers of the list scheduler, the dot split and the
// bounds below.
struct BlockLayer {
  Problem problem;
  Placement homes;
};
BlockLayer CausalBlockLayer(int64_t n, int64_t m, int64_t heads, int64_t kv_heads) {
  Problem p = MakeProblem(Scheme::kCausal, n, 4, m);
  p.instance = *WithHeads(p.instance, heads, kv_heads, "");
  Placement homes =
      *MakeLayerPlacement(PlacementSpec{PlacementKind::kBlock, {}}, p.instance, p.pes());
  return {std::move(p), std::move(homes)};
}

// Link-timed list scheduling (list_scheduler.h) of `p` over `homes`, aiming at the
// largest lower bound: the orders, and their compilation (derived_routes.h, plan.h).
void ListScheduleLoop(benchmark::State& state, const Problem& p, const Placement& homes) {
  const int64_t bound = ComputeLowerBounds(p, homes).Max();
  int64_t makespan = 0;
  for (auto _ : state) {
    makespan =
        Makespan(*CompilePlan(p, DerivedPlan(p, homes, LinkTimedOrders(p, homes, bound, false))));
  }
  state.counters["bound"] = static_cast<double>(bound);
  state.counters["makespan"] = static_cast<double>(makespan);
}

// A causal layer with one token per PE, d = 4, block homes. Args: n = m, heads,
// kv_heads.
void BM_ListSchedule(benchmark::State& state) {
  const auto [p, homes] =
      CausalBlockLayer(state.range(0), state.range(0), state.range(1), state.range(2));
  ListScheduleLoop(state, p, homes);
}
BENCHMARK(BM_ListSchedule)
    ->Args({8, 8, 8})
    ->Args({8, 8, 2})
    ->Args({16, 8, 2})
    ->Args({32, 8, 2})
    ->ArgNames({"n", "heads", "kv"})
    ->Unit(benchmark::kMillisecond);

// Shared inputs, d = 1, block homes: one dot per pair, its score sent to two homes,
// many one-cycle transfers on every link. Args: n, m.
void BM_ListScheduleShared(benchmark::State& state) {
  const Problem p = MakeProblem(Scheme::kShared, state.range(0), 1, state.range(1));
  const Placement homes =
      *MakeLayerPlacement(PlacementSpec{PlacementKind::kBlock, {}}, p.instance, p.pes());
  ListScheduleLoop(state, p, homes);
}
BENCHMARK(BM_ListScheduleShared)
    ->Args({11, 4})
    ->Args({135, 8})
    ->Args({211, 12})
    ->ArgNames({"n", "m"})
    ->Unit(benchmark::kMillisecond);

// The dot split (dot_split.h) of a causal layer with one token per PE, d = 4, block
// homes: its simulated annealing over the rows' thresholds. Args: n = m, heads, kv_heads.
void BM_DotSplit(benchmark::State& state) {
  const auto [p, homes] =
      CausalBlockLayer(state.range(0), state.range(0), state.range(1), state.range(2));
  DotSplit split;
  for (auto _ : state) split = SplitDots(p, homes);
  state.counters["all_at_home"] = static_cast<double>(split.all_at_home_load);
  state.counters["split"] = static_cast<double>(split.load);
}
BENCHMARK(BM_DotSplit)
    ->Args({8, 8, 8})
    ->Args({16, 8, 8})
    ->Args({16, 8, 2})
    ->ArgNames({"n", "heads", "kv"})
    ->Unit(benchmark::kMillisecond);

// The free placement's bound (free_bound.h): the least pinned bound over the
// candidate placements. Args: scheme, n, d, m.
void BM_FreeBound(benchmark::State& state) {
  const Problem p = ProblemOf(state);
  FreeBound bound;
  for (auto _ : state) bound = FreePlacementBound(p);
  state.counters["candidates"] = static_cast<double>(bound.candidates);
  state.counters["bound"] = static_cast<double>(bound.cycles);
  state.counters["LB_work"] = static_cast<double>(WorkBound(p));
}
BENCHMARK(BM_FreeBound)
    ->Args({static_cast<int>(Scheme::kShared), 9, 1, 4})
    ->Args({static_cast<int>(Scheme::kCausal), 9, 2, 3})
    ->Args({static_cast<int>(Scheme::kCausal), 16, 2, 2})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond);

// Every lower bound of a placement (bounds.h), LB_cut's arcs the costliest: causal
// layers of one token per PE (d = 4, 8 heads, block homes: LB_cut over every arc)
// and causal n = 4096 or 16384 on 64 PEs (one head: arcs of 15 and 3 PEs at most).
// Args: n, m, heads.
void BM_LowerBounds(benchmark::State& state) {
  const auto [p, homes] =
      CausalBlockLayer(state.range(0), state.range(1), state.range(2), state.range(2));
  LowerBounds lb;
  for (auto _ : state) lb = ComputeLowerBounds(p, homes);
  state.counters["arc_pes"] = static_cast<double>(CutArcPes(p));
  state.counters["LB_cut"] = static_cast<double>(lb.cut);
  state.counters["LB_link"] = static_cast<double>(lb.link);
}
BENCHMARK(BM_LowerBounds)
    ->Args({16, 16, 8})
    ->Args({64, 64, 16})
    ->Args({4096, 64, 1})
    ->Args({16384, 64, 1})
    ->ArgNames({"n", "m", "heads"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace attnsched
