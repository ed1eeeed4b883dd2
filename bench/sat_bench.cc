// Speed of the SAT encoder (target: a formula of 10^6 clauses in under a second)
// and of the optimal search on small instances. Figures: docs/performance.md.
#include <algorithm>
#include <string>

#include "benchmark/benchmark.h"
#include "lib/sat/confirm.h"
#include "lib/sat/encoder.h"
#include "lib/sat/optimal_search.h"

namespace attnsched::sat {
namespace {

// Args: scheme, n, d, m, horizon; block placement.
void BM_Encode(benchmark::State& state) {
  const Problem p = MakeProblem(static_cast<Scheme>(state.range(0)), state.range(1),
                                state.range(2), state.range(3));
  const EncodeOptions options{state.range(4), BlockPlacement(p.n(), p.pes())};
  int64_t clauses = 0;
  for (auto _ : state) {
    absl::StatusOr<Encoding> e = Encode(p, options);
    clauses = e->cnf().num_clauses();
    benchmark::DoNotOptimize(e);
  }
  state.counters["clauses"] = static_cast<double>(clauses);
  state.counters["clauses/s"] = benchmark::Counter(
      static_cast<double>(clauses) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Encode)
    ->Args({static_cast<int>(Scheme::kCausal), 8, 2, 4, 75})
    ->Args({static_cast<int>(Scheme::kGeneral), 12, 2, 4, 200})
    ->ArgNames({"scheme", "n", "d", "m", "horizon"})
    ->Unit(benchmark::kMillisecond);

// Args: scheme, n, d, m, placement (0 free, 1 block, 2 cyclic), symmetry breaking
// (0/1: rotation, sorted homes, softmax order, token relabeling; lib/sat/encoder.h).
void BM_SolveOptimal(benchmark::State& state) {
  const Problem p = MakeProblem(static_cast<Scheme>(state.range(0)), state.range(1),
                                state.range(2), state.range(3));
  SearchOptions options;
  if (state.range(4) == 1) options.placement = BlockPlacement(p.n(), p.pes());
  if (state.range(4) == 2) options.placement = CyclicPlacement(p.n(), p.pes());
  options.symmetry_breaking = state.range(5) == 1;
  options.time_limit = absl::Seconds(60);
  int64_t makespan = 0;
  for (auto _ : state) {
    absl::StatusOr<OptimalResult> r = SolveOptimal(p, options);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    makespan = r.ok() ? r->makespan : 0;
    if (r.ok() && !r->optimal) state.counters["unknown"] = 1;
  }
  state.counters["makespan"] = static_cast<double>(makespan);
}
constexpr int kShared = static_cast<int>(Scheme::kShared);
constexpr int kCausal = static_cast<int>(Scheme::kCausal);

// The confirmation's cost: the UNSAT formula "makespan <= optimum - 1" (block
// placement, the encoding solve uses) solved by CaDiCaL from scratch, then by
// CryptoMiniSat (lib/sat/confirm.h); counters give both times and their ratio.
// Args: scheme, n, d, m (instances docs/optimality.md decides by UNSAT).
void BM_ConfirmUnsat(benchmark::State& state) {
  const Problem p = MakeProblem(static_cast<Scheme>(state.range(0)), state.range(1), state.range(2),
                                state.range(3));
  const Placement block = BlockPlacement(p.n(), p.pes());
  SearchOptions search;
  search.placement = block;
  absl::StatusOr<OptimalResult> optimum = SolveOptimal(p, search);
  if (!optimum.ok() || !optimum->optimal || optimum->proof != ProofKind::kUnsat) {
    state.SkipWithError("not decided by an UNSAT answer");
    return;
  }
  const int64_t bound = optimum->makespan - 1;
  absl::StatusOr<Encoding> e = Encode(p, {bound + 1, block, true, true, false, 1});
  const int below[] = {-e->MakespanAbove(bound)};
  double cadical = 0, cryptominisat = 0;
  for (auto _ : state) {
    SatSolver solver(e->cnf());
    const absl::Time began = absl::Now();
    benchmark::DoNotOptimize(solver.Solve(below));
    cadical += absl::ToDoubleSeconds(absl::Now() - began);
    absl::StatusOr<Confirmation> c = ConfirmUnsat(e->cnf(), below, "bench", absl::Seconds(600));
    if (!c.ok() || c->answer != SatResult::kUnsat) state.SkipWithError("not confirmed");
    cryptominisat += c.ok() ? c->seconds : 0;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["cadical_s"] = cadical / n;
  state.counters["cryptominisat_s"] = cryptominisat / n;
  state.counters["ratio"] = cryptominisat / cadical;
  state.counters["clauses"] = static_cast<double>(e->cnf().num_clauses());
}
BENCHMARK(BM_ConfirmUnsat)
    ->Args({kShared, 4, 2, 4})
    ->Args({kCausal, 4, 2, 2})
    ->Args({kCausal, 6, 1, 2})
    ->Args({kCausal, 6, 2, 3})
    ->Args({kCausal, 8, 1, 2})
    ->Args({kCausal, 8, 1, 4})
    ->Args({kCausal, 8, 2, 4})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_SolveOptimal)
    ->Args({kCausal, 4, 2, 4, 0, 1})
    ->Args({kCausal, 4, 2, 4, 0, 0})
    ->Args({kShared, 4, 2, 4, 0, 1})
    ->Args({kShared, 4, 2, 4, 0, 0})
    ->Args({kShared, 6, 1, 3, 0, 1})
    ->Args({kShared, 6, 1, 3, 0, 0})
    ->Args({kShared, 6, 2, 2, 2, 1})
    ->Args({kShared, 6, 2, 2, 2, 0})
    ->ArgNames({"scheme", "n", "d", "m", "placement", "symmetry"})
    ->Unit(benchmark::kMillisecond);

// CaDiCaL alone against the race of CaDiCaL and CryptoMiniSat (SearchOptions::race,
// lib/sat/portfolio.h) on the whole optimal search, 60 s limit. Args: n, d, m, race
// (0/1); causal, block placement. Counters: the makespan, whether it was decided, and
// which solver gave the UNSAT answer (1: CryptoMiniSat).
void BM_RaceOptimal(benchmark::State& state) {
  const Problem p = MakeProblem(Scheme::kCausal, state.range(0), state.range(1), state.range(2));
  SearchOptions options;
  options.placement = BlockPlacement(p.n(), p.pes());
  options.race = state.range(3) == 1;
  options.time_limit = absl::Seconds(60);
  for (auto _ : state) {
    absl::StatusOr<OptimalResult> r = SolveOptimal(p, options);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
    state.counters["makespan"] = static_cast<double>(r->makespan);
    state.counters["decided"] = r->optimal ? 1 : 0;
    state.counters["unsat_by_cms"] = r->unsat_by.rfind("CryptoMiniSat", 0) == 0 ? 1 : 0;
  }
}
BENCHMARK(BM_RaceOptimal)
    ->Args({8, 2, 4, 0})
    ->Args({8, 2, 4, 1})
    ->Args({9, 1, 3, 0})
    ->Args({9, 1, 3, 1})
    ->Args({9, 1, 4, 0})
    ->Args({9, 1, 4, 1})
    ->Args({10, 1, 3, 0})
    ->Args({10, 1, 3, 1})
    ->ArgNames({"n", "d", "m", "race"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

// How closely a search that cannot finish keeps its time limit (issue target: wall
// time <= limit + 5% + 100 ms), the answer's memory freed included. Args: n, d, time
// limit in seconds; causal, 4 PEs, block placement.
void BM_TimeLimitAccuracy(benchmark::State& state) {
  const Problem p = MakeProblem(Scheme::kCausal, state.range(0), state.range(1), 4);
  SearchOptions options;
  options.placement = BlockPlacement(p.n(), p.pes());
  options.time_limit = absl::Seconds(state.range(2));
  double worst = 0;
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    {
      absl::StatusOr<OptimalResult> r = SolveOptimal(p, options);
      if (!r.ok() || r->optimal) state.SkipWithError("expected a search stopped by the limit");
    }
    worst = std::max(worst, absl::ToDoubleSeconds(absl::Now() - start));
  }
  state.counters["wall/limit"] = worst / static_cast<double>(state.range(2));
}
BENCHMARK(BM_TimeLimitAccuracy)
    ->Args({8, 2, 5})
    ->Args({12, 2, 5})
    ->Args({12, 4, 5})
    ->Args({12, 4, 15})
    ->ArgNames({"n", "d", "limit"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace attnsched::sat
