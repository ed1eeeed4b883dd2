// Generators beyond the sweep: measured reductions, odd block sizes, any costs,
// bad requests, the event limit, and the plan compiler's deadlock report.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/algorithms/any_placement.h"
#include "lib/algorithms/causal_zigzag.h"
#include "lib/model/bounds.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

int64_t MeasuredMakespan(const Schedule& s) {
  absl::StatusOr<ValidationReport> r = Validate(s);
  EXPECT_TRUE(r.ok() && r->valid());
  return r.ok() ? r->stats.makespan : 0;
}

TEST(GeneratorTest, MeasuredReductionsAgainstGeneralAtD64) {
  // SPEC section 5: >= 24% (shared) and >= 49% (causal) in makespan, measured.
  // The work ratios alone allow that only from n >= 50 (causal W is (n+1)/(2n) of
  // general's), so n = 16 m with m >= 4.
  for (int64_t m : {4, 8, 16}) {
    const int64_t n = 16 * m;
    const double general =
        static_cast<double>(MeasuredMakespan(testing::MustGenerate(Scheme::kGeneral, n, 64, m)));
    const double shared =
        static_cast<double>(MeasuredMakespan(testing::MustGenerate(Scheme::kShared, n, 64, m)));
    const double causal =
        static_cast<double>(MeasuredMakespan(testing::MustGenerate(Scheme::kCausal, n, 64, m)));
    EXPECT_GE(1 - shared / general, 0.24) << "m = " << m;
    EXPECT_GE(1 - causal / general, 0.49) << "m = " << m;
  }
}

TEST(GeneratorTest, CausalOddBlocksStayWithinOnePercent) {
  // b = n/m = 17 is odd: the middle m rows go one per PE, the imbalance is O(m d).
  for (int64_t m : {4, 8, 16}) {
    const Schedule s = testing::MustGenerate(Scheme::kCausal, 17 * m, 64, m);
    const LowerBounds lb = ComputeLowerBounds(s.problem, s.placement);
    EXPECT_LE(static_cast<double>(MeasuredMakespan(s)), 1.01 * static_cast<double>(lb.work))
        << "m = " << m;
  }
}

TEST(GeneratorTest, ZigzagBalancesHomeWorkForEvenBlocks) {
  const int64_t n = 64, m = 4;
  const Placement h = ZigzagPlacement(n, m);
  std::vector<int64_t> scores(m, 0), rows(m, 0);
  for (int64_t i = 0; i < n; ++i) {
    scores[h[i]] += i + 1;
    rows[h[i]] += 1;
  }
  for (int64_t p = 0; p < m; ++p) {
    EXPECT_EQ(rows[p], n / m);
    EXPECT_EQ(scores[p], n * (n + 1) / 2 / m);
  }
}

TEST(GeneratorTest, ValidForAnyCostsAndLinkSpeed) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (const auto& [costs, words] :
         {std::pair{Costs{5, 2, 1}, int64_t{3}}, std::pair{Costs{1, 1, 1}, int64_t{1}},
          std::pair{Costs{7, 3, 11}, int64_t{64}}}) {
      Problem p{{24, 16, scheme}, {4, words}, costs};
      absl::StatusOr<Schedule> s = Generate(p);
      ASSERT_TRUE(s.ok()) << s.status();
      absl::StatusOr<ValidationReport> r = Validate(*s);
      ASSERT_TRUE(r.ok());
      EXPECT_TRUE(r->valid()) << r->violation->message;
      EXPECT_GE(r->stats.makespan, ComputeLowerBounds(p, s->placement).Max());
      EXPECT_LE(Simulate(*s, 7)->max_rel_error, kMaxRelError);
    }
  }
}

