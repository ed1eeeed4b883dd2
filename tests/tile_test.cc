// Tiles (SPEC section 10.4, lib/model/mask.h): the tiled mask's runs and weights
// against the token rule counted literally, durations and words, and tiled instances
// end to end: generated, validated, simulated on real numbers and bounded.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/algorithms/generator.h"
#include "lib/model/bounds.h"
#include "lib/model/mask.h"
#include "lib/model/task_graph.h"
#include "lib/sat/encoder.h"
#include "lib/schedule/check.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/simulator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

Mask MustTile(const Mask& tokens, int64_t b) {
  absl::StatusOr<Mask> tiled = tokens.Tiled(b);
  EXPECT_TRUE(tiled.ok()) << tiled.status();
  return *tiled;
}

// Token pairs (i in I, j in J, j in M(i)) by the definition.
int64_t PairsByDefinition(const Mask& t, int64_t a, int64_t b) {
  const Mask& tokens = t.tokens();
  int64_t pairs = 0;
  for (int64_t i = t.TileBegin(a); i < t.TileEnd(a); ++i) {
    for (int64_t j = t.TileBegin(b); j < t.TileEnd(b); ++j) pairs += tokens.AttendsByDefinition(i, j);
  }
  return pairs;
}

// Unordered related token pairs {i <= j} with i in I and j in J (I <= J).
int64_t UnorderedByDefinition(const Mask& t, int64_t a, int64_t b) {
  const Mask& tokens = t.tokens();
  int64_t pairs = 0;
  for (int64_t i = t.TileBegin(a); i < t.TileEnd(a); ++i) {
    for (int64_t j = std::max(i, t.TileBegin(b)); j < t.TileEnd(b); ++j) {
      pairs += tokens.AttendsByDefinition(i, j) || tokens.AttendsByDefinition(j, i);
    }
  }
  return pairs;
}

TEST(TileTest, RunsAndWeightsMatchTheTokenRule) {
  for (const Mask& tokens : testing::RandomMasks(150, 777, 12)) {
    for (int64_t b = 1; b <= std::min<int64_t>(tokens.n(), 5); ++b) {
      const Mask t = MustTile(tokens, b);
      ASSERT_EQ(t.n(), (tokens.n() + b - 1) / b);
      ASSERT_EQ(t.tile(), b);
      int64_t ordered = 0, unordered = 0;
      for (int64_t a = 0; a < t.n(); ++a) {
        int64_t row_pairs = 0;
        for (int64_t c = 0; c < t.n(); ++c) {
          const int64_t pairs = PairsByDefinition(t, a, c);
          const std::string where = tokens.Describe() + " b=" + std::to_string(b) +
                                    " I=" + std::to_string(a) + " J=" + std::to_string(c);
          ASSERT_EQ(t.Attends(a, c), pairs > 0) << where;
          ASSERT_EQ(c >= t.ReaderBegin(a) && c < t.ReaderEnd(a), PairsByDefinition(t, c, a) > 0)
              << where;
          if (pairs > 0) {
            ASSERT_EQ(t.Pairs(a, c), pairs) << where;
          }
          if (a <= c && t.Related(a, c)) {
            ASSERT_EQ(t.UnorderedPairs(a, c), UnorderedByDefinition(t, a, c)) << where;
            unordered += t.UnorderedPairs(a, c);
          }
          row_pairs += pairs;
        }
        ASSERT_EQ(t.RowPairs(a), row_pairs);
        ordered += row_pairs;
      }
      // The weights cover every token pair once.
      EXPECT_EQ(ordered, tokens.ScoreCount());
      EXPECT_EQ(unordered, tokens.PairCount());
    }
  }
}

TEST(TileTest, StatisticsCoverEveryWeight) {
  const Mask t = MustTile(Mask::OneSegment(10, SegmentKind::kCausal), 4);  // tiles 4, 4, 2
  // Diagonal tiles hold 10, 10 and 3 pairs; below the diagonal 16 and 8 (two rows of
  // tile 2 times the four keys of tile 1).
  EXPECT_EQ(t.RowPairs(0), 10);
  EXPECT_EQ(t.Pairs(1, 0), 16);
  EXPECT_EQ(t.Pairs(2, 1), 8);
  EXPECT_EQ(t.Pairs(2, 2), 3);
  EXPECT_EQ(t.FewestPairs(), 3);
  EXPECT_EQ(t.MostRowPairs(), 5 + 6 + 7 + 8);  // tile 1: rows 4..7
  EXPECT_EQ(t.FewestRowPairs(), 10);
  EXPECT_EQ(t.PairsGcd(), 1);
  EXPECT_EQ(t.TileTokens(2), 2);
}

TEST(TileTest, BadTileSizesAreRefusedNamingTheField) {
  const Mask tokens = Mask::OneSegment(8, SegmentKind::kCausal);
  for (int64_t b : {0, -3, 9}) {
    absl::StatusOr<Mask> t = tokens.Tiled(b);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(t.status().message()),
                HasSubstr("tile = " + std::to_string(b) + ": must be in [1, 8]"));
  }
  EXPECT_TRUE(tokens.Tiled(8).ok());
  // Causal n = 2^20 in tiles of 256: 8,390,656 tile pairs, above kMaxTilePairs.
  absl::StatusOr<Mask> many = Mask::OneSegment(1 << 20, SegmentKind::kCausal).Tiled(256);
  EXPECT_EQ(many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(many.status().message()),
              HasSubstr("tile = 256: the mask has 8390656 tile pairs, above the limit of "
                        "4194304; use a larger tile"));
  EXPECT_TRUE(Mask::OneSegment(1 << 20, SegmentKind::kCausal).Tiled(512).ok());
  EXPECT_FALSE(tokens == *tokens.Tiled(2));  // the tile is part of the mask
  EXPECT_TRUE(*tokens.Tiled(2) == *tokens.Tiled(2));
  EXPECT_TRUE(*tokens.Tiled(2)->Tiled(4) == *tokens.Tiled(4));  // tiles of the tokens
  EXPECT_TRUE(*tokens.Tiled(2)->Tiled(1) == tokens);
}

