// Storage (SPEC section 10.6): FREE events, peak words per PE over time, the storage
// limit in the validator and the generators, and FREE events in both file formats.
#include "lib/schedule/storage.h"

#include <algorithm>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "attnsched/v1/chunks.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/export/schedule_json.h"
#include "lib/model/heads.h"
#include "lib/sat/optimal_search.h"
#include "lib/sat/prove.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;
using testing::FindEvent;
using testing::MustGenerate;

Violation MustViolate(const Schedule& s) {
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  EXPECT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r.ok() && r->valid()) << "the mutation went unnoticed";
  return r.ok() && r->violation ? *r->violation : Violation{};
}

// general n = 4, d = 2 on 2 PEs, with every received item freed after its last use.
Schedule BaseWithFrees() {
  Schedule s = MustGenerate(Scheme::kGeneral, 4, 2, 2);
  FreeAfterLastUse(s);
  return s;
}

auto IsFreeOf(ItemKind kind, int32_t i, int32_t pe) {
  return [=](const Event& e) { return e.is_free() && e.item() == Item{kind, i, 0} && e.pe == pe; };
}

TEST(StorageTest, FreesAfterLastUseKeepSchedulesValidAndLowerThePeak) {
  std::vector<Problem> problems;
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    problems.push_back(MakeProblem(scheme, 16, 2, 4));
  }
  Problem masked = MakeProblem(Scheme::kCausal, 16, 2, 4);
  masked.instance.mask = *Mask::Make(*ParseSegments("7c,6b,3p"), 5, kMaxTokens);
  problems.push_back(masked);
  for (const Problem& p : problems) {
    const Schedule plain = MustGenerate(p);
    Schedule freed = plain;
    FreeAfterLastUse(freed);
    absl::StatusOr<ValidationReport> a = testing::ValidateSchedule(plain);
    absl::StatusOr<ValidationReport> b = testing::ValidateSchedule(freed);
    ASSERT_TRUE(a.ok() && b.ok() && a->valid());
    ASSERT_TRUE(b->valid()) << Describe(p) << ": " << b->violation->message;
    EXPECT_EQ(b->stats.frees, a->stats.transfers - a->stats.redundant_transfers) << Describe(p);
    EXPECT_EQ(b->stats.makespan, a->stats.makespan);
    for (int32_t pe = 0; pe < p.pes(); ++pe) {
      EXPECT_LE(b->stats.peak_words[pe], a->stats.peak_words[pe]) << Describe(p) << " PE " << pe;
    }
    if (p.mask().Full() && !p.instance.shared) {  // keys are done with before the values
      EXPECT_LT(b->stats.peak_words[0], a->stats.peak_words[0]) << Describe(p);
    }
    absl::StatusOr<SimulationReport> sim = testing::SimulateSchedule(freed, 5);
    ASSERT_TRUE(sim.ok()) << sim.status();
    EXPECT_LE(sim->max_rel_error, kMaxRelError);
  }
}

TEST(StorageTest, AUseAfterItsFreeIsNotResident) {
  Schedule s = BaseWithFrees();
  const int64_t f = FindEvent(s, IsFreeOf(ItemKind::kK, 2, 0));
  ASSERT_GE(f, 0);
  const int64_t arrival = s.events[static_cast<size_t>(FindEvent(s, [](const Event& e) {
                                     return e.is_xfer() && e.item() == Item{ItemKind::kK, 2, 0};
                                   }))].start + 2;
  s.events[static_cast<size_t>(f)].start = arrival;  // before the dots that read it
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kOperandNotResident);
  EXPECT_EQ(v.pe, 0);
  EXPECT_THAT(v.message, HasSubstr("needs k(2), which is not on PE 0 then (freed before"));
}

