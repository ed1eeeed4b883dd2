// The mask type (lib/model/mask.h): its runs, reader runs and dense indices against
// the rule of SPEC section 10.2 evaluated literally, its errors, and masks end to
// end: generated, validated, simulated on real numbers, bounded, written and read.
#include "lib/model/mask.h"

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/algorithms/generator.h"
#include "lib/algorithms/plan.h"
#include "lib/export/schedule_json.h"
#include "lib/model/bounds.h"
#include "lib/model/mask_spec.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

Mask MustMake(const std::string& segments, int64_t window) {
  absl::StatusOr<std::vector<Segment>> parsed = ParseSegments(segments);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  absl::StatusOr<Mask> mask = Mask::Make(*parsed, window, kMaxTokens);
  EXPECT_TRUE(mask.ok()) << mask.status();
  return *mask;
}

TEST(MaskTest, RunsMatchTheDefinition) {
  for (const Mask& mask : testing::RandomMasks(300, 12345, 9)) {
    const int64_t n = mask.n();
    int64_t scores = 0, rows = 0, longest = 0;
    for (int64_t i = 0; i < n; ++i) {
      int64_t length = 0;
      for (int64_t j = 0; j < n; ++j) {
        const bool attends = mask.AttendsByDefinition(i, j);
        ASSERT_EQ(mask.Attends(i, j), attends) << mask.Describe() << " i=" << i << " j=" << j;
        // R(j) holds exactly the rows attending j.
        const bool reader = i >= mask.ReaderBegin(j) && i < mask.ReaderEnd(j);
        ASSERT_EQ(reader, attends) << mask.Describe() << " i=" << i << " j=" << j;
        length += attends;
      }
      ASSERT_EQ(mask.RowLength(i), length) << mask.Describe() << " i=" << i;
      if (length > 0) {
        EXPECT_TRUE(mask.Attends(i, i)) << "a row that attends attends itself";
      }
      if (i > 0) {  // the sweeps of the bounds rely on this
        EXPECT_GE(mask.KeyBegin(i), mask.KeyBegin(i - 1)) << mask.Describe();
        EXPECT_GE(mask.KeyEnd(i), mask.KeyEnd(i - 1)) << mask.Describe();
        EXPECT_GE(mask.ReaderBegin(i), mask.ReaderBegin(i - 1)) << mask.Describe();
        EXPECT_GE(mask.ReaderEnd(i), mask.ReaderEnd(i - 1)) << mask.Describe();
      }
      scores += length;
      rows += length > 0;
      longest = std::max(longest, length);
    }
    EXPECT_EQ(mask.ScoreCount(), scores);
    EXPECT_EQ(mask.RowsWithKeys(), rows);
    EXPECT_EQ(mask.LongestRow(), longest);
  }
}

TEST(MaskTest, DenseIndicesAreBijections) {
  std::vector<Mask> masks = testing::RandomMasks(200, 12345, 9);
  for (int k = 0; k < 40; ++k) {
    if (masks[k].n() >= 4) masks.push_back(*masks[k].Tiled(2 + k % 3));
  }
  for (const Mask& mask : masks) {
    std::set<int64_t> scores, readers, pairs;
    for (int64_t i = 0; i < mask.n(); ++i) {
      for (int64_t j = 0; j < mask.n(); ++j) {
        if (mask.Attends(i, j)) {
          const int64_t index = mask.ScoreIndex(i, j);
          ASSERT_GE(index, 0);
          ASSERT_LT(index, mask.ScoreCount());
          ASSERT_TRUE(scores.insert(index).second) << mask.Describe();
          // Key by key: the readers of key j are consecutive.
          const int64_t by_key = mask.ReaderIndex(i, j);
          ASSERT_GE(by_key, 0);
          ASSERT_LT(by_key, mask.ScoreCount());
          ASSERT_TRUE(readers.insert(by_key).second) << mask.Describe();
          if (i > mask.ReaderBegin(j)) {
            ASSERT_EQ(by_key, mask.ReaderIndex(i - 1, j) + 1);
          }
        }
        if (i <= j && mask.Related(i, j)) {
          const int64_t index = mask.PairIndex(i, j);
          ASSERT_GE(index, 0);
          ASSERT_LT(index, mask.PairCount());
          ASSERT_TRUE(pairs.insert(index).second) << mask.Describe();
        }
      }
    }
    EXPECT_EQ(static_cast<int64_t>(scores.size()), mask.ScoreCount());
    EXPECT_EQ(static_cast<int64_t>(readers.size()), mask.ScoreCount());
    EXPECT_EQ(static_cast<int64_t>(pairs.size()), mask.PairCount());
  }
}

