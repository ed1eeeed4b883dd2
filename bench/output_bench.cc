// Speed of the outputs made of a schedule (lib/export: trace.h, gantt.h,
// pe_programs.h), per event of the schedule, writing to memory (a null stream) so
// the figure is the formatting, not the disk. Each writer alone over a held schedule,
// and the whole pass the CLI makes (validation with the resident-words hook, the
// writer on the way). Run: build/bench/output_bench. Figures: docs/performance.md.
#include <ostream>
#include <streambuf>
#include <vector>

#include "benchmark/benchmark.h"
#include "lib/algorithms/generator.h"
#include "lib/export/gantt.h"
#include "lib/export/pe_programs.h"
#include "lib/export/trace.h"
#include "lib/schedule/event_sink.h"
#include "lib/schedule/validator.h"

namespace attnsched {
namespace {

// A stream that counts the bytes it is given and keeps none.
class CountingBuffer : public std::streambuf {
 public:
  int64_t bytes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += n;
    return n;
  }
  int overflow(int c) override {
    ++bytes;
    return c;
  }
};

// Args: scheme, n, d, m.
Schedule ScheduleOf(const benchmark::State& state) {
  return *GenerateSchedule(MakeProblem(static_cast<Scheme>(state.range(0)), state.range(1),
                                       state.range(2), state.range(3)));
}

void Counters(benchmark::State& state, int64_t events, int64_t bytes) {
  state.counters["events"] = static_cast<double>(events);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["bytes/event"] = static_cast<double>(bytes) / static_cast<double>(events);
}

void BM_Trace(benchmark::State& state) {
  const Schedule s = ScheduleOf(state);
  int64_t bytes = 0;
  for (auto _ : state) {
    CountingBuffer buffer;
    std::ostream out(&buffer);
    TraceWriter trace(s.problem, {.aggregate = state.range(4) == 1}, out);
    VectorEventSource source(s);
    benchmark::DoNotOptimize(WriteAll(source, trace));
    bytes = buffer.bytes;
  }
  Counters(state, static_cast<int64_t>(s.events.size()), bytes);
}

// The CLI's pass: validate, count resident words, write the trace.
void BM_ValidateAndTrace(benchmark::State& state) {
  const Schedule s = ScheduleOf(state);
  int64_t bytes = 0;
  for (auto _ : state) {
    CountingBuffer buffer;
    std::ostream out(&buffer);
    TraceWriter trace(s.problem, {}, out);
    VectorEventSource source(s);
    TeeEventSource tee(source, trace);
    ValidationOptions check;
    check.on_words = [&trace](int64_t t, int32_t pe, int64_t w) { trace.Words(t, pe, w); };
    benchmark::DoNotOptimize(Validate(tee, check));
    benchmark::DoNotOptimize(trace.Finish(tee.status()));
    bytes = buffer.bytes;
  }
  Counters(state, static_cast<int64_t>(s.events.size()), bytes);
}

// Every PE's program, as text lines, with loops (arg 4 = 1) or without.
void BM_Programs(benchmark::State& state) {
  const Schedule s = ScheduleOf(state);
  int64_t bytes = 0;
  TextBuffer line;
  for (auto _ : state) {
    bytes = 0;
    ProgramSplitter split(s.problem, std::nullopt, state.range(4) == 1, [&](const Instruction& in) {
      line.clear();
      AppendInstructionText(s.problem, in, line);
      bytes += static_cast<int64_t>(line.size()) + 1;
      return absl::OkStatus();
    });
    VectorEventSource source(s);
    benchmark::DoNotOptimize(WriteAll(source, split));
  }
  Counters(state, static_cast<int64_t>(s.events.size()), bytes);
}

void BM_GanttHeatmap(benchmark::State& state) {
  const Schedule s = ScheduleOf(state);
  int64_t bytes = 0;
  for (auto _ : state) {
    CountingBuffer buffer;
    std::ostream out(&buffer);
    GanttWriter gantt(s.problem, {.mode = GanttOptions::Mode::kHeatmap}, out);
    VectorEventSource source(s);
    benchmark::DoNotOptimize(WriteAll(source, gantt));
    bytes = buffer.bytes;
  }
  Counters(state, static_cast<int64_t>(s.events.size()), bytes);
}

// GPT-2's head (causal, n = 1024, d = 64) on 16 PEs: 1.1 million events.
constexpr int kCausal = static_cast<int>(Scheme::kCausal);
BENCHMARK(BM_Trace)
    ->Args({kCausal, 1024, 64, 16, 0})
    ->Args({kCausal, 1024, 64, 16, 1})
    ->ArgNames({"scheme", "n", "d", "m", "aggregate"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ValidateAndTrace)
    ->Args({kCausal, 1024, 64, 16})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Programs)
    ->Args({kCausal, 1024, 64, 16, 0})
    ->Args({kCausal, 1024, 64, 16, 1})
    ->ArgNames({"scheme", "n", "d", "m", "loops"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GanttHeatmap)
    ->Args({kCausal, 1024, 64, 16})
    ->ArgNames({"scheme", "n", "d", "m"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace attnsched
