// The compact form (lib/schedule/event_runs.h): every kind of schedule cut into runs
// and expanded back gives its events in canonical order, rings compress by their
// blocks, a small pending budget bounds the reader, and bad runs are named.
#include "lib/schedule/event_runs.h"

#include <algorithm>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/model/mask_spec.h"
#include "lib/schedule/storage.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

// The runs of `events` (in start order) with `max_pending`; fails the test on error.
std::vector<EventRun> Encode(const std::vector<Event>& events, int64_t pes,
                             size_t max_pending = RunEncoder::kDefaultMaxPending) {
  std::vector<EventRun> runs;
  RunEncoder encoder(pes, max_pending, [&runs](const EventRun& run) {
    EXPECT_TRUE(CheckRun(run).ok()) << CheckRun(run);
    runs.push_back(run);
    return absl::OkStatus();
  });
  for (const Event& e : events) EXPECT_TRUE(encoder.Add(e).ok());
  EXPECT_TRUE(encoder.Finish().ok());
  return runs;
}

// The events of `runs`, added one at a time to an expander holding at most `max_held`
// and taken as soon as they are final; fails the test on error.
std::vector<Event> Expand(const std::vector<EventRun>& runs,
                          size_t max_held = RunExpander::kDefaultMaxHeld) {
  RunExpander expander(max_held);
  std::vector<Event> events;
  for (const EventRun& run : runs) {
    const absl::Status added = expander.Add(run);
    EXPECT_TRUE(added.ok()) << added;
    if (!added.ok()) return events;
    expander.Take(false, SIZE_MAX, events);
  }
  expander.Take(true, SIZE_MAX, events);
  EXPECT_TRUE(expander.empty());
  return events;
}

std::vector<Event> Canonical(std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(), CanonicalLess);
  return events;
}

std::vector<Problem> EveryKind() {
  std::vector<Problem> problems;
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    problems.push_back(MakeProblem(scheme, 24, 2, 4));
  }
  Problem masked = MakeProblem(Scheme::kCausal, 20, 2, 3);
  masked.instance.mask = *Mask::Make(*ParseSegments("9c,7b,4p"), 5, kMaxTokens);
  problems.push_back(masked);
  Problem tiled = MakeProblem(Scheme::kCausal, 40, 2, 4);
  tiled.instance.mask = *tiled.instance.mask.Tiled(4);
  problems.push_back(tiled);
  Problem slow = MakeProblem(Scheme::kGeneral, 16, 4, 4);
  slow.machine.link_words = 2;
  slow.machine.link_latency = 3;
  problems.push_back(slow);
  problems.push_back(MakeProblem(Scheme::kGeneral, 9, 2, 1));
  return problems;
}

TEST(EventRunsTest, EveryKindOfScheduleRoundTrips) {
  for (const Problem& p : EveryKind()) {
    for (bool frees : {false, true}) {
      Schedule s = testing::MustGenerate(p);
      if (frees) FreeAfterLastUse(s);
      std::stable_sort(s.events.begin(), s.events.end(),
                       [](const Event& a, const Event& b) { return a.start < b.start; });
      const std::vector<EventRun> runs = Encode(s.events, p.pes());
      EXPECT_LT(runs.size(), s.events.size()) << Describe(p);
      EXPECT_EQ(Expand(runs), Canonical(s.events)) << Describe(p) << (frees ? " with frees" : "");
    }
  }
}

TEST(EventRunsTest, TiesInAnyOrderComeOutCanonical) {
  Schedule s = testing::MustGenerate(Scheme::kCausal, 24, 2, 4);
  std::stable_sort(s.events.begin(), s.events.end(),
                   [](const Event& a, const Event& b) { return a.start < b.start; });
  std::vector<Event> shuffled = s.events;
  std::mt19937 random(7);
  for (size_t begin = 0; begin < shuffled.size();) {  // shuffle within each cycle
    size_t end = begin;
    while (end < shuffled.size() && shuffled[end].start == shuffled[begin].start) ++end;
    std::shuffle(shuffled.begin() + begin, shuffled.begin() + end, random);
    begin = end;
  }
  ASSERT_NE(shuffled, Canonical(shuffled));
  EXPECT_EQ(Expand(Encode(shuffled, 4)), Canonical(s.events));
}