TEST(MaskTest, OneSegmentMasksAreTheV1Schemes) {
  const Instance general = MakeInstance(Scheme::kGeneral, 6, 2);
  const Instance causal = MakeInstance(Scheme::kCausal, 6, 2);
  const Instance shared = MakeInstance(Scheme::kShared, 6, 2);
  EXPECT_EQ(general.mask.ScoreCount(), 36);
  EXPECT_EQ(causal.mask.ScoreCount(), 21);
  EXPECT_EQ(shared.mask.PairCount(), 21);
  EXPECT_EQ(SchemeOf(general), Scheme::kGeneral);
  EXPECT_EQ(SchemeOf(causal), Scheme::kCausal);
  EXPECT_EQ(SchemeOf(shared), Scheme::kShared);
  const Instance windowed{MustMake("6c", 3), 2, false};
  EXPECT_EQ(SchemeOf(windowed), std::nullopt);
  EXPECT_EQ(DescribeMask(windowed), "6c window 3");
  EXPECT_EQ(DescribeMask(Instance{MustMake("4c,2p", 0), 2, true}), "4c,2p shared");
}

TEST(MaskTest, BadSegmentsAreRefusedByName) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "entry 0 \"\" is empty"},
      {"12c,,4p", "entry 1 \"\" is empty"},
      {"12x", "does not end with c, b or p"},
      {"c", "has no length >= 1"},
      {"0c", "has no length >= 1"},
      {"-3c", "has no length >= 1"},
      {"99999999999999999999c", "has a length too large"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::vector<Segment>> s = ParseSegments(c.text);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(c.message)) << c.text;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr("e.g. 512c,300c,16p"));
  }
  EXPECT_THAT(std::string(Mask::Make({{4, SegmentKind::kPadding}}, 0, 100).status().message()),
              HasSubstr("every token is padding"));
  EXPECT_THAT(std::string(Mask::Make({{4, SegmentKind::kCausal}}, -1, 100).status().message()),
              HasSubstr("window = -1: must be in [0, 100]"));
  EXPECT_THAT(std::string(Mask::Make({{60, SegmentKind::kCausal}, {60, SegmentKind::kCausal}}, 0,
                                     100)
                              .status()
                              .message()),
              HasSubstr("more than 100 tokens"));
  EXPECT_THAT(std::string(Mask::Make({}, 0, 100).status().message()), HasSubstr("empty"));
}

TEST(MaskSpecTest, SchemeOrSegmentsWithTheirRules) {
  MaskSpec both{"causal", std::vector<Segment>{{4, SegmentKind::kCausal}}, 0, std::nullopt, 4};
  EXPECT_THAT(std::string(MakeMaskedInstance(both, 2, "--").status().message()),
              HasSubstr("--segments: not together with a scheme"));
  MaskSpec none;
  none.n = 4;
  EXPECT_THAT(std::string(MakeMaskedInstance(none, 2, "instance.").status().message()),
              HasSubstr("instance.scheme: missing"));
  MaskSpec sum{std::nullopt, std::vector<Segment>{{4, SegmentKind::kCausal}}, 0, std::nullopt, 5};
  EXPECT_THAT(std::string(MakeMaskedInstance(sum, 2, "--").status().message()),
              HasSubstr("--n = 5 but the segments sum to 4 tokens"));
  MaskSpec not_shared{"shared", std::nullopt, 0, false, 4};
  EXPECT_THAT(std::string(MakeMaskedInstance(not_shared, 2, "").status().message()),
              HasSubstr("shared = false with scheme shared"));
  MaskSpec causal_shared{"causal", std::nullopt, 2, true, 4};
  absl::StatusOr<Instance> inst = MakeMaskedInstance(causal_shared, 2, "");
  ASSERT_TRUE(inst.ok()) << inst.status();
  EXPECT_TRUE(inst->shared);
  EXPECT_EQ(inst->mask.window(), 2);
  // SpecOf states an instance so that MakeMaskedInstance reads it back.
  absl::StatusOr<Instance> back = MakeMaskedInstance(SpecOf(*inst), 2, "");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->mask, inst->mask);
  EXPECT_EQ(back->shared, inst->shared);
}

