// Token relabeling (lib/schedule/relabel.h): an exact symmetry of the general and
// shared schemes, checked by the validator and the simulator.
#include "lib/schedule/relabel.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using testing::MustGenerate;

TEST(RelabelTest, SortsTokensByHomeStably) {
  const TokenRelabeling r(Placement{1, 0, 1, 0, 2});
  EXPECT_EQ(r.canonical_placement(), (Placement{0, 0, 1, 1, 2}));
  EXPECT_FALSE(r.identity());
  EXPECT_TRUE(TokenRelabeling(BlockPlacement(6, 3)).identity());
}

TEST(RelabelTest, RenamedSchedulesStayValidAndExact) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared}) {
    const Schedule block = MustGenerate(scheme, 6, 2, 3);
    // A schedule on a scrambled placement: the block schedule renamed.
    const Placement scrambled{2, 0, 1, 1, 0, 2};
    const TokenRelabeling r(scrambled);
    ASSERT_EQ(r.canonical_placement(), block.placement);
    const Schedule renamed = r.FromCanonical(block);
    EXPECT_EQ(renamed.placement, scrambled);
    const absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(renamed);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->valid()) << SchemeName(scheme) << ": " << report->violation->message;
    EXPECT_EQ(Makespan(renamed), Makespan(block));
    const absl::StatusOr<SimulationReport> sim = testing::SimulateSchedule(renamed, 7);
    ASSERT_TRUE(sim.ok()) << sim.status();
    EXPECT_LE(sim->max_rel_error, kMaxRelError);
    // And back again, event for event.
    Schedule back = r.ToCanonical(renamed);
    std::vector<Event> expected = block.events;
    SortEvents(expected);
    EXPECT_EQ(back.events, expected) << SchemeName(scheme);
    EXPECT_EQ(back.placement, block.placement);
  }
}

TEST(RelabelTest, SharedPairsKeepTheirMinMaxNames) {
  const Schedule block = MustGenerate(Scheme::kShared, 4, 1, 2);
  const Schedule renamed = TokenRelabeling(Placement{1, 1, 0, 0}).FromCanonical(block);
  for (const Event& e : renamed.events) {
    const bool dot = e.is_op() && e.op().kind == OpKind::kDot;
    const bool score = !e.is_op() && e.item().kind == ItemKind::kS;
    if (dot || score) {
      EXPECT_LE(e.i, e.j) << DescribeEvent(renamed.problem, e);
    }
  }
}

}  // namespace
}  // namespace attnsched