TEST(TileTest, DurationsAndWordsCountTokenPairs) {
  Problem p = MakeProblem(Scheme::kCausal, 10, 3, 2);
  p.instance.mask = MustTile(p.instance.mask, 4);
  // dot(1,0) covers 16 pairs, softmax(2) the 3 + 8 + 8 pairs of its rows.
  EXPECT_EQ(Duration(p, Operation{OpKind::kDot, 1, 0}), 3 * 16);
  EXPECT_EQ(Duration(p, Operation{OpKind::kSoftmax, 2, 0}), 19);
  EXPECT_EQ(Duration(p, Operation{OpKind::kAxpy, 2, 2}), 3 * 3);
  EXPECT_EQ(Words(p.instance, Item{ItemKind::kK, 2, 0}), 2 * 3);
  EXPECT_EQ(Words(p.instance, Item{ItemKind::kS, 1, 0}), 16);
  // Outside the task graph (unvalidated schedules): one pair, one token.
  EXPECT_EQ(Duration(p, Operation{OpKind::kDot, 0, 2}), 3);
  EXPECT_EQ(Duration(p, Operation{OpKind::kAxpy, 7, 0}), 3);
  EXPECT_EQ(Words(p.instance, Item{ItemKind::kP, 0, 1}), 1);
  EXPECT_EQ(Words(p.instance, Item{ItemKind::kK, 9, 0}), 3);
  // W is the token instance's.
  EXPECT_EQ(TotalWork(p), TotalWork(MakeProblem(Scheme::kCausal, 10, 3, 2)));
  int64_t sum = 0;
  for (int32_t i = 0; i < p.n(); ++i) {
    sum += Duration(p, Operation{OpKind::kSoftmax, i, 0});
    for (int32_t j = 0; j <= i; ++j) {
      sum += Duration(p, Operation{OpKind::kDot, i, j}) + Duration(p, Operation{OpKind::kAxpy, i, j});
    }
  }
  EXPECT_EQ(sum, TotalWork(p));
}

// Every v1 scheme and some masks, tiled, generated, validated and simulated; the
// bounds hold.
TEST(TileTest, TiledInstancesGenerateValidateAndSimulate) {
  const std::vector<std::pair<Instance, int64_t>> cases = {
      {MakeInstance(Scheme::kGeneral, 37, 3), 4},
      {MakeInstance(Scheme::kShared, 37, 3), 5},
      {MakeInstance(Scheme::kCausal, 64, 4), 8},
      {MakeInstance(Scheme::kCausal, 50, 2), 7},
  };
  for (int64_t m : {1, 3, 4}) {
    for (const auto& [inst, b] : cases) {
      Problem p{inst, Machine{m, 2, 1, 1}, Costs::Default(inst.d)};
      p.instance.mask = MustTile(inst.mask, b);
      absl::StatusOr<Generated> g = Generate(p);
      ASSERT_TRUE(g.ok()) << Describe(p) << ": " << g.status();
      absl::StatusOr<CheckReport> check = CheckSchedule(*g->events, CheckOptions{.simulate_seed = 5});
      ASSERT_TRUE(check.ok()) << check.status();
      ASSERT_TRUE(check->validation.valid()) << Describe(p) << ": " << check->validation.violation->message;
      ASSERT_TRUE(check->simulation.has_value());
      EXPECT_LE(check->simulation->max_rel_error, kMaxRelError) << Describe(p);
      EXPECT_EQ(check->simulation->rows_checked, inst.n());
      const LowerBounds lb = ComputeLowerBounds(p, g->events->placement());
      EXPECT_LE(lb.Max(), check->validation.stats.makespan) << Describe(p);
      EXPECT_EQ(check->validation.stats.work, TotalWork(p)) << Describe(p);
    }
  }
}

// Above kMaxSimulatedScores token scores the simulator checks a sample of rows: every
// k-th and the last.
TEST(TileTest, LargeInstancesSimulateASampleOfRows) {
  Problem p = MakeProblem(Scheme::kCausal, 6000, 1, 4);  // 18,003,000 scores: k = 2
  ASSERT_GT(p.mask().ScoreCount(), kMaxSimulatedScores);
  p.instance.mask = MustTile(p.instance.mask, 100);
  absl::StatusOr<Generated> g = Generate(p);
  ASSERT_TRUE(g.ok()) << g.status();
  absl::StatusOr<SimulationReport> sim = Simulate(*g->events, 3);
  ASSERT_TRUE(sim.ok()) << sim.status();
  EXPECT_EQ(sim->rows, 6000);
  EXPECT_EQ(sim->rows_checked, 3001);  // rows 0, 2, ..., 5998 and 5999
  EXPECT_LE(sim->max_rel_error, kMaxRelError);
}

TEST(TileTest, TheSatEngineRefusesTiles) {
  Problem p = MakeProblem(Scheme::kCausal, 4, 1, 2);
  EXPECT_TRUE(sat::CheckEncodable(p).ok());
  p.instance.mask = MustTile(p.instance.mask, 2);
  const absl::Status s = sat::CheckEncodable(p);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("tile = 2: the SAT engine schedules tokens"));
}

}  // namespace
}  // namespace attnsched
