// The model layer: parameters, names, work and lower bounds (SPEC sections 1-3).
#include <numeric>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/model/bounds.h"
#include "lib/model/placement.h"
#include "lib/model/task_graph.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

TEST(ProblemTest, RejectsEachBadFieldByName) {
  const struct {
    Problem p;
    const char* field;
  } cases[] = {
      {MakeProblem(Scheme::kGeneral, 0, 4, 2), "n = 0"},
      {MakeProblem(Scheme::kGeneral, 4, -1, 2), "d = -1"},
      {MakeProblem(Scheme::kGeneral, 4, 4, 0), "pes = 0"},
      {Problem{MakeInstance(Scheme::kCausal, 4, 4), {2, 0, 1, 0}, Costs::Default(4)}, "link_words = 0"},
      {Problem{MakeInstance(Scheme::kCausal, 4, 4), {2, 1, -1, 0}, Costs::Default(4)}, "link_cycles = -1"},
      {Problem{MakeInstance(Scheme::kCausal, 4, 4), {2, 1, 1, -1}, Costs::Default(4)}, "link_latency = -1"},
      {Problem{MakeInstance(Scheme::kCausal, 4, 4), {2, 1, 1, kMaxLinkParameter + 1}, Costs::Default(4)},
       "link_latency = 1048577: must be in [0, 1048576]"},
      {Problem{MakeInstance(Scheme::kCausal, 4, 4), {2, 1, 1, 0}, {0, 1, 4}}, "c_dot = 0"},
      {Problem{MakeInstance(Scheme::kCausal, 4, 4), {2, 1, 1, 0}, {4, 0, 4}}, "c_softmax = 0"},
      {Problem{MakeInstance(Scheme::kCausal, 4, 4), {2, 1, 1, 0}, {4, 1, -3}}, "c_axpy = -3"},
      {MakeProblem(Scheme::kGeneral, kMaxTokens + 1, 4, 2), "must be in [1, 1048576]"},
  };
  for (const auto& c : cases) {
    absl::Status s = ValidateProblem(c.p);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.field));
  }
  EXPECT_TRUE(ValidateProblem(MakeProblem(Scheme::kShared, 1, 1, 1)).ok());
}

TEST(ProblemTest, SchemeNamesRoundTrip) {
  for (Scheme s : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    EXPECT_EQ(*ParseScheme(SchemeName(s)), s);
  }
  absl::StatusOr<Scheme> bad = ParseScheme("sparse");
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("general, shared, causal"));
}

TEST(ProblemTest, TransferCyclesRoundUp) {
  Problem p = MakeProblem(Scheme::kGeneral, 4, 10, 2);
  p.machine.link_words = 4;
  EXPECT_EQ(TransferDuration(p, Item{ItemKind::kK, 1, 0}), 3);  // ceil(10 / 4)
  EXPECT_EQ(TransferDuration(p, Item{ItemKind::kS, 1, 2}), 1);
  // 3 words every 7 cycles: a vector of 10 words takes ceil(70 / 3) = 24 cycles, a
  // scalar ceil(7 / 3) = 3; the latency delays the arrival, not the link.
  p.machine = Machine{2, 3, 7, 5};
  EXPECT_EQ(TransferDuration(p, Item{ItemKind::kV, 0, 0}), 24);
  EXPECT_EQ(TransferDuration(p, Item{ItemKind::kP, 0, 3}), 3);
  EXPECT_EQ(ArrivalCycle(p, Item{ItemKind::kV, 0, 0}, 100), 129);
}

// A schedule whose cycles could overflow is refused before any work: here the
// transfers (2^41 score words at 2^20 cycles a word over 15 links), or the work.
TEST(ProblemTest, SchedulesTooLongToTimeAreRefused) {
  Problem p = MakeProblem(Scheme::kGeneral, 1 << 20, 1 << 10, 16);
  p.instance.mask = *p.instance.mask.Tiled(1 << 19);
  p.machine.link_cycles = 1 << 20;
  absl::Status s = ValidateProblem(p);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("the transfers could take"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("lower link_cycles"));
  p.machine.link_cycles = 1;
  EXPECT_TRUE(ValidateProblem(p).ok()) << ValidateProblem(p);
  p.costs = Costs{1 << 20, 1 << 20, 1 << 20};
  s = ValidateProblem(p);
  EXPECT_THAT(std::string(s.message()), HasSubstr("the total work W = "));
}