// Masks users have: packed documents, padding, a sliding window, encoder documents,
// each with distinct and with shared inputs.
std::vector<Instance> UserMasks() {
  std::vector<Instance> out;
  for (const auto& [segments, window] :
       std::vector<std::pair<std::string, int64_t>>{{"7c,5c,9c,3c", 0},
                                                     {"13c,5p", 0},
                                                     {"24c", 5},
                                                     {"6b,2p,9b", 0},
                                                     {"11b,7c", 4},
                                                     {"1c,1p,1b", 0}}) {
    for (bool shared : {false, true}) out.push_back(Instance{MustMake(segments, window), 2, shared});
  }
  return out;
}

TEST(MaskedScheduleTest, EveryMaskGeneratesValidExactSchedulesWithinTheBounds) {
  for (const Instance& inst : UserMasks()) {
    for (int64_t m : {1, 3, 4}) {
      Problem p{inst, Machine{m, 1, 1, 0}, Costs::Default(inst.d)};
      const Schedule s = testing::MustGenerate(p);
      const std::string what = Describe(p);
      absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(s);
      ASSERT_TRUE(report.ok()) << what << ": " << report.status();
      ASSERT_TRUE(report->valid()) << what << ": " << report->violation->message;
      EXPECT_EQ(report->stats.operations, CountOperations(inst).total()) << what;
      absl::StatusOr<SimulationReport> sim = testing::SimulateSchedule(s, 7);
      ASSERT_TRUE(sim.ok()) << what << ": " << sim.status();
      EXPECT_LE(sim->max_rel_error, kMaxRelError) << what;
      EXPECT_GE(Makespan(s), ComputeLowerBounds(p, s.placement).Max()) << what;
      EXPECT_LE(Makespan(s), TotalWork(p)) << what << ": never slower than one PE";
    }
  }
}

TEST(MaskedScheduleTest, PaddingCostsNothing) {
  // segments 3c,1p on n = 4: 3 rows of work with 1 + 2 + 3 = 6 scores, W = (2d+1) 6
  // with default costs; on one PE T = LB_work = W.
  for (int64_t d : {1, 2, 64}) {
    Problem p{Instance{MustMake("3c,1p", 0), d, false}, Machine{1, 1, 1, 0}, Costs::Default(d)};
    EXPECT_EQ(CountOperations(p.instance).softmaxes, 3);
    EXPECT_EQ(TotalWork(p), (2 * d + 1) * 6);
    const Schedule s = testing::MustGenerate(p);
    EXPECT_EQ(Makespan(s), TotalWork(p));
    EXPECT_EQ(ComputeLowerBounds(p, s.placement).work, TotalWork(p));
  }
}

TEST(MaskedScheduleTest, OneSegmentMasksScheduleLikeTheirSchemes) {
  // --scheme causal and --segments Nc (general and Nb, shared and Nb --shared) are the
  // same instance, so they get the same schedule.
  const struct {
    Scheme scheme;
    const char* kind;
    bool shared;
  } cases[] = {{Scheme::kCausal, "c", false},
               {Scheme::kGeneral, "b", false},
               {Scheme::kShared, "b", true}};
  for (const auto& c : cases) {
    for (const auto& [n, m] : {std::pair{13, 3}, std::pair{64, 4}}) {
      const Problem scheme = MakeProblem(c.scheme, n, 4, m);
      Problem segments = scheme;
      segments.instance = Instance{MustMake(absl::StrCat(n, c.kind), 0), 4, c.shared};
      const Schedule a = testing::MustGenerate(scheme);
      const Schedule b = testing::MustGenerate(segments);
      EXPECT_EQ(a.placement, b.placement) << SchemeName(c.scheme) << " n=" << n;
      EXPECT_EQ(a.events, b.events) << SchemeName(c.scheme) << " n=" << n;
    }
  }
}