TEST(StorageTest, AFreeInTheCycleOfAUseBreaksItInEitherOrder) {
  for (bool free_first : {true, false}) {
    Schedule s = BaseWithFrees();
    const size_t f = static_cast<size_t>(FindEvent(s, IsFreeOf(ItemKind::kK, 2, 0)));
    // The last dot reading k(2) on PE 0: the FREE is one cycle after it.
    const int64_t use = s.events[f].start - 1;
    const size_t d = static_cast<size_t>(FindEvent(s, [use](const Event& e) {
      return e.is_op() && e.pe == 0 && e.start == use && e.op().kind == OpKind::kDot;
    }));
    ASSERT_EQ(s.events[d].op().j, 2);
    Event free = s.events[f];
    free.start = use;
    s.events.erase(s.events.begin() + static_cast<int64_t>(f));
    s.events.insert(s.events.begin() + static_cast<int64_t>(free_first ? d : d + 1), free);
    const Violation v = MustViolate(s);
    EXPECT_EQ(v.rule, Rule::kOperandNotResident) << free_first;
    EXPECT_EQ(v.cycle, use);
    EXPECT_THAT(v.message, HasSubstr(absl::StrCat("dot(", s.events[free_first ? d + 1 : d].op().i,
                                                  ",2) needs k(2)")));
  }
}

TEST(StorageTest, FreeingWhatIsNotResidentIsABadFree) {
  Schedule s = MustGenerate(Scheme::kGeneral, 4, 2, 2);
  s.events.push_back(Event::Free(0, 0, Item{ItemKind::kK, 3, 0}));  // k(3) lives on PE 1
  Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kBadFree);
  EXPECT_EQ(v.cycle, 0);
  EXPECT_THAT(v.message, HasSubstr("free of k(3): PE 0 does not hold it then"));

  s = BaseWithFrees();
  const size_t f = static_cast<size_t>(FindEvent(s, IsFreeOf(ItemKind::kV, 2, 0)));
  const size_t x = static_cast<size_t>(FindEvent(s, [](const Event& e) {
    return e.is_xfer() && e.item() == Item{ItemKind::kV, 2, 0};
  }));
  s.events[f].start = s.events[x].start + 1;  // in flight: v(2) arrives a cycle later
  v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kBadFree);
  EXPECT_THAT(v.message, HasSubstr("PE 0 does not hold it then: it arrives only at cycle"));
}

TEST(StorageTest, TheLimitIsCheckedEveryCycleFromCycleZero) {
  Schedule s = MustGenerate(Scheme::kGeneral, 4, 2, 2);
  // Each PE peaks at 40 words (validator_test); its inputs alone are 12.
  s.problem.machine.max_words_per_pe = 40;
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  ASSERT_TRUE(r.ok() && r->valid());
  EXPECT_EQ(r->stats.peak_words, (std::vector<int64_t>{40, 40}));

  s.problem.machine.max_words_per_pe = 39;
  Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kStorageExceeded);
  EXPECT_GT(v.cycle, 0);
  EXPECT_THAT(v.message, HasSubstr("40 words resident, above the storage limit of 39 words per PE"));

  s.problem.machine.max_words_per_pe = 11;
  v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kStorageExceeded);
  EXPECT_EQ(v.cycle, 0);
  EXPECT_EQ(v.pe, 0);
}

TEST(StorageTest, ThePeakIsOverTimeNotTheEnd) {
  // With frees the words at the end are below the peak: the validator reports the peak.
  Schedule s = BaseWithFrees();
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  ASSERT_TRUE(r.ok() && r->valid());
  // Without frees PE 0 ends (and peaks) at 40; with them it drops the 8 words of the
  // received k and v at the end, and its peak is where k(2), k(3) overlap v(2), v(3).
  for (int64_t limit : {r->stats.peak_words[0], r->stats.peak_words[0] - 1}) {
    s.problem.machine.max_words_per_pe = limit;
    absl::StatusOr<ValidationReport> again = testing::ValidateSchedule(s);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->valid(), limit == r->stats.peak_words[0]) << limit;
  }
  EXPECT_LT(r->stats.peak_words[0], 40);
}

// The peak words per PE of a valid schedule.
int64_t PeakOf(const Schedule& s) {
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  EXPECT_TRUE(r.ok() && r->valid());
  return r.ok() ? *std::max_element(r->stats.peak_words.begin(), r->stats.peak_words.end()) : 0;
}

