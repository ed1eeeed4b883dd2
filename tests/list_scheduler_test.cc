// Link-timed list scheduling (lib/algorithms/list_scheduler.h): its orders hold every
// operation once, at home where they must be, and compile (derived_routes.h) to valid,
// exact schedules for every kind of instance and aim; and the generator keeps it where
// the ring is far above the bounds (causal layers with one token per PE).
#include "lib/algorithms/list_scheduler.h"

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "lib/algorithms/dot_split.h"
#include "lib/algorithms/generator.h"
#include "lib/algorithms/ring_plan.h"
#include "lib/model/bounds.h"
#include "lib/model/heads.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using testing::Layer;

// Every operation of the task graph exactly once over the orders; softmax and axpy
// on their row's home.
void ExpectEveryOperationOnce(const Problem& p, const Placement& homes,
                              const OperationOrders& orders) {
  std::set<std::tuple<OpKind, int32_t, int32_t>> seen;
  for (int32_t pe = 0; pe < p.pes(); ++pe) {
    for (const Operation& op : orders[pe]) {
      EXPECT_TRUE(InTaskGraph(p.instance, op)) << OperationName(p.instance, op);
      EXPECT_TRUE(seen.insert({op.kind, op.i, op.j}).second) << OperationName(p.instance, op);
      if (op.kind != OpKind::kDot) {
        EXPECT_EQ(pe, homes[op.i]) << OperationName(p.instance, op);
      }
    }
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), CountOperations(p.instance).total());
}

TEST(ListSchedulerTest, OrdersCompileToValidExactSchedules) {
  for (const auto& [name, p] : testing::EveryKindOfInstance()) {
    const Placement homes =
        *MakeLayerPlacement(PlacementSpec{PlacementKind::kBlock, {}}, p.instance, p.pes());
    const int64_t bound = ComputeLowerBounds(p, homes).Max();
    // The dot split takes distinct inputs only; with shared inputs a fixed placement
    // of the dots is tried instead, each at its first row's home.
    const DotPlacement split =
        p.instance.shared ? DotPlacement([&homes](const Operation& dot) { return homes[dot.i]; })
                          : SplitPlacement(SplitDots(p, homes), homes, p.pes());
    for (auto [target, time_values, dot_pe] :
         {std::tuple{bound, false, DotPlacement{}},
          std::tuple{bound * 13 / 10, true, DotPlacement{}}, std::tuple{bound, true, split}}) {
      SCOPED_TRACE(absl::StrCat(name, ", target ", target, time_values ? ", values timed" : "",
                                dot_pe ? ", dots split" : ""));
      const OperationOrders orders = LinkTimedOrders(p, homes, target, time_values, dot_pe);
      ExpectEveryOperationOnce(p, homes, orders);
      for (int32_t pe = 0; pe < p.pes() && dot_pe; ++pe) {
        for (const Operation& op : orders[pe]) {
          if (op.kind == OpKind::kDot) {
            EXPECT_EQ(pe, dot_pe(op)) << OperationName(p.instance, op);
          }
        }
      }
      absl::StatusOr<Schedule> s = CompilePlan(p, DerivedPlan(p, homes, orders));
      ASSERT_TRUE(s.ok()) << s.status();  // no deadlock
      const std::optional<testing::Checked> c = testing::CheckGenerated(*s, true, 11);
      ASSERT_TRUE(c.has_value());
      EXPECT_GE(c->makespan, bound);
    }
  }
}

