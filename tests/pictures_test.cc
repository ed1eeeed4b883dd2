// Traces, Gantt charts and per-PE programs: what they hold matches the schedule
// event by event, and the schedule can be rebuilt from them.
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/export/gantt.h"
#include "lib/export/pe_programs.h"
#include "lib/export/trace.h"
#include "lib/model/heads.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;
using testing::MustGenerate;

struct Traced {
  nlohmann::json json;
  ScheduleStats stats;
  absl::Status status;
};

// The trace of `s` as the CLI makes it: validated, with resident words.
Traced TraceOf(const Schedule& s, const TraceOptions& options = {}) {
  std::ostringstream out;
  TraceWriter trace(s.problem, options, out);
  VectorEventSource source(s);
  TeeEventSource tee(source, trace);
  ValidationOptions check;
  check.on_words = [&trace](int64_t t, int32_t pe, int64_t w) { trace.Words(t, pe, w); };
  absl::StatusOr<ValidationReport> report = Validate(tee, check);
  if (!report.ok()) return {{}, {}, report.status()};  // the trace's own error
  EXPECT_TRUE(report->valid());
  tee.Drain();
  Traced traced{{}, report->stats, trace.Finish(tee.status())};
  if (traced.status.ok()) traced.json = nlohmann::json::parse(out.str());
  return traced;
}

std::vector<nlohmann::json> Slices(const nlohmann::json& trace) {
  std::vector<nlohmann::json> slices;
  for (const nlohmann::json& e : trace["traceEvents"]) {
    if (e["ph"] == "X") slices.push_back(e);
  }
  return slices;
}

// The event a slice of an unaggregated trace stands for (tracks: trace.h).
Event EventOfSlice(const Problem& p, const nlohmann::json& slice) {
  const int64_t m = p.pes();
  const int64_t tid = slice["tid"], start = slice["ts"];
  const std::string name = slice["name"];
  if (slice["pid"] == 1)
    return Event::Xfer(start, static_cast<int32_t>(tid), *ParseItem(p.instance, name));
  if (tid < m)
    return Event::Op(start, static_cast<int32_t>(tid), *ParseOperation(p.instance, name));
  return Event::Free(start, static_cast<int32_t>(tid - m), *ParseItem(p.instance, name));
}

std::vector<Schedule> Examples() {
  std::vector<Schedule> out = {MustGenerate(Scheme::kGeneral, 8, 2, 4),
                               MustGenerate(Scheme::kShared, 9, 3, 3),
                               MustGenerate(Scheme::kCausal, 12, 2, 4)};
  Problem latency = out[2].problem;
  latency.machine.link_latency = 3;
  out.push_back(MustGenerate(latency));
  Problem heads = out[2].problem;
  heads.instance = WithHeads(heads.instance, 4, 2, "").value();
  out.push_back(MustGenerate(heads));
  Problem storage = out[0].problem;  // FREE events after the last use
  storage.machine.max_words_per_pe = 200;
  out.push_back(MustGenerate(storage));
  return out;
}

TEST(TraceTest, OneSlicePerEventWithItsStartAndDurationAndTheScheduleComesBack) {
  for (const Schedule& s : Examples()) {
    SCOPED_TRACE(DescribeEvent(s.problem, s.events[0]));
    const Traced t = TraceOf(s);
    ASSERT_TRUE(t.status.ok()) << t.status;
    const std::vector<nlohmann::json> slices = Slices(t.json);
    ASSERT_EQ(slices.size(), s.events.size());
    std::vector<Event> back;
    for (const nlohmann::json& slice : slices) {
      const Event e = EventOfSlice(s.problem, slice);
      EXPECT_EQ(slice["dur"].get<int64_t>(), TimingOf(s.problem, e).end - e.start) << slice;
      if (e.is_xfer()) {
        EXPECT_EQ(slice["args"]["to_pe"].get<int32_t>(), (e.pe + 1) % s.problem.pes());
        EXPECT_EQ(slice["args"]["arrival"].get<int64_t>(),
                  ArrivalCycle(s.problem, e.item(), e.start));
      }
      back.push_back(e);
    }
    std::vector<Event> want = s.events;
    SortEvents(want);
    SortEvents(back);
    EXPECT_EQ(back, want);
  }
}

TEST(TraceTest, CountersReachEachPesPeakWords) {
  for (const Schedule& s : Examples()) {
    const Traced t = TraceOf(s);
    ASSERT_TRUE(t.status.ok());
    std::map<std::string, int64_t> peak;
    for (const nlohmann::json& e : t.json["traceEvents"]) {
      if (e["ph"] != "C") continue;
      int64_t& p = peak[e["name"].get<std::string>()];
      p = std::max(p, e["args"]["words"].get<int64_t>());
    }
    for (int32_t pe = 0; pe < s.problem.pes(); ++pe) {
      EXPECT_EQ(peak[absl::StrCat("words on PE ", pe)], t.stats.peak_words[pe]) << pe;
    }
  }
}