TEST(TaskGraphTest, NamesRoundTrip) {
  const Instance one;  // one head: v1 names
  for (Operation op : {Operation{OpKind::kDot, 3, 5}, Operation{OpKind::kSoftmax, 7, 0},
                       Operation{OpKind::kAxpy, 0, 12}}) {
    EXPECT_EQ(*ParseOperation(one, OperationName(one, op)), op) << OperationName(one, op);
  }
  for (Item item : {Item{ItemKind::kQ, 1, 0}, Item{ItemKind::kX, 9, 0}, Item{ItemKind::kS, 2, 3},
                    Item{ItemKind::kP, 4, 4}}) {
    EXPECT_EQ(*ParseItem(one, ItemName(one, item)), item) << ItemName(one, item);
  }
  EXPECT_EQ(OperationName(one, {OpKind::kDot, 3, 5}), "dot(3,5)");
  EXPECT_EQ(ItemName(one, {ItemKind::kK, 5, 0}), "k(5)");
}

TEST(TaskGraphTest, ParseRejectsMalformedNames) {
  const Instance one;
  for (const char* bad : {"dot(3)", "softmax(1,2)", "dot(1,2,3)", "dit(1,2)", "dot(a,1)",
                          "dot(-1,2)", "dot(1,2", "o(3)", "k(99999999999)", ""}) {
    EXPECT_FALSE(ParseOperation(one, bad).ok() && ParseItem(one, bad).ok()) << bad;
  }
  EXPECT_THAT(std::string(ParseItem(one, "o(3)").status().message()), HasSubstr("o(i) never moves"));
  EXPECT_THAT(std::string(ParseOperation(one, "dot(1,2,3)").status().message()), HasSubstr("more than two"));
}

TEST(TaskGraphTest, MembershipFollowsTheScheme) {
  const Instance causal = MakeInstance(Scheme::kCausal, 4, 2), shared = MakeInstance(Scheme::kShared, 4, 2);
  EXPECT_EQ(CheckOperation(causal, {OpKind::kDot, 2, 1}), "");
  EXPECT_THAT(CheckOperation(causal, {OpKind::kDot, 1, 2}), HasSubstr("attends keys j <= 1"));
  EXPECT_THAT(CheckOperation(causal, {OpKind::kAxpy, 0, 3}), HasSubstr("attends keys j <= 0"));
  EXPECT_EQ(CheckOperation(shared, {OpKind::kDot, 1, 2}), "");
  EXPECT_THAT(CheckOperation(shared, {OpKind::kDot, 2, 1}), HasSubstr("dot(1,2)"));
  EXPECT_EQ(CheckOperation(shared, {OpKind::kAxpy, 3, 1}), "");  // axpys are per row
  EXPECT_THAT(CheckItem(shared, {ItemKind::kQ, 0, 0}), HasSubstr("x"));
  EXPECT_THAT(CheckItem(causal, {ItemKind::kX, 0, 0}), HasSubstr("q, k and v"));
  EXPECT_THAT(CheckIndices(causal, Operation{OpKind::kSoftmax, 4, 0}),
              HasSubstr("i = 4 is out of range [0, 4)"));
  EXPECT_THAT(CheckIndices(causal, Item{ItemKind::kS, 0, 9}), HasSubstr("j = 9"));
}

// W by summing every operation's duration, independently of TotalWork's formula.
int64_t SumOfDurations(const Problem& p) {
  int64_t w = 0;
  const Instance& inst = p.instance;
  for (int32_t i = 0; i < inst.n(); ++i) {
    w += Duration(p, {OpKind::kSoftmax, i, 0});
    for (int32_t j = 0; j < inst.mask.RowLength(i); ++j) {
      w += Duration(p, {OpKind::kAxpy, i, j});
      // shared: one dot per pair i <= j.
      if (!inst.shared || i <= j) w += Duration(p, {OpKind::kDot, i, j});
    }
  }
  return w;
}

TEST(TaskGraphTest, TotalWorkMatchesSpecFormulas) {
  for (int64_t n : {1, 2, 7, 64}) {
    for (int64_t d : {1, 3, 64}) {
      const Problem g = MakeProblem(Scheme::kGeneral, n, d, 1);
      const Problem s = MakeProblem(Scheme::kShared, n, d, 1);
      const Problem c = MakeProblem(Scheme::kCausal, n, d, 1);
      EXPECT_EQ(TotalWork(g), n * n * (2 * d + 1));
      EXPECT_EQ(TotalWork(s), d * n * (n + 1) / 2 + n * n + d * n * n);
      EXPECT_EQ(TotalWork(c), (2 * d + 1) * n * (n + 1) / 2);
      for (const Problem* p : {&g, &s, &c}) EXPECT_EQ(TotalWork(*p), SumOfDurations(*p));
    }
  }
}