// Issue 14's hard case: causal layers with one token per PE. The zigzag ring runs each
// row's dots at home, so the PE of the last token carries 1.4-1.7 times the bound;
// list scheduling moves the heavy rows' dots to the light PEs. The limits are the
// figures measured when it landed (docs/generators.md, "Few tokens per PE"), so a
// change that loses them fails here: 1.05 times the largest bound with 8 heads at
// n = m = 4, d = 1 (71 against 68) and at n = m = 8, d = 64 with 2 key/value heads
// (4,864 against 4,672); the bound itself with 4 heads at n = m = 4, d = 1 (36, the
// SAT optimum, docs/optimality.md); short of 1.05 where the links into the last PEs
// bind: n = m = 8, d = 4, 411 against 341 with 8 key/value heads (441 before the dot
// split, dot_split.h), 356 with 2 (362 with aims 5% apart); d = 64 with 8 key/value
// heads, 5,691 against 4,672 (6,136 before the split).
TEST(ListSchedulerTest, CausalLayersWithOneTokenPerPeLeaveTheRingBehind) {
  struct Case {
    int64_t n, d, heads, kv_heads;
    double ratio;
  };
  for (const Case& k : {Case{4, 1, 8, 8, 1.05}, Case{8, 64, 8, 2, 1.05}, Case{4, 1, 4, 4, 1.0},
                        Case{8, 4, 8, 8, 1.21}, Case{8, 4, 8, 2, 1.045}, Case{8, 64, 8, 8, 1.22}}) {
    SCOPED_TRACE(
        absl::StrCat("n = m = ", k.n, ", d = ", k.d, ", heads ", k.heads, "/", k.kv_heads));
    const Problem p = Layer(Scheme::kCausal, k.n, k.d, k.n, k.heads, k.kv_heads);
    GenerateOptions options;
    options.hold = true;
    absl::StatusOr<Generated> g = Generate(p, options);
    ASSERT_TRUE(g.ok()) << g.status();
    EXPECT_EQ(g->generator, "list-scheduling");
    EXPECT_NE(g->note.find("link-timed list scheduling"), std::string::npos) << g->note;
    const Schedule s = ReadWhole(*g->events, g->event_count).value();
    const std::optional<testing::Checked> c = testing::CheckGenerated(s, true, 5);
    ASSERT_TRUE(c.has_value());
    EXPECT_LE(static_cast<double>(c->makespan), k.ratio * static_cast<double>(c->bounds.Max()));
    // The ring's own plan over the same homes, for comparison.
    absl::StatusOr<Schedule> ring = CompilePlan(
        p, FinishRingPlan(p, s.placement, GeneratorFor(p.instance).dots(p, s.placement, false)));
    ASSERT_TRUE(ring.ok()) << ring.status();
    EXPECT_LT(c->makespan, Makespan(*ring));
  }
}

// The generator's schedule for `p` over block homes without the local search (list
// scheduling alone where it wins), checked by the validator and the simulator.
struct BlockSchedule {
  std::string generator;
  testing::Checked checked;
};
std::optional<BlockSchedule> GenerateOverBlockHomes(const Problem& p, uint64_t seed) {
  GenerateOptions options;
  options.hold = true;
  options.search_events = 0;
  options.placement = PlacementSpec{PlacementKind::kBlock, {}};
  absl::StatusOr<Generated> g = Generate(p, options);
  EXPECT_TRUE(g.ok()) << g.status();
  if (!g.ok()) return std::nullopt;
  const Schedule s = ReadWhole(*g->events, g->event_count).value();
  const std::optional<testing::Checked> c = testing::CheckGenerated(s, true, seed);
  if (!c.has_value()) return std::nullopt;
  return BlockSchedule{g->generator, *c};
}

// Shared inputs (issue 16): a dot serves two rows, so its score goes on to both homes
// and its deadline is the earlier softmax's. On the SAT search's instances with few
// tokens per PE the half ring is 12-19% above the list scheduler; the limits are the
// figures measured when shared inputs were added (docs/optimality.md), against the
// ring's 107 and 95 and the bounds 88 and 77.
TEST(ListSchedulerTest, SharedInputsLeaveTheHalfRingBehind) {
  struct Case {
    int64_t n, d, pes, most;
  };
  for (const Case& k : {Case{9, 2, 4, 95}, Case{11, 1, 4, 80}}) {
    SCOPED_TRACE(absl::StrCat("shared n = ", k.n, ", d = ", k.d, ", m = ", k.pes));
    const std::optional<BlockSchedule> b =
        GenerateOverBlockHomes(MakeProblem(Scheme::kShared, k.n, k.d, k.pes), 7);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->generator, "list-scheduling");
    EXPECT_LE(b->checked.makespan, k.most);
  }
}

// Small instances are aimed at in steps of 1% of the bound (at least a cycle), where a
// cycle is a few percent: causal n = 11, d = 2 on 3 PEs, block homes, reaches its bound,
// 110, where aims 5% apart stop at 114 (docs/optimality.md: the SAT search then needs
// no formula).
TEST(ListSchedulerTest, SmallInstancesAreAimedAtEveryPercent) {
  const std::optional<BlockSchedule> b =
      GenerateOverBlockHomes(MakeProblem(Scheme::kCausal, 11, 2, 3), 3);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->checked.bounds.Max(), 110);
  EXPECT_EQ(b->checked.makespan, 110);
}

}  // namespace
}  // namespace attnsched