TEST(TraceTest, AggregatesCountEveryEventAndItsBusyCycles) {
  const Schedule s = MustGenerate(Scheme::kCausal, 64, 2, 4);
  const Traced t = TraceOf(s, {.aggregate = true});
  ASSERT_TRUE(t.status.ok());
  const std::vector<nlohmann::json> slices = Slices(t.json);
  int64_t events = 0, busy = 0;
  for (const nlohmann::json& slice : slices) {
    const bool merged = slice["args"].contains("events");
    events += merged ? slice["args"]["events"].get<int64_t>() : 1;
    busy += merged ? slice["args"]["busy_cycles"].get<int64_t>() : slice["dur"].get<int64_t>();
  }
  EXPECT_EQ(events, static_cast<int64_t>(s.events.size()));
  int64_t link_busy = 0;
  for (int64_t b : t.stats.link_busy_cycles) link_busy += b;
  EXPECT_EQ(busy, t.stats.work + link_busy);
  EXPECT_LT(slices.size() * 10, s.events.size()) << "a ring schedule aggregates well";
  for (const nlohmann::json& e : t.json["traceEvents"]) EXPECT_NE(e["ph"], "C") << "no counters";
}

TEST(TraceTest, AWindowKeepsTheEventsThatOverlapIt) {
  const Schedule s = MustGenerate(Scheme::kGeneral, 16, 2, 4);
  const TraceOptions window{.from = 10, .to = 30};
  const Traced t = TraceOf(s, window);
  ASSERT_TRUE(t.status.ok());
  int64_t inside = 0;
  for (const Event& e : s.events) {
    const int64_t end = TimingOf(s.problem, e).end;
    inside += end == e.start ? e.start >= 10 && e.start < 30 : e.start < 30 && end > 10;
  }
  EXPECT_GT(inside, 0);
  EXPECT_EQ(static_cast<int64_t>(Slices(t.json).size()), inside);
  for (const nlohmann::json& e : t.json["traceEvents"]) {
    if (e["ph"] == "C") {
      EXPECT_GE(e["ts"].get<int64_t>(), 10);
    }
  }
}

TEST(TraceTest, MoreTraceEventsThanTheLimitIsAnError) {
  const Schedule s = MustGenerate(Scheme::kGeneral, 8, 2, 2);
  const Traced t = TraceOf(s, {.max_events = 5});
  EXPECT_EQ(t.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(t.status.message()), HasSubstr("more than 5 trace events"));
  // Counter samples count too: the slices alone fit, with the samples they do not.
  const Traced all = TraceOf(s);
  ASSERT_TRUE(all.status.ok());
  const int64_t events = static_cast<int64_t>(all.json["traceEvents"].size());
  const int64_t slices = static_cast<int64_t>(Slices(all.json).size());
  int64_t metadata = 0;
  for (const nlohmann::json& e : all.json["traceEvents"]) metadata += e["ph"] == "M";
  EXPECT_TRUE(TraceOf(s, {.max_events = events - metadata}).status.ok());
  EXPECT_EQ(TraceOf(s, {.max_events = slices}).status.code(), absl::StatusCode::kResourceExhausted);
}

std::vector<Instruction> ProgramsOf(const Schedule& s, std::optional<int32_t> pe, bool loops) {
  std::vector<Instruction> out;
  ProgramSplitter split(s.problem, pe, loops, [&out](const Instruction& in) {
    out.push_back(in);
    return absl::OkStatus();
  });
  VectorEventSource source(s);
  EXPECT_TRUE(WriteAll(source, split).ok());
  return out;
}

TEST(ProgramTest, APesProgramListsExactlyItsEventsInStartOrder) {
  for (const Schedule& s : Examples()) {
    const int32_t m = static_cast<int32_t>(s.problem.pes());
    std::vector<Event> sorted = s.events;
    SortEvents(sorted);
    for (int32_t p = 0; p < m; ++p) {
      std::vector<Event> want;
      for (const Event& e : sorted) {
        if (e.pe == p || (e.is_xfer() && (e.pe + 1) % m == p)) want.push_back(e);
      }
      std::vector<Event> got;
      for (const Instruction& in : ProgramsOf(s, p, false)) {
        EXPECT_EQ(in.pe, p);
        EXPECT_EQ(in.run.count, 1);
        const Event& e = in.run.first;
        const InstructionType type = e.is_op()     ? InstructionType::kCompute
                                     : e.is_free() ? InstructionType::kFree
                                     : e.pe == p   ? InstructionType::kSend
                                                   : InstructionType::kReceive;
        EXPECT_EQ(in.type, type);
        got.push_back(e);
      }
      EXPECT_EQ(got, want) << "PE " << p;
    }
  }
}

