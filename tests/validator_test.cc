// The validator catches each rule of SPEC section 4: for every rule, a valid
// schedule is mutated to break exactly that rule, and the report must name the
// rule, the cycle, the PE and the event.
#include <algorithm>
#include <limits>
#include <random>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;
using testing::FindEvent;
using testing::MustGenerate;

// general n = 4, d = 2 on 2 PEs: PE 0 homes tokens 0, 1 and PE 1 tokens 2, 3.
Schedule Base() { return MustGenerate(Scheme::kGeneral, 4, 2, 2); }

Violation MustViolate(const Schedule& s) {
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  EXPECT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r.ok() && r->valid()) << "the mutation went unnoticed";
  return r.ok() && r->violation ? *r->violation : Violation{};
}

auto IsOp(OpKind kind, int32_t i, int32_t j) {
  return [=](const Event& e) { return e.is_op() && e.op() == Operation{kind, i, j}; };
}
auto IsXfer(ItemKind kind, int32_t i) {
  return [=](const Event& e) { return !e.is_op() && e.item() == Item{kind, i, 0}; };
}

TEST(ValidatorTest, BaseScheduleIsValidWithExactStats) {
  const Schedule s = Base();
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  ASSERT_TRUE(r.ok() && r->valid());
  // W = n^2 (2d + 1) = 80 split evenly: T = 40, each PE busy 40 cycles; each of
  // the 4 k and 4 v vectors crosses one link: 8 transfers of 2 cycles.
  EXPECT_EQ(r->stats.makespan, 40);
  EXPECT_EQ(r->stats.work, 80);
  EXPECT_EQ(r->stats.busy_cycles, (std::vector<int64_t>{40, 40}));
  EXPECT_EQ(r->stats.transfers, 8);
  EXPECT_EQ(r->stats.link_busy_cycles, (std::vector<int64_t>{8, 8}));
  EXPECT_EQ(r->stats.redundant_transfers, 0);
  // Per PE: 2 tokens x (q, k, v, o) x 2 words + 2 received k + 2 received v (2 words
  // each) + 8 scores + 8 probabilities = 16 + 8 + 8 + 8 = 40 words.
  EXPECT_EQ(r->stats.peak_words, (std::vector<int64_t>{40, 40}));
}

TEST(ValidatorTest, AnyEventOrderIsAccepted) {
  Schedule s = Base();
  std::shuffle(s.events.begin(), s.events.end(), std::mt19937(3));
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->valid());
}

TEST(ValidatorTest, StartRange) {
  Schedule s = Base();
  s.events[5].start = -5;
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kStartRange);
  EXPECT_EQ(v.cycle, -5);
  EXPECT_EQ(v.event_index, 5);
  EXPECT_THAT(v.message, HasSubstr("from 0"));
}

TEST(ValidatorTest, StartBeyondTheCycleRangeIsAViolationNotAnOverflow) {
  Schedule s = Base();
  s.events.back().start = std::numeric_limits<int64_t>::max();
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kStartRange);
  EXPECT_THAT(v.message, HasSubstr("to 2^62"));
}

TEST(ValidatorTest, PeRange) {
  Schedule s = Base();
  s.events[0].pe = 2;
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kPeRange);
  EXPECT_EQ(v.cycle, s.events[0].start);
  EXPECT_EQ(v.pe, 2);
  EXPECT_EQ(v.event_index, 0);
  EXPECT_THAT(v.message, HasSubstr("PE 2 is out of range [0, 2)"));
}

TEST(ValidatorTest, IndexRange) {
  Schedule s = Base();
  const int64_t k = FindEvent(s, IsOp(OpKind::kDot, 1, 1));
  s.events[k].i = 9;
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kIndexRange);
  EXPECT_EQ(v.event_index, k);
  EXPECT_THAT(v.message, HasSubstr("index i = 9 is out of range [0, 4)"));
}

TEST(ValidatorTest, NotInTaskGraph) {
  Schedule s = Base();
  const int64_t k = FindEvent(s, IsXfer(ItemKind::kK, 0));
  s.events[k].kind = static_cast<uint8_t>(ItemKind::kX);
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kNotInTaskGraph);
  EXPECT_EQ(v.event_index, k);
  EXPECT_THAT(v.message, HasSubstr("x(0) does not exist in the instance: the input vectors are q, k and v"));

  Schedule c = MustGenerate(Scheme::kCausal, 4, 2, 2);
  const int64_t d = FindEvent(c, IsOp(OpKind::kDot, 1, 0));
  std::swap(c.events[d].i, c.events[d].j);
  const Violation cv = MustViolate(c);
  EXPECT_EQ(cv.rule, Rule::kNotInTaskGraph);
  EXPECT_THAT(cv.message, HasSubstr("dot(0,1) is not an operation of the instance: row 0 is in a causal segment [0, 4): it attends keys j <= 0"));
}