TEST(TaskGraphTest, SpecReductionsAtD64) {
  // SPEC section 3: at d = 64 and large n, shared saves 24.8% and causal 50%.
  const int64_t n = 1 << 14;
  const double g = static_cast<double>(TotalWork(MakeProblem(Scheme::kGeneral, n, 64, 1)));
  const auto work = [](Scheme s) { return static_cast<double>(TotalWork(MakeProblem(s, n, 64, 1))); };
  EXPECT_NEAR(1 - work(Scheme::kShared) / g, 0.248, 0.001);
  EXPECT_NEAR(1 - work(Scheme::kCausal) / g, 0.50, 0.001);
}

TEST(BoundsTest, HandComputedBounds) {
  // general n = 4, d = 2, m = 2, block placement: W = 16 * 5 = 80, g = gcd(2, 2, 4) = 2,
  // LB_work = 2 * ceil(80 / 4) = 40; each PE homes 2 rows of 4 scores:
  // LB_home = 2 + 2 * 4 * (1 + 2) = 26; LB_path = 2 + 4 * 3 = 14.
  const Problem p = MakeProblem(Scheme::kGeneral, 4, 2, 2);
  const LowerBounds lb = ComputeLowerBounds(p, BlockPlacement(4, 2));
  EXPECT_EQ(lb.work, 40);
  EXPECT_EQ(lb.home, 26);
  EXPECT_EQ(lb.path, 14);
  EXPECT_EQ(lb.Max(), 40);
}

TEST(BoundsTest, WorkBoundUsesTheDurationGcd) {
  // general n = 1, d = 2, m = 2, costs (2, 2, 2): durations 2, 2, 2 so g = 2 and
  // W = 6: LB_work = 2 * ceil(6 / 4) = 4, not ceil(6 / 2) = 3.
  Problem p{MakeInstance(Scheme::kGeneral, 1, 2), {2, 1}, {2, 2, 2}};
  EXPECT_EQ(DurationGcd(p), 2);
  EXPECT_EQ(ComputeLowerBounds(p, {0}).work, 4);
  // Causal softmax durations take every multiple of c_softmax, so g divides it.
  Problem c{MakeInstance(Scheme::kCausal, 3, 2), {1, 1}, {4, 2, 4}};
  EXPECT_EQ(DurationGcd(c), 2);
}

TEST(BoundsTest, HomeBoundFollowsThePlacement) {
  // causal n = 4, d = 1, m = 2: all rows on PE 0 carry 1+2+3+4 = 10 scores, each
  // softmax 1 + axpy 1: LB_home = 1 + 20; the longest row gives LB_path = 1 + 4 * 2.
  const Problem p = MakeProblem(Scheme::kCausal, 4, 1, 2);
  EXPECT_EQ(ComputeLowerBounds(p, {0, 0, 0, 0}).home, 21);
  EXPECT_EQ(ComputeLowerBounds(p, {0, 1, 1, 0}).home, 1 + 2 * (1 + 4));
  EXPECT_EQ(ComputeLowerBounds(p, {0, 1, 1, 0}).path, 9);
}

TEST(BoundsTest, LoadBoundFitsWholeDotsBesideTheHomeWork) {
  // causal n = 8, d = 2, m = 4, cyclic homes {0,4} {1,5} {2,6} {3,7}: home work
  // (softmax |M(i)| + axpy 2 |M(i)|) 18, 24, 30, 36; 36 dots of 2 cycles. At T = 45
  // the PEs fit 13 + 10 + 7 + 4 = 34 dots, at T = 46 14 + 11 + 8 + 5 = 38: LB_load =
  // 46, one above LB_work = 180 / 4 = 45 (PE 3's 36 home cycles plus dots are even).
  const Problem p = MakeProblem(Scheme::kCausal, 8, 2, 4);
  const LowerBounds lb = ComputeLowerBounds(p, CyclicPlacement(8, 4));
  EXPECT_EQ(lb.work, 45);
  EXPECT_EQ(lb.load, 46);
  EXPECT_EQ(lb.Max(), 46);
  // One PE: the load bound is the whole work W.
  const Problem one = MakeProblem(Scheme::kShared, 5, 3, 1);
  EXPECT_EQ(ComputeLowerBounds(one, BlockPlacement(5, 1)).load, TotalWork(one));
  // All homes on PE 0 of 2: PE 1 takes dots only.
  const Problem g = MakeProblem(Scheme::kGeneral, 2, 1, 2);  // 4 dots, home work 2 * 4
  EXPECT_EQ(ComputeLowerBounds(g, {0, 0}).load, 8);  // T = 8: 0 + 8 dots fit
}

