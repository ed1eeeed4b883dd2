// The lower bound of a free placement (lib/model/free_bound.h): the least pinned bound
// over every placement, found over the candidates its symmetries leave (rotations;
// relabelings where tokens are interchangeable); sound against the SAT optimum; and
// what it decides that the search could not before.
#include "lib/model/free_bound.h"

#include <algorithm>
#include <limits>

#include "gtest/gtest.h"
#include "lib/model/bounds.h"
#include "lib/model/heads.h"
#include "lib/model/mask_spec.h"
#include "lib/sat/optimal_search.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

// The least LowerBounds::Max over all m^n placements of one head's tokens, by brute
// force.
int64_t LeastOverEveryPlacement(const Problem& p) {
  const int64_t n = p.instance.rows_per_head(), m = p.pes();
  Placement homes(n, 0);
  int64_t least = std::numeric_limits<int64_t>::max();
  for (int64_t code = 0, all = static_cast<int64_t>(std::pow(m, n)); code < all; ++code) {
    for (int64_t i = 0, c = code; i < n; ++i, c /= m) homes[i] = static_cast<int32_t>(c % m);
    least = std::min(least, ComputeLowerBounds(p, LayerPlacement(p.instance, homes)).Max());
  }
  return least;
}

Problem WithTwoHeads(Problem p) {
  absl::StatusOr<Instance> layer = WithHeads(p.instance, 2, 1, "");
  EXPECT_TRUE(layer.ok()) << layer.status();
  p.instance = *layer;
  return p;
}

TEST(FreeBoundTest, TheSymmetriesLoseNoPlacement) {
  std::vector<Problem> problems;
  for (const Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (const int64_t n : {1, 3, 5, 6}) {
      for (const int64_t m : {1, 2, 3, 4}) {
        for (const int64_t d : {1, 2}) problems.push_back(MakeProblem(scheme, n, d, m));
      }
    }
  }
  problems.push_back(WithTwoHeads(MakeProblem(Scheme::kCausal, 4, 1, 3)));
  problems.push_back(WithTwoHeads(MakeProblem(Scheme::kGeneral, 4, 2, 2)));
  MaskSpec spec;  // a sliding window: tokens not interchangeable, not causal alone
  spec.scheme = "causal";
  spec.window = 2;
  spec.n = 5;
  absl::StatusOr<Instance> window = MakeMaskedInstance(spec, 1, "--");
  ASSERT_TRUE(window.ok()) << window.status();
  problems.push_back(MakeProblem(Scheme::kCausal, 5, 1, 3));
  problems.back().instance = *window;
  for (const Problem& p : problems) {
    const FreeBound bound = FreePlacementBound(p);
    EXPECT_EQ(bound.cycles, LeastOverEveryPlacement(p)) << Describe(p);
    ASSERT_EQ(static_cast<int64_t>(bound.placement.size()), p.instance.rows_per_head());
    EXPECT_EQ(ComputeLowerBounds(p, LayerPlacement(p.instance, bound.placement)).Max(),
              bound.cycles)
        << Describe(p);
  }
  // Interchangeable tokens: the ways to share 6 tokens among 4 PEs, C(9, 3); causal:
  // token 0 on PE 0, 4^5.
  EXPECT_EQ(FreePlacementBound(MakeProblem(Scheme::kGeneral, 6, 1, 4)).candidates, 84);
  EXPECT_EQ(FreePlacementBound(MakeProblem(Scheme::kCausal, 6, 1, 4)).candidates, 1024);
}