TEST(EventRunsTest, RingsCompressByTheirBlocks) {
  // general n = 256 on 4 PEs: ring rotation computes 64 x 64 dots per block.
  const Schedule s = testing::MustGenerate(Scheme::kGeneral, 256, 4, 4);
  const std::vector<EventRun> runs = Encode(s.events, 4);
  EXPECT_GE(s.events.size(), 30 * runs.size()) << runs.size() << " runs";
  EXPECT_EQ(Expand(runs), Canonical(s.events));
}

TEST(EventRunsTest, FewPendingRunsStillRoundTripAndBoundTheReader) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 48, 2, 4);
  for (size_t max_pending : {1, 2, 7, 64}) {
    const std::vector<EventRun> runs = Encode(s.events, 4, max_pending);
    EXPECT_EQ(Expand(runs, max_pending + 2), Canonical(s.events)) << max_pending;
  }
}

TEST(EventRunsTest, TakeHandsOutOnlyWhatNoLaterRunPrecedes) {
  const Event dot = Event::Op(0, 0, Operation{OpKind::kDot, 0, 0});
  RunExpander expander(8);
  ASSERT_TRUE(expander.Add(EventRun{dot, 10, 2, 0, 1}).ok());  // starts 0, 2, ..., 18
  std::vector<Event> out;
  expander.Take(false, 100, out);
  EXPECT_EQ(out.size(), 1u);  // a run added next may start at 0 too
  ASSERT_TRUE(expander.Add(EventRun{Event::Op(7, 1, Operation{OpKind::kAxpy, 3, 0})}).ok());
  expander.Take(false, 100, out);
  // Starts 0, 2, 4, 6 and the axpy at 7; not 8, which a run added next may precede.
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[4], Event::Op(7, 1, Operation{OpKind::kAxpy, 3, 0}));
  expander.Take(true, 2, out);
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(out[5].start, 8);
  EXPECT_EQ(out[6].start, 10);
}

TEST(EventRunsTest, BadRunsAreNamed) {
  const Event dot = Event::Op(5, 0, Operation{OpKind::kDot, 1, 2});
  const struct {
    EventRun run;
    const char* message;
  } cases[] = {
      {EventRun{dot, 0}, "count = 0: a run has at least one event"},
      {EventRun{dot, 2, 0, 0, 0}, "a run's events must follow the canonical order"},
      {EventRun{dot, 2, 0, -1, 5}, "a run's events must follow the canonical order"},
      {EventRun{dot, 2, -1, 1, 0}, "a run's events must follow the canonical order"},
      {EventRun{dot, int64_t{1} << 40, int64_t{1} << 30, 0, 0},
       "the run's last event would start after cycle 2^62"},
      {EventRun{dot, 3, 1, int32_t{1} << 30, 0}, "the run's last i would not fit 32 bits"},
      {EventRun{dot, 3, 1, 0, -(int32_t{1} << 30) - 2}, "the run's last j would not fit"},
  };
  for (const auto& c : cases) {
    const absl::Status status = CheckRun(c.run);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
  }
  EXPECT_TRUE(CheckRun(EventRun{dot, 1, -7, 0, 0}).ok());  // one event: steps unused

  RunExpander expander(2);
  ASSERT_TRUE(expander.Add(EventRun{dot, 3, 4, 0, 1}).ok());
  EXPECT_THAT(std::string(expander.Add(EventRun{Event::Op(4, 0, dot.op())}).message()),
              HasSubstr("before the previous run's first event"));
  ASSERT_TRUE(expander.Add(EventRun{Event::Op(6, 0, dot.op())}).ok());
  EXPECT_THAT(std::string(expander.Add(EventRun{Event::Op(7, 0, dot.op())}).message()),
              HasSubstr("more than 2 runs overlap"));
}

TEST(EventRunsTest, EventsOutOfStartOrderAreRefused) {
  RunEncoder encoder(2, 4, [](const EventRun&) { return absl::OkStatus(); });
  ASSERT_TRUE(encoder.Add(Event::Op(5, 0, Operation{OpKind::kDot, 0, 0})).ok());
  EXPECT_THAT(std::string(encoder.Add(Event::Op(4, 0, Operation{OpKind::kDot, 0, 1})).message()),
              HasSubstr("needs events in start order: 4 after 5"));
}

}  // namespace
}  // namespace attnsched