TEST(GeneratorTest, NotDivisibleNamesTheNearestValidN) {
  absl::Status s = Generate(MakeProblem(Scheme::kCausal, 1000, 64, 64)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("n = 1000 is not divisible by pes = 64"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("nearest valid n: 960 or 1024"));
  absl::Status fewer = Generate(MakeProblem(Scheme::kGeneral, 3, 2, 8)).status();
  EXPECT_THAT(std::string(fewer.message()), HasSubstr("nearest valid n: 8)"));
}

TEST(GeneratorTest, BadParametersAreRefusedByName) {
  EXPECT_THAT(std::string(Generate(MakeProblem(Scheme::kShared, 8, 0, 2)).status().message()),
              HasSubstr("d = 0"));
  EXPECT_THAT(std::string(Generate(MakeProblem(Scheme::kShared, -8, 2, 2)).status().message()),
              HasSubstr("n = -8"));
}

TEST(GeneratorTest, EventLimitIsCheckedBeforeAnyWork) {
  // Llama-2-7B on 64 PEs has 17.3 million events; a limit of 1000 refuses it at once.
  absl::Status s =
      Generate(MakeProblem(Scheme::kCausal, 4096, 128, 64), GenerateOptions{1000}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("17301378 events"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("event limit 1000"));
}

TEST(PlanCompilerTest, DeadlockIsAnInternalErrorNamingTheItem) {
  // softmax(0) is never run, so axpy(0,0) waits for p(0,0) forever.
  const Problem p = MakeProblem(Scheme::kGeneral, 1, 1, 1);
  Plan plan{{0},
            {{{OpKind::kDot, 0, 0}, {OpKind::kAxpy, 0, 0}, {OpKind::kSoftmax, 0, 0}}},
            [](const Item&, int32_t) { return Forward{}; },
            {}};
  absl::StatusOr<Schedule> s = CompilePlan(p, std::move(plan));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("PE 0 waits for p(0,0)"));
}

// Start cycle of the transfer of `item` over `link`, or -1.
int64_t SentAt(const Schedule& s, const Item& item, int32_t link) {
  const int64_t k = testing::FindEvent(
      s, [&](const Event& e) { return !e.is_op() && e.pe == link && e.item() == item; });
  return k < 0 ? -1 : s.events[k].start;
}

TEST(PlanCompilerTest, RelayPriorityReordersARelayLink) {
  // Ring rotation, general n=6, d=2 on 3 PEs (homes 0,0,1,1,2,2): on every link
  // each k goes before each v, and of equal priorities the one ready first. On link
  // 1, PE 1's own v(3) is ready at cycle 0 and v(0) arrives at cycle 10 (link 0 sends
  // k(0), k(1), then relays k(4), k(5) first), so v(3) goes first at cycle 10, unless
  // relayed v items get priority -1.
  const Problem p = MakeProblem(Scheme::kGeneral, 6, 2, 3);
  Plan plan = RingPlanForPlacement(p, BlockPlacement(6, 3));
  absl::StatusOr<Schedule> before = CompilePlan(p, plan);
  plan.relay_priority = [](const Item& item, int32_t) {
    return item.kind == ItemKind::kV ? -1 : 0;
  };
  absl::StatusOr<Schedule> after = CompilePlan(p, plan);
  ASSERT_TRUE(before.ok() && after.ok());
  const Item v0{ItemKind::kV, 0, 0}, v3{ItemKind::kV, 3, 0};
  EXPECT_EQ(SentAt(*before, v3, 1), 10);
  EXPECT_EQ(SentAt(*before, v0, 1), 12);
  EXPECT_EQ(SentAt(*after, v0, 1), 10);
  EXPECT_EQ(SentAt(*after, v3, 1), 12);
  const absl::StatusOr<ValidationReport> report = Validate(*after);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->valid()) << report->violation->message;
}

TEST(PlanCompilerTest, ListSchedulingIsAsap) {
  // One PE: dot(0,0) at 0..1, softmax(0) at 2 (1 cycle), axpy(0,0) at 3 (2 cycles).
  const Problem p = MakeProblem(Scheme::kGeneral, 1, 2, 1);
  Plan plan{{0},
            {{{OpKind::kDot, 0, 0}, {OpKind::kSoftmax, 0, 0}, {OpKind::kAxpy, 0, 0}}},
            [](const Item&, int32_t) { return Forward{}; },
            {}};
  absl::StatusOr<Schedule> s = CompilePlan(p, std::move(plan));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->events.size(), 3u);
  EXPECT_EQ(s->events[0].start, 0);
  EXPECT_EQ(s->events[1].start, 2);
  EXPECT_EQ(s->events[2].start, 3);
}

}  // namespace
}  // namespace attnsched