TEST(ValidatorTest, DuplicateOperation) {
  Schedule s = Base();
  const int64_t k = FindEvent(s, IsOp(OpKind::kDot, 0, 0));
  Event again = s.events[k];
  again.start = 100;  // after everything: the unit is free and operands are resident
  s.events.push_back(again);
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kDuplicateOperation);
  EXPECT_EQ(v.cycle, 100);
  EXPECT_EQ(v.event_index, static_cast<int64_t>(s.events.size()) - 1);
  EXPECT_THAT(v.message, HasSubstr("dot(0,0) runs a second time (first on PE 0)"));
}

TEST(ValidatorTest, MissingOperationComesLastWithoutLocation) {
  Schedule s = Base();
  const int64_t k = FindEvent(s, IsOp(OpKind::kAxpy, 3, 1));
  s.events.erase(s.events.begin() + k);
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kMissingOperation);
  EXPECT_EQ(v.cycle, -1);
  EXPECT_EQ(v.event_index, -1);
  EXPECT_THAT(v.message, HasSubstr("axpy(3,1) never runs"));
}

TEST(ValidatorTest, NotAtHome) {
  Schedule s = Base();
  const int64_t k = FindEvent(s, IsOp(OpKind::kSoftmax, 0, 0));
  s.events[k].pe = 1;
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kNotAtHome);
  EXPECT_EQ(v.pe, 1);
  EXPECT_EQ(v.cycle, s.events[k].start);
  EXPECT_THAT(v.message, HasSubstr("softmax(0) must run on the home of token 0, PE 0"));
}

TEST(ValidatorTest, UnitBusy) {
  Schedule s = Base();
  // dot(0,0) runs at 0..1 on PE 0; start dot(1,0) at cycle 1.
  const int64_t k = FindEvent(s, IsOp(OpKind::kDot, 1, 0));
  ASSERT_EQ(s.events[FindEvent(s, IsOp(OpKind::kDot, 0, 0))].start, 0);
  s.events[k].start = 1;
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kUnitBusy);
  EXPECT_EQ(v.cycle, 1);
  EXPECT_EQ(v.pe, 0);
  EXPECT_EQ(v.event_index, k);
  EXPECT_THAT(v.message, HasSubstr("dot(1,0) starts while the compute unit runs dot(0,0) until "
                                   "cycle 2"));
}

TEST(ValidatorTest, OperandNotResident) {
  Schedule s = Base();
  s.events.erase(s.events.begin() + FindEvent(s, IsXfer(ItemKind::kK, 2)));
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kOperandNotResident);
  EXPECT_EQ(v.pe, 0);
  EXPECT_THAT(v.message, HasSubstr("needs k(2), which never reaches PE 0"));
}

TEST(ValidatorTest, OperandArrivesTooLate) {
  Schedule s = Base();
  // k(2) crosses link 1->0 in 2 cycles; any dot(., 2) on PE 0 starting before its
  // arrival is reported with the arrival cycle.
  const int64_t x = FindEvent(s, IsXfer(ItemKind::kK, 2));
  const int64_t d = FindEvent(s, IsOp(OpKind::kDot, 0, 2));
  const int64_t arrival = s.events[x].start + 2;
  s.events[d].start = arrival - 1;
  // Keep PE 0's unit free at that cycle: move the op there to the end.
  for (Event& e : s.events) {
    if (e.is_op() && e.pe == 0 && &e != &s.events[d] && e.start <= arrival - 1 &&
        e.start + 2 > arrival - 1) {
      e.start = 1000;
    }
  }
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kOperandNotResident);
  EXPECT_EQ(v.cycle, arrival - 1);
  EXPECT_THAT(v.message, HasSubstr(absl::StrCat("dot(0,2) needs k(2), which reaches PE 0 only at "
                                                "cycle ",
                                                arrival)));
}

TEST(ValidatorTest, NoLinkOnOnePe) {
  Schedule s = MustGenerate(Scheme::kCausal, 3, 2, 1);
  s.events.push_back(Event::Xfer(0, 0, Item{ItemKind::kK, 0, 0}));
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kNoLink);
  EXPECT_THAT(v.message, HasSubstr("a machine with 1 PE has no link"));
}

