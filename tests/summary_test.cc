// The summary (lib/export/summary.h) of valid and invalid schedules: the figures
// derived from the makespan, the table and the JSON object the CLI prints.
#include "lib/export/summary.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Summary SummaryOf(const Schedule& s) {
  const absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(s);
  EXPECT_TRUE(report.ok()) << report.status();
  return Summarize(s.problem, s.placement, CheckReport{*report, std::nullopt});
}

TEST(SummaryTest, FiguresOfAValidSchedule) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 16, 4, 4);
  const Summary sum = SummaryOf(s);
  ASSERT_TRUE(sum.valid);
  EXPECT_EQ(sum.events, static_cast<int64_t>(s.events.size()));
  EXPECT_EQ(sum.operations + sum.transfers, sum.events);
  EXPECT_EQ(sum.operations, CountOperations(s.problem.instance).total());
  EXPECT_EQ(sum.makespan, Makespan(s));
  EXPECT_EQ(sum.work, TotalWork(s.problem));
  EXPECT_DOUBLE_EQ(sum.speedup_vs_one_pe,
                   static_cast<double>(sum.work) / static_cast<double>(sum.makespan));
  EXPECT_DOUBLE_EQ(sum.makespan_over_lb_work,
                   static_cast<double>(sum.makespan) / static_cast<double>(sum.bounds.work));
  // Causal does about half the general work: the reduction is positive.
  EXPECT_GT(sum.reduction_vs_general, 0.3);
  EXPECT_LE(sum.compute_utilisation.min, sum.compute_utilisation.mean);
  EXPECT_LE(sum.compute_utilisation.mean, sum.compute_utilisation.max);
  EXPECT_LE(sum.compute_utilisation.max, 1.0);
  EXPECT_GT(sum.peak_words.min, 0);
  const std::string table = FormatSummaryTable(sum);
  EXPECT_THAT(table, HasSubstr("valid                      yes"));
  EXPECT_THAT(table, HasSubstr(absl::StrCat(sum.makespan, " cycles")));
  EXPECT_THAT(table, Not(HasSubstr("(invalid)")));
  const nlohmann::json j = SummaryToJson(sum);
  EXPECT_EQ(j["makespan_cycles"], sum.makespan);
  EXPECT_EQ(j["valid"], true);
  EXPECT_FALSE(j.contains("violation"));
}

TEST(SummaryTest, AnInvalidScheduleHasNoTimingFigures) {
  Schedule s = testing::MustGenerate(Scheme::kGeneral, 8, 2, 2);
  s.events.pop_back();  // an operation missing
  const Summary sum = SummaryOf(s);
  ASSERT_FALSE(sum.valid);
  ASSERT_TRUE(sum.violation.has_value());
  EXPECT_EQ(sum.speedup_vs_one_pe, 0);
  EXPECT_EQ(sum.makespan_over_lb_work, 0);
  const std::string table = FormatSummaryTable(sum);
  EXPECT_THAT(table, HasSubstr("NO: " + sum.violation->message));
  EXPECT_THAT(table, HasSubstr("makespan                   - (invalid)"));
  EXPECT_THAT(table, HasSubstr("speed-up vs 1 PE           - (invalid)"));
  const nlohmann::json j = SummaryToJson(sum);
  EXPECT_EQ(j["valid"], false);
  EXPECT_TRUE(j["makespan_cycles"].is_null());
  EXPECT_TRUE(j["speedup_vs_one_pe"].is_null());
  EXPECT_EQ(j["violation"]["message"], sum.violation->message);
}

TEST(SummaryTest, WarningsForSlowPlacementsAndRedundantTransfers) {
  Schedule s = testing::MustGenerate(Scheme::kGeneral, 6, 2, 3);
  // The first transfer sent again after the end: valid, but redundant.
  for (const Event& e : s.events) {
    if (e.is_op()) continue;
    Event again = e;
    again.start = Makespan(s) + 100;
    s.events.push_back(again);
    break;
  }
  const Summary sum = SummaryOf(s);
  ASSERT_TRUE(sum.valid);
  EXPECT_EQ(sum.redundant_transfers, 1);
  EXPECT_THAT(FormatSummaryTable(sum), HasSubstr("1 redundant transfers"));
  EXPECT_EQ(SummaryToJson(sum)["redundant_transfers"], 1);
}

TEST(SummaryTest, OnePeHasNoLinks) {
  const Summary sum = SummaryOf(testing::MustGenerate(Scheme::kShared, 5, 2, 1));
  ASSERT_TRUE(sum.valid);
  EXPECT_EQ(sum.makespan, sum.work);
  EXPECT_DOUBLE_EQ(sum.speedup_vs_one_pe, 1.0);
  EXPECT_THAT(FormatSummaryTable(sum), HasSubstr("no links (m = 1)"));
}

}  // namespace
}  // namespace attnsched
