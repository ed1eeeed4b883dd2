// SAT jobs in worker processes (server/sat_process.h): the cost of the process per job
// against the library in-process, and the latency of a cancellation, against
// CaDiCaL's own terminator in-process. Figures: docs/performance.md.
#include <random>
#include <thread>

#include "attnsched/v1/convert.h"
#include "benchmark/benchmark.h"
#include "lib/sat/optimal_search.h"
#include "server/sat_process.h"

namespace attnsched::server {
namespace {

const Problem kTiny = MakeProblem(Scheme::kCausal, 4, 1, 2);       // optimum 17, block
const Problem kHard = MakeProblem(Scheme::kCausal, 11, 2, 3);      // open after 600 s, block

internal::SatJob JobFor(const Problem& problem) {
  internal::SatJob job;
  rpc::ProblemToProto(problem, job.mutable_solve()->mutable_problem());
  for (int32_t h : BlockPlacement(problem.n(), problem.pes())) {
    job.mutable_solve()->add_placement(h);
  }
  job.set_time_limit_seconds(600);
  job.set_max_variables(20'000'000);
  job.set_max_clauses(100'000'000);
  return job;
}

sat::SearchOptions SearchFor(const Problem& problem) {
  sat::SearchOptions options;
  options.placement = BlockPlacement(problem.n(), problem.pes());
  return options;
}

void BM_TinySolveInProcess(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sat::SolveOptimal(kTiny, SearchFor(kTiny)));
}
BENCHMARK(BM_TinySolveInProcess)->Unit(benchmark::kMillisecond);

void BM_TinySolveInWorkerProcess(benchmark::State& state) {
  const internal::SatJob job = JobFor(kTiny);
  const sat::CancelToken never;
  for (auto _ : state) {
    absl::Status s = RunInWorkerProcess(ATTNSCHED_SAT_WORKER, job, never, absl::InfiniteFuture(),
                                        [](const internal::SatJobOutput&) {});
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
  }
}
BENCHMARK(BM_TinySolveInWorkerProcess)->Unit(benchmark::kMillisecond);

// Manual time: from Cancel() to the search's return, cancelled at a random moment
// 0.1-1.5 s into the hard search. Arg 1: worker process; 0: in-process terminator.
void BM_CancellationLatency(benchmark::State& state) {
  const bool isolated = state.range(0) == 1;
  const internal::SatJob job = JobFor(kHard);
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> offset_ms(100, 1500);
  double worst = 0;
  for (auto _ : state) {
    sat::CancelToken cancel;
    absl::Time cancelled_at;
    std::thread canceller([&, wait = offset_ms(rng)] {
      absl::SleepFor(absl::Milliseconds(wait));
      cancelled_at = absl::Now();
      cancel.Cancel();
    });
    if (isolated) {
      benchmark::DoNotOptimize(RunInWorkerProcess(ATTNSCHED_SAT_WORKER, job, cancel,
                                                  absl::InfiniteFuture(),
                                                  [](const internal::SatJobOutput&) {}));
    } else {
      sat::SearchOptions options = SearchFor(kHard);
      options.cancel = &cancel;
      benchmark::DoNotOptimize(sat::SolveOptimal(kHard, options));
    }
    const absl::Time returned = absl::Now();
    canceller.join();
    if (returned < cancelled_at) {
      state.SkipWithError("the search ended before the cancellation: kHard is no longer hard");
      break;
    }
    const double latency = absl::ToDoubleSeconds(returned - cancelled_at);
    worst = std::max(worst, latency);
    state.SetIterationTime(latency);
  }
  state.counters["worst_ms"] = worst * 1e3;
}
BENCHMARK(BM_CancellationLatency)->Arg(0)->Arg(1)->ArgName("process")->Iterations(40)
    ->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace attnsched::server