TEST(ValidatorTest, LinkBusy) {
  Schedule s = Base();
  std::vector<int64_t> on_link0;
  for (size_t k = 0; k < s.events.size(); ++k) {
    if (!s.events[k].is_op() && s.events[k].pe == 0) on_link0.push_back(static_cast<int64_t>(k));
  }
  ASSERT_GE(on_link0.size(), 2u);
  const int64_t first = on_link0[0], second = on_link0[1];
  s.events[second].start = s.events[first].start;
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kLinkBusy);
  EXPECT_EQ(v.event_index, second);
  EXPECT_THAT(v.message, HasSubstr("while link 0->1 carries"));
}

TEST(ValidatorTest, ItemNotResidentOnSender) {
  Schedule s = Base();
  // s(0,0) is computed on PE 0, so PE 1 cannot send it.
  s.events.push_back(Event::Xfer(100, 1, Item{ItemKind::kS, 0, 0}));
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.rule, Rule::kItemNotResident);
  EXPECT_EQ(v.cycle, 100);
  EXPECT_EQ(v.pe, 1);
  EXPECT_THAT(v.message, HasSubstr("needs s(0,0) on the sender, which never reaches PE 1"));
}

// A score is on its producer once the dot ends: sending or freeing it while the unit
// still runs the dot breaks the rules, naming the cycle it is ready.
TEST(ValidatorTest, AScoreIsNotOnItsProducerBeforeItsDotEnds) {
  const Schedule base = Base();
  Event dot;  // the last dot: the links are idle by then
  for (const Event& e : base.events) {
    if (e.is_op() && e.op().kind == OpKind::kDot && e.start >= dot.start) dot = e;
  }
  const int64_t end = dot.start + Duration(base.problem, dot.op());
  const Item s00 = ScoreItem(base.problem.instance, dot.i, dot.j);
  for (const Event& e : {Event::Xfer(end - 1, dot.pe, s00), Event::Free(end - 1, dot.pe, s00)}) {
    Schedule s = base;
    s.events.push_back(e);
    const Violation v = MustViolate(s);
    EXPECT_EQ(v.rule, e.is_xfer() ? Rule::kItemNotResident : Rule::kBadFree);
    EXPECT_EQ(v.cycle, end - 1);
    EXPECT_THAT(v.message, HasSubstr(absl::StrCat(" at cycle ", end)));
  }
  Schedule sent = base;  // long after, it may go (the unit's later work changes nothing)
  sent.events.push_back(Event::Xfer(100, dot.pe, s00));
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(sent);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->valid()) << r->violation->message;
}

TEST(ValidatorTest, RedundantTransferIsOnlyAWarning) {
  Schedule s = Base();
  s.events.push_back(Event::Xfer(100, 1, Item{ItemKind::kK, 2, 0}));  // PE 0 has k(2)
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->valid());
  EXPECT_EQ(r->stats.redundant_transfers, 1);
  EXPECT_THAT(r->stats.first_redundant, HasSubstr("which already holds it"));
}

TEST(ValidatorTest, EarliestViolationWins) {
  Schedule s = Base();
  s.events.erase(s.events.begin() + FindEvent(s, IsOp(OpKind::kAxpy, 3, 1)));  // missing
  s.events.push_back(Event::Xfer(100, 1, Item{ItemKind::kS, 0, 0}));           // at 100
  s.events.push_back(Event::Xfer(90, 1, Item{ItemKind::kS, 1, 1}));            // at 90
  const Violation v = MustViolate(s);
  EXPECT_EQ(v.cycle, 90);
  EXPECT_EQ(v.rule, Rule::kItemNotResident);
}

TEST(ValidatorTest, HeaderErrorsAndLimits) {
  Schedule s = Base();
  s.placement.pop_back();
  EXPECT_EQ(testing::ValidateSchedule(s).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(testing::ValidateSchedule(s).status().message()), HasSubstr("placement: 3 homes given"));
  Schedule big = Base();
  absl::Status limit = testing::ValidateSchedule(big, ValidationOptions{10}).status();
  EXPECT_EQ(limit.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(limit.message()), HasSubstr("operation limit 10;"));
  EXPECT_THAT(std::string(limit.message()), HasSubstr("--max-operations"));
}

}  // namespace
}  // namespace attnsched
