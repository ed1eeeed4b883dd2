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
#include "lib/algorithms/generator.h"
#include "lib/algorithms/ring_plan.h"
#include "lib/model/bounds.h"
#include "lib/model/heads.h"
#include "lib/model/mask_spec.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

Problem Layer(Scheme scheme, int64_t n, int64_t d, int64_t pes, int64_t heads, int64_t kv_heads) {
  Problem p = MakeProblem(scheme, n, d, pes);
  absl::StatusOr<Instance> layer = WithHeads(p.instance, heads, kv_heads, "");
  EXPECT_TRUE(layer.ok()) << layer.status();
  p.instance = *layer;
  return p;
}

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
  std::vector<std::pair<std::string, Problem>> cases = {
      {"general n=5 m=2", MakeProblem(Scheme::kGeneral, 5, 2, 2)},
      {"causal n=12 m=4", MakeProblem(Scheme::kCausal, 12, 2, 4)},
      {"causal n=3 m=5 (empty PEs)", MakeProblem(Scheme::kCausal, 3, 2, 5)},
      {"causal n=4 m=1", MakeProblem(Scheme::kCausal, 4, 2, 1)},
      {"causal 8 heads / 2, n=m=8", Layer(Scheme::kCausal, 8, 4, 8, 8, 2)},
      {"general 2 heads / 1, n=4 m=2", Layer(Scheme::kGeneral, 4, 2, 2, 2, 1)},
  };
  Problem latency = MakeProblem(Scheme::kCausal, 8, 4, 4);
  latency.machine.link_words = 2;
  latency.machine.link_latency = 3;
  cases.push_back({"causal with latency and rate", latency});
  MaskSpec documents;
  documents.segments = *ParseSegments("10c,6b,6c,2p");
  Problem masked = MakeProblem(Scheme::kCausal, 24, 2, 4);
  masked.instance = *MakeMaskedInstance(documents, 2, "");
  cases.push_back({"documents and padding", masked});
  Problem tiled = MakeProblem(Scheme::kCausal, 32, 2, 4);
  tiled.instance = *WithTile(tiled.instance, 4, "");
  cases.push_back({"tiles of 4", tiled});
  for (const auto& [name, p] : cases) {
    const Placement homes =
        *MakeLayerPlacement(PlacementSpec{PlacementKind::kBlock, {}}, p.instance, p.pes());
    const int64_t bound = ComputeLowerBounds(p, homes).Max();
    for (auto [target, time_values] : {std::pair{bound, false}, std::pair{bound * 13 / 10, true}}) {
      SCOPED_TRACE(absl::StrCat(name, ", target ", target, time_values ? ", values timed" : ""));
      const OperationOrders orders = LinkTimedOrders(p, homes, target, time_values);
      ExpectEveryOperationOnce(p, homes, orders);
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
// bind: n = m = 8, d = 4, 441 against 341 with 8 key/value heads, 362 with 2.
TEST(ListSchedulerTest, CausalLayersWithOneTokenPerPeLeaveTheRingBehind) {
  struct Case {
    int64_t n, d, heads, kv_heads;
    double ratio;
  };
  for (const Case& k : {Case{4, 1, 8, 8, 1.05}, Case{8, 64, 8, 2, 1.05}, Case{4, 1, 4, 4, 1.0},
                        Case{8, 4, 8, 8, 1.30}, Case{8, 4, 8, 2, 1.065}}) {
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

}  // namespace
}  // namespace attnsched