TEST(BoundsTest, ReleaseBoundWaitsForTheRowsScores) {
  // causal n = 8, d = 2, m = 4, block homes {0,1} {2,3} {4,5} {6,7}: vectors cross a
  // link in 2 cycles, scores in 1, a dot takes 2. Row 6 (on PE 3) needs s(6,0): on
  // PE 0 after q(6) crosses 3 -> 0 (2 cycles), done at 4, then 0 -> 1 -> 2 -> 3 (3
  // cycles): 7; on PE 3 k(0) needs 3 links (6 cycles): 8; on PE 1: q(6) at 4, the
  // dot ends at 6, 2 links back: 8. So RowReady(6) = 7, as for row 7. Row 0 (on
  // PE 0) has only s(0,0): 2. PE 3's home work is (1 + 2) (7 + 8) = 45 cycles, all
  // after cycle 7: LB_release = 52, against LB_work 45 and LB_home 47 (the SAT
  // optimum is 54).
  const Problem p = MakeProblem(Scheme::kCausal, 8, 2, 4);
  const std::vector<int64_t> ready = RowReady(p, BlockPlacement(8, 4));
  EXPECT_EQ(ready[0], 2);
  EXPECT_EQ(ready[6], 7);
  EXPECT_EQ(ready[7], 7);
  const LowerBounds lb = ComputeLowerBounds(p, BlockPlacement(8, 4));
  EXPECT_EQ(lb.home, 47);
  EXPECT_EQ(lb.release, 52);
  EXPECT_EQ(lb.Max(), 52);
  // Shared n = 2, d = 1, m = 2, block: s(0,1) on PE 0 once x(1) crossed (1 cycle),
  // done at 2; home work per PE is softmax 2 + 2 axpys of 1: LB_release = 6.
  const Problem s = MakeProblem(Scheme::kShared, 2, 1, 2);
  EXPECT_EQ(RowReady(s, BlockPlacement(2, 2)), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(ComputeLowerBounds(s, BlockPlacement(2, 2)).release, 6);
  // One PE: no link, every row is ready after one dot: LB_release = LB_home.
  const Problem one = MakeProblem(Scheme::kGeneral, 3, 2, 1);
  const LowerBounds single = ComputeLowerBounds(one, BlockPlacement(3, 1));
  EXPECT_EQ(single.release, single.home);
}

TEST(PlacementTest, RejectsWrongLengthAndRange) {
  EXPECT_THAT(std::string(ValidatePlacement({0, 1}, 3, 2).message()), HasSubstr("2 homes given; it needs 3"));
  EXPECT_THAT(std::string(ValidatePlacement({0, 2, 1}, 3, 2).message()), HasSubstr("placement[1] = 2"));
  EXPECT_THAT(std::string(ValidatePlacement({0, -1, 1}, 3, 2).message()), HasSubstr("placement[1] = -1"));
  EXPECT_TRUE(ValidatePlacement({0, 1, 1}, 3, 2).ok());
}

TEST(PlacementTest, NamedPlacementsForAnyN) {
  EXPECT_EQ(BlockPlacement(6, 3), (Placement{0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(BlockPlacement(7, 3), (Placement{0, 0, 0, 1, 1, 2, 2}));  // first n mod m: one more
  EXPECT_EQ(BlockPlacement(2, 4), (Placement{0, 1}));                 // PEs 2, 3 hold none
  EXPECT_EQ(CyclicPlacement(5, 2), (Placement{0, 1, 0, 1, 0}));
  // 2m chunks, PE c holds chunks c and 2m-1-c.
  EXPECT_EQ(ZigzagPlacement(8, 2), (Placement{0, 0, 1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(ZigzagPlacement(9, 2), (Placement{0, 0, 0, 1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(ZigzagPlacement(3, 2), (Placement{0, 1, 1}));  // the fourth chunk is empty
  // With 2m | n every PE carries the same number of causal scores.
  const Placement h = ZigzagPlacement(64, 4);
  std::vector<int64_t> scores(4, 0);
  for (int64_t i = 0; i < 64; ++i) scores[h[i]] += i + 1;
  EXPECT_EQ(scores, (std::vector<int64_t>(4, 64 * 65 / 2 / 4)));
}

TEST(PlacementTest, SpecsParseAndNameTheirErrors) {
  EXPECT_EQ(ParsePlacementSpec("zigzag", "--placement")->kind, PlacementKind::kZigzag);
  absl::StatusOr<PlacementSpec> list = ParsePlacementSpec("0,2,1", "--placement");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->homes, (Placement{0, 2, 1}));
  absl::StatusOr<PlacementSpec> bad = ParsePlacementSpec("0,x", "--placement");
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("--placement = \"0,x\": expected block, cyclic, zigzag or a list"));
  EXPECT_THAT(std::string(MakePlacement(*list, 3, 2).status().message()),
              HasSubstr("placement[1] = 2: must be a PE in [0, 2)"));
  // Echoed text is escaped and cut.
  const std::string noise(500, '\x01');
  const std::string message(ParsePlacementSpec(noise, "--placement").status().message());
  EXPECT_LT(message.size(), 1200u);
  EXPECT_EQ(message.find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace attnsched
