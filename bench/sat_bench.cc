// Speed of the SAT encoder (target: a formula of 10^6 clauses in under a second)
// and of the optimal search on small instances. Figures: docs/performance.md.
#include "benchmark/benchmark.h"
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

// Args: scheme, n, d, m; free placement.
void BM_SolveOptimal(benchmark::State& state) {
  const Problem p = MakeProblem(static_cast<Scheme>(state.range(0)), state.range(1),
                                state.range(2), state.range(3));
  for (auto _ : state) benchmark::DoNotOptimize(SolveOptimal(p, SearchOptions{}));
}
BENCHMARK(BM_SolveOptimal)
    ->Args({static_cast<int>(Scheme::kCausal), 4, 2, 4})
    ->Args({static_cast<int>(Scheme::kShared), 4, 2, 4})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace attnsched::sat