// Long sequences on few PEs (a candidate per token count, or one placement) are
// enumerated without recursion, or not at all, in well under a second.
TEST(FreeBoundTest, LongSequencesStayCheap) {
  for (const Problem& p :
       {MakeProblem(Scheme::kGeneral, 100'000, 1, 1), MakeProblem(Scheme::kCausal, 100'000, 1, 1),
        MakeProblem(Scheme::kGeneral, 100'000, 1, 2), MakeProblem(Scheme::kShared, 300, 1, 2)}) {
    const absl::Time start = absl::Now();
    const FreeBound bound = FreePlacementBound(p);
    EXPECT_LT(absl::Now() - start, absl::Seconds(1)) << Describe(p);
    EXPECT_GE(bound.cycles, WorkBound(p)) << Describe(p);
  }
  // One PE: one placement, all its bounds.
  const Problem one = MakeProblem(Scheme::kCausal, 100'000, 1, 1);
  EXPECT_EQ(FreePlacementBound(one).candidates, 1);
  EXPECT_EQ(FreePlacementBound(one).cycles,
            ComputeLowerBounds(one, std::vector<int32_t>(100'000, 0)).Max());
  // Shared n = 300 on 2 PEs: the 301 ways to share the tokens; n = 1,000 is too many.
  EXPECT_EQ(FreePlacementBound(MakeProblem(Scheme::kShared, 300, 1, 2)).candidates, 301);
  EXPECT_EQ(FreePlacementBound(MakeProblem(Scheme::kShared, 1'000, 1, 2)).candidates, 0);
}

TEST(FreeBoundTest, TooManyPlacementsLeaveWorkAndPath) {
  // Shared n = 9 on 4 PEs: C(12, 3) = 220 candidates of 9 + 4 units of work.
  const Problem p = MakeProblem(Scheme::kShared, 9, 1, 4);
  const FreeBound bound = FreePlacementBound(p, 220 * 13 - 1);
  EXPECT_EQ(bound.candidates, 0);
  EXPECT_TRUE(bound.placement.empty());
  const LowerBounds any = ComputeLowerBounds(p, BlockPlacement(9, 4));
  EXPECT_EQ(bound.cycles, std::max(any.work, any.path));
  EXPECT_EQ(bound.cycles, 52);
  // The work counts a layer's rows: causal n = 4 on 16 PEs has 16^3 candidates, tried
  // with one head (4 + 16 units each), not with 40 (160 + 16: 720,896 > 2^18).
  EXPECT_EQ(FreePlacementBound(MakeProblem(Scheme::kCausal, 4, 2, 16)).candidates, 4096);
  EXPECT_EQ(FreePlacementBound(testing::Layer(Scheme::kCausal, 4, 2, 16, 40, 1)).candidates, 0);
  const FreeBound all = FreePlacementBound(p, 220 * 13);
  EXPECT_EQ(all.candidates, 220);
  EXPECT_EQ(all.cycles, 58);  // the pinned bounds add 6 cycles here
}

// No free schedule beats it: the SAT optimum of small free instances.
TEST(FreeBoundTest, NoFreeScheduleBeatsIt) {
  for (const Problem& p :
       {MakeProblem(Scheme::kGeneral, 3, 1, 2), MakeProblem(Scheme::kShared, 4, 1, 4),
        MakeProblem(Scheme::kCausal, 4, 1, 2), MakeProblem(Scheme::kCausal, 5, 1, 3)}) {
    sat::SearchOptions options;
    options.time_limit = absl::Seconds(60);
    absl::StatusOr<sat::OptimalResult> r = sat::SolveOptimal(p, options);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_TRUE(r->optimal) << Describe(p);
    EXPECT_GE(r->makespan, FreePlacementBound(p).cycles) << Describe(p);
    EXPECT_EQ(r->lower_bound, FreePlacementBound(p).cycles) << Describe(p);
  }
}

// Shared n = 11, d = 2 on 3 PEs, free: the witness was 166 and the bound 165
// (LB_work) after 600 s of SAT; the least bound over its placements is 166, so the
// generator's schedule is optimal at once.
TEST(FreeBoundTest, DecidesSharedElevenOnThreePesAtOnce) {
  const Problem p = MakeProblem(Scheme::kShared, 11, 2, 3);
  sat::SearchOptions options;
  options.time_limit = absl::Seconds(60);
  const absl::Time start = absl::Now();
  absl::StatusOr<sat::OptimalResult> r = sat::SolveOptimal(p, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->optimal);
  EXPECT_EQ(r->proof, sat::ProofKind::kLowerBound);
  EXPECT_EQ(r->makespan, 166);
  EXPECT_GT(r->makespan, ComputeLowerBounds(p, BlockPlacement(11, 3)).work);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace attnsched