TEST(ProgramTest, AllProgramsWithLoopsRebuildTheScheduleAndItValidates) {
  for (const Schedule& s : Examples()) {
    Schedule rebuilt{s.problem, s.placement, {}};
    int64_t sends = 0, receives = 0;
    for (const Instruction& in : ProgramsOf(s, std::nullopt, true)) {
      sends += in.type == InstructionType::kSend ? in.run.count : 0;
      receives += in.type == InstructionType::kReceive ? in.run.count : 0;
      if (in.type == InstructionType::kReceive) continue;  // its sender's send
      for (int64_t k = 0; k < in.run.count; ++k) rebuilt.events.push_back(in.run.at(k));
    }
    EXPECT_EQ(sends, receives);
    std::vector<Event> want = s.events;
    SortEvents(want);
    SortEvents(rebuilt.events);
    EXPECT_EQ(rebuilt.events, want);
    absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(rebuilt);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->valid());
  }
}

// Every instruction of a loop has the loop's duration: causal softmaxes over rows of
// different lengths, and tiles of different sizes, cut runs (seen to fail uncut).
TEST(ProgramTest, ALoopsInstructionsShareItsDuration) {
  Problem tiled = MakeProblem(Scheme::kCausal, 16, 2, 2);
  tiled.instance = Instance(*Mask::OneSegment(16, SegmentKind::kCausal).Tiled(3), 2, false);
  for (const Schedule& s : {MustGenerate(Scheme::kCausal, 16, 2, 2), MustGenerate(tiled)}) {
    int64_t loops = 0;
    for (const Instruction& in : ProgramsOf(s, std::nullopt, true)) {
      const EventTiming first = TimingOf(s.problem, in.run.first);
      loops += in.run.count > 1;
      for (int64_t k = 1; k < in.run.count; ++k) {
        const Event e = in.run.at(k);
        ASSERT_EQ(TimingOf(s.problem, e).end, first.end + k * in.run.start_step)
            << DescribeEvent(s.problem, e);
        ASSERT_EQ(TimingOf(s.problem, e).arrival, first.arrival + k * in.run.start_step);
      }
    }
    EXPECT_GT(loops, 0);
  }
}

TEST(ProgramTest, LoopsMakeARingScheduleAShortProgram) {
  const Schedule s = MustGenerate(Scheme::kGeneral, 256, 2, 4);
  const std::vector<Instruction> lines = ProgramsOf(s, 1, true);
  int64_t instructions = 0;
  for (const Instruction& in : lines) instructions += in.run.count;
  EXPECT_EQ(instructions, static_cast<int64_t>(ProgramsOf(s, 1, false).size()));
  EXPECT_GT(instructions, 30'000);
  EXPECT_LT(static_cast<int64_t>(lines.size()) * 50, instructions) << lines.size();
}

TEST(ProgramTest, TextAndJsonLinesNameTheInstruction) {
  const Schedule s = MustGenerate(Scheme::kGeneral, 4, 2, 2);
  TextBuffer text_buffer, json;
  std::string text;
  for (const Instruction& in : ProgramsOf(s, 1, false)) {
    if (in.type != InstructionType::kReceive) continue;
    AppendInstructionText(s.problem, in, text_buffer);
    AppendInstructionJson(s.problem, in, json);
    text = std::string(text_buffer.view());
    const nlohmann::json j = nlohmann::json::parse(json.view());
    EXPECT_EQ(j["type"], "receive");
    EXPECT_EQ(j["from_pe"], 0);
    EXPECT_EQ(j["arrival"], ArrivalCycle(s.problem, in.run.first.item(), in.run.first.start));
    EXPECT_THAT(
        text, HasSubstr(absl::StrCat("receive ", ItemName(s.problem.instance, in.run.first.item()),
                                     " from PE 0, arrives ")));
    break;
  }
  EXPECT_FALSE(text.empty());
}

std::string GanttOf(const Schedule& s, const GanttOptions& options, bool* heatmap) {
  std::ostringstream out;
  GanttWriter gantt(s.problem, options, out);
  VectorEventSource source(s);
  EXPECT_TRUE(WriteAll(source, gantt).ok());
  *heatmap = gantt.heatmap();
  return out.str();
}

int64_t Count(const std::string& text, const std::string& what) {
  int64_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

TEST(GanttTest, AChartHasOneRectPerEventAndLargeSchedulesAHeatMap) {
  bool heatmap = true;
  const Schedule small = MustGenerate(Scheme::kCausal, 16, 2, 4);
  const std::string chart = GanttOf(small, {}, &heatmap);
  EXPECT_FALSE(heatmap);
  EXPECT_EQ(Count(chart, "<rect class=\"event\""), static_cast<int64_t>(small.events.size()));
  const Schedule large = MustGenerate(Scheme::kCausal, 128, 2, 4);
  const std::string cells = GanttOf(large, {.bins = 100}, &heatmap);
  EXPECT_TRUE(heatmap);
  EXPECT_EQ(Count(cells, "<rect class=\"event\""), 0);
  // 4 PE rows and 4 link rows of at most 100 columns, at least half of them used.
  const int64_t n = Count(cells, "<rect class=\"cell\"");
  EXPECT_LE(n, 800);
  EXPECT_GE(n, 400);
  // A chart past its event limit turns into the heat map under kAuto.
  GanttOf(small, {.max_rects = 10}, &heatmap);
  EXPECT_TRUE(heatmap);
}

}  // namespace
}  // namespace attnsched
