// The simulator: valid schedules compute attention; a PE reading what it does not
// hold is reported, never a crash.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/schedule/simulator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;
using testing::FindEvent;
using testing::MustGenerate;

TEST(SimulatorTest, EverySchemeMatchesDirectAttention) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (uint64_t seed : {1u, 2u, 99u}) {
      absl::StatusOr<SimulationReport> r = testing::SimulateSchedule(MustGenerate(scheme, 12, 5, 3), seed);
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_LE(r->max_rel_error, kMaxRelError);
    }
  }
}

TEST(SimulatorTest, SingleTokenOutputIsItsValue) {
  // n = 1: softmax over one score is 1, so o(0) = v(0) exactly, whatever q and k.
  absl::StatusOr<SimulationReport> r = testing::SimulateSchedule(MustGenerate(Scheme::kGeneral, 1, 8, 1), 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->max_rel_error, 0.0);
}

TEST(SimulatorTest, ReadingAnItemNotHeldIsReported) {
  Schedule s = MustGenerate(Scheme::kGeneral, 4, 2, 2);
  s.events.erase(s.events.begin() + FindEvent(s, [](const Event& e) {
                   return !e.is_op() && e.item() == Item{ItemKind::kV, 2, 0};
                 }));
  absl::StatusOr<SimulationReport> r = testing::SimulateSchedule(s, 1);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("reads v(2), which PE 0 does not hold"));
}

TEST(SimulatorTest, OutOfRangeEventsAreRefusedNotRead) {
  Schedule s = MustGenerate(Scheme::kCausal, 4, 2, 2);
  s.events[0].i = 1 << 20;
  absl::StatusOr<SimulationReport> r = testing::SimulateSchedule(s, 1);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("out of range"));
}

TEST(SimulatorTest, MissingAxpyIsAWrongReduction) {
  Schedule s = MustGenerate(Scheme::kShared, 4, 2, 2);
  s.events.erase(s.events.begin() + FindEvent(s, [](const Event& e) {
                   return e.is_op() && e.op().kind == OpKind::kAxpy;
                 }));
  absl::StatusOr<SimulationReport> r = testing::SimulateSchedule(s, 1);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("of its 4 axpys"));
}

}  // namespace
}  // namespace attnsched