TEST(MaskedScheduleTest, SchemesAtTheirBoundStayThere) {
  // v1 instances whose schedule met a lower bound before masks existed still do.
  for (const Problem& p : {MakeProblem(Scheme::kGeneral, 512, 64, 16),
                           MakeProblem(Scheme::kCausal, 1024, 64, 16),
                           MakeProblem(Scheme::kShared, 512, 64, 16),
                           MakeProblem(Scheme::kCausal, 64, 8, 4),
                           MakeProblem(Scheme::kGeneral, 33, 2, 3)}) {
    const Schedule s = testing::MustGenerate(p);
    EXPECT_EQ(Makespan(s), ComputeLowerBounds(p, s.placement).Max()) << Describe(p);
  }
}

TEST(MaskedScheduleTest, PadRowsHaveNoOperations) {
  Problem p{Instance{MustMake("5c,3p", 0), 2, false}, Machine{2, 1, 1, 0}, Costs::Default(2)};
  const Schedule s = testing::MustGenerate(p);
  for (const Event& e : s.events) {
    if (!e.is_op()) continue;
    EXPECT_LT(e.i, 5) << "pad row " << e.i << " runs " << OperationName(p.instance, e.op());
    EXPECT_LT(e.j, 5) << "pad key " << e.j << " is attended by " << OperationName(p.instance, e.op());
  }
  EXPECT_EQ(CountOperations(p.instance).softmaxes, 5);
}

TEST(MaskedScheduleTest, AWindowSendsKeysOnlyAsFarAsTheyAreRead) {
  // 64 tokens, 8 per PE in blocks, window 8: key j is read by rows j..j+7, at most one
  // PE ahead, so ring rotation's rows-at-home plan sends no k(j) or v(j) over more than
  // ceil(8 / 8) + 1 = 2 links (a full causal ring sends keys up to 7 links). Balancing
  // may move dots, and the keys with them, where that evens the load.
  Problem p{Instance{MustMake("64c", 8), 2, false}, Machine{8, 1, 1, 0}, Costs::Default(2)};
  const Placement homes = BlockPlacement(64, 8);
  absl::StatusOr<Schedule> s = CompilePlan(
      p, FinishRingPlan(p, homes, GeneratorFor(p.instance).dots(p, homes, /*balance=*/false)));
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(testing::ValidateSchedule(*s)->valid());
  std::vector<int64_t> crossings(64, 0);
  for (const Event& e : s->events) {
    if (!e.is_op() && (e.item().kind == ItemKind::kK || e.item().kind == ItemKind::kV)) {
      ++crossings[e.i];
    }
  }
  for (int64_t j = 0; j < 64; ++j) EXPECT_LE(crossings[j], 2 * 2) << "k(" << j << "), v(" << j << ")";
  EXPECT_GT(*std::max_element(crossings.begin(), crossings.end()), 0);
}

TEST(MaskedScheduleTest, TheFileRecordsTheMask) {
  for (const Instance& inst : UserMasks()) {
    Problem p{inst, Machine{3, 1, 1, 0}, Costs::Default(inst.d)};
    const Schedule s = testing::MustGenerate(p);
    std::stringstream file(testing::ScheduleJsonText(s));
    EXPECT_THAT(file.str(), HasSubstr("\"segments\":\"" + SegmentsText(inst.mask.segments())));
    absl::StatusOr<Schedule> back = ReadScheduleJson(file, kDefaultMaxEvents);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->problem.instance.mask, inst.mask);
    EXPECT_EQ(back->problem.instance.shared, inst.shared);
    EXPECT_EQ(back->events, s.events);
  }
}

}  // namespace
}  // namespace attnsched