TEST(StorageTest, GeneratorsMeetALimitOrSayWhatItTakes) {
  Problem p = MakeProblem(Scheme::kGeneral, 64, 4, 4);
  // Unlimited: no frees, as in version 1.
  const Schedule plain = MustGenerate(p);
  EXPECT_EQ(FindEvent(plain, [](const Event& e) { return e.is_free(); }), -1);
  // A generous limit: the same schedule with frees.
  p.machine.max_words_per_pe = 1 << 20;
  absl::StatusOr<Generated> fast = Generate(p);
  ASSERT_TRUE(fast.ok()) << fast.status();
  EXPECT_THAT(fast->note, HasSubstr("items freed after their last use: at most"));
  const Schedule fast_schedule = testing::Whole(*fast);
  EXPECT_EQ(Makespan(fast_schedule), Makespan(plain));
  // The frees count against the event limit: such a schedule is held whole.
  GenerateOptions tight;
  tight.max_events = static_cast<int64_t>(plain.events.size());
  const absl::Status over = Generate(p, tight).status();
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(over.message()),
              HasSubstr(absl::StrCat("with its frees, the schedule for general n=64 d=4 on 4 PEs has ",
                                     fast_schedule.events.size(), " events, above the event limit ",
                                     plain.events.size())));
  const int64_t fast_peak = PeakOf(fast_schedule);
  // Below that: vectors forwarded only after their last use hold less.
  p.machine.max_words_per_pe = fast_peak - 1;
  absl::StatusOr<Generated> paced = Generate(p);
  ASSERT_TRUE(paced.ok()) << paced.status();
  EXPECT_THAT(paced->note, HasSubstr("vectors forwarded only after it"));
  const int64_t paced_peak = PeakOf(testing::Whole(*paced));
  EXPECT_LT(paced_peak, fast_peak);
  p.machine.max_words_per_pe = paced_peak;  // exactly enough
  EXPECT_TRUE(Generate(p).ok());
  p.machine.max_words_per_pe = paced_peak - 1;
  const std::string refused(Generate(p).status().message());
  EXPECT_THAT(refused, HasSubstr(absl::StrCat("the ring-rotation schedule needs ", fast_peak,
                                              " words on PE")));
  EXPECT_THAT(refused,
              HasSubstr(absl::StrCat("the ring-rotation schedule ", paced_peak, " words on PE")));
  EXPECT_THAT(refused, HasSubstr(absl::StrCat("raise the limit to at least ", paced_peak)));
  // 16 tokens per PE x 3 vectors x 4 words = 192 words of inputs at cycle 0.
  p.machine.max_words_per_pe = 191;
  const absl::Status below = Generate(p).status();
  EXPECT_EQ(below.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(below.message()),
              HasSubstr("max_words_per_pe = 191: below the 192 words that the PE with the most "
                        "tokens holds from cycle 0"));
}

// The two attempts may come from different generators: a refusal names each with
// what it needs (it once named the first attempt's for the second's figure).
TEST(StorageTest, ARefusalNamesTheGeneratorOfEachAttempt) {
  Problem p = MakeProblem(Scheme::kCausal, 8, 4, 8);
  p.instance = *WithHeads(p.instance, 8, 8, "");
  GenerateOptions block;
  block.placement = PlacementSpec{PlacementKind::kBlock, {}};
  p.machine.max_words_per_pe = 240;
  const std::string refused(Generate(p, block).status().message());
  EXPECT_THAT(refused, HasSubstr("the list-scheduling schedule needs "));
  EXPECT_THAT(refused, HasSubstr("freed after its last use, and the zigzag-ring schedule "));
}

TEST(StorageTest, FlowControlCompilesEveryGeneratorsPlans) {
  // Programs that read blocks against the ring's order stall under flow control; the
  // compiler then sends what is held, so every plan compiles to a valid schedule.
  std::vector<Problem> problems = {MakeProblem(Scheme::kShared, 40, 2, 5),
                                   MakeProblem(Scheme::kCausal, 64, 4, 4),
                                   MakeProblem(Scheme::kGeneral, 37, 4, 5)};
  Problem masked = MakeProblem(Scheme::kCausal, 64, 4, 8);
  masked.instance.mask = *Mask::Make(*ParseSegments("30c,20b,10c,4p"), 0, kMaxTokens);
  problems.push_back(masked);
  for (Problem p : problems) {
    p.machine.max_words_per_pe = 1;  // forces the flow-controlled attempt, then refuses
    const absl::Status s = Generate(p).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << Describe(p) << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("max_words_per_pe = 1: below")) << Describe(p);
    // Just above the cycle-0 bound: both attempts run, the answer names what they need.
    p.machine.max_words_per_pe = StorageLowerBound(p, nullptr);
    absl::StatusOr<Generated> g = Generate(p);
    if (g.ok()) {
      EXPECT_LE(PeakOf(testing::Whole(*g)), p.machine.max_words_per_pe) << Describe(p);
    } else {
      EXPECT_THAT(std::string(g.status().message()), HasSubstr("forwarded only after it"))
          << Describe(p);
    }
    p.machine.max_words_per_pe = 1 << 30;
    p.machine.max_words_per_pe = PeakOf(MustGenerate(p)) - 1;
    absl::StatusOr<Generated> paced = Generate(p);
    if (paced.ok()) {
      const Schedule schedule = testing::Whole(*paced);
      EXPECT_LE(PeakOf(schedule), p.machine.max_words_per_pe) << Describe(p);
      absl::StatusOr<SimulationReport> sim = testing::SimulateSchedule(schedule, 2);
      ASSERT_TRUE(sim.ok()) << sim.status();
      EXPECT_LE(sim->max_rel_error, kMaxRelError);
    }
  }
}

TEST(StorageTest, FreesSurviveBothFileFormats) {
  Schedule s = BaseWithFrees();
  s.problem.machine.max_words_per_pe = 1000;
  std::stringstream json(testing::ScheduleJsonText(s));
  EXPECT_THAT(json.str(), HasSubstr("\"free\":\"k(2)\""));
  EXPECT_THAT(json.str(), HasSubstr("\"max_words_per_pe\":1000"));
  absl::StatusOr<Schedule> back = ReadScheduleJson(json, 1 << 20);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->events, s.events);
  EXPECT_EQ(back->problem.machine.max_words_per_pe, 1000);

  std::vector<v1::ScheduleChunk> chunks;
  VectorEventSource events(s);
  ASSERT_TRUE(rpc::WriteChunks(events, static_cast<int64_t>(s.events.size()), 7, nullptr,
                               [&chunks](const v1::ScheduleChunk& c) {
                                 chunks.push_back(c);
                                 return true;
                               }));
  size_t next = 0;
  absl::StatusOr<std::unique_ptr<rpc::ChunkEventSource>> in = rpc::ChunkEventSource::Open(
      [&](v1::ScheduleChunk& c) -> absl::StatusOr<bool> {
        if (next == chunks.size()) return false;
        c = chunks[next++];
        return true;
      },
      1 << 20);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ((*in)->problem().machine.max_words_per_pe, 1000);
  std::vector<Event> streamed;
  for (; (*in)->Valid(); (*in)->Next()) streamed.push_back((*in)->event());
  EXPECT_EQ(streamed, s.events);

  std::stringstream bad(R"json({"format":"attnsched.schedule.v1","instance":{"n":2,"d":1,
    "scheme":"general"},"machine":{"pes":2},"placement":[0,1],
    "events":[{"start":0,"from_pe":0,"free":"k(0)"}]})json");
  EXPECT_THAT(std::string(ReadScheduleJson(bad, 100).status().message()),
              HasSubstr("events[0]: needs exactly one of \"op\" (with \"pe\"), \"item\" (with "
                        "\"from_pe\") or \"free\" (with \"pe\")"));
}

TEST(StorageTest, TheSatEngineRefusesWhatItDoesNotModel) {
  Problem p = MakeProblem(Scheme::kCausal, 3, 1, 2);
  p.machine.max_words_per_pe = 100;
  EXPECT_THAT(std::string(sat::SolveOptimal(p, {}).status().message()),
              HasSubstr("the SAT engine does not model storage limits"));
  Schedule s = MustGenerate(Scheme::kCausal, 3, 1, 2);
  FreeAfterLastUse(s);
  EXPECT_THAT(std::string(sat::Prove(s, {}).status().message()),
              HasSubstr("the schedule frees items (FREE events)"));
}

}  // namespace
}  // namespace attnsched
