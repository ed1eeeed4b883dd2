// Golden summaries of two presets on 16 PEs; every figure derived by hand below.
#include "gtest/gtest.h"
#include "lib/export/summary.h"
#include "lib/model/presets.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

Summary SummaryOf(const char* model, int64_t pes) {
  const ModelPreset p = *FindPreset(model);
  Problem problem{PresetInstance(p), Machine{pes, 1, 1, 0}, Costs::Default(p.d)};
  const Schedule s = testing::MustGenerate(problem);
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  EXPECT_TRUE(r.ok() && r->valid());
  return Summarize(s.problem, s.placement, CheckReport{*r, testing::SimulateSchedule(s, 1).value()});
}

TEST(GoldenTest, BertBaseOn16Pes) {
  // general, n = 512, d = 64, m = 16, b = 32 rows per PE.
  // W = n^2 (2d+1) = 262144 * 129 = 33816576; g = gcd(64, 64, 512) = 64, W/m =
  // 2113536 = 64 * 33024, so LB_work = 2113536.
  // LB_home = c_dot + b n (c_softmax + c_axpy) = 64 + 32 * 512 * 65 = 1065024.
  // LB_path = c_dot + n (c_softmax + c_axpy) = 64 + 512 * 65 = 33344.
  // The ring rotation never idles: T = LB_work. Events: 2 n^2 + n operations and
  // 2 n (m - 1) = 15360 transfers.
  const Summary s = SummaryOf("bert-base", 16);
  EXPECT_EQ(s.work, 33816576);
  EXPECT_EQ(s.bounds.work, 2113536);
  EXPECT_EQ(s.bounds.home, 1065024);
  EXPECT_EQ(s.bounds.path, 33344);
  EXPECT_EQ(s.makespan, 2113536);
  EXPECT_EQ(s.operations, 2 * 512 * 512 + 512);
  EXPECT_EQ(s.transfers, 15360);
  EXPECT_DOUBLE_EQ(s.speedup_vs_one_pe, 16.0);
  EXPECT_DOUBLE_EQ(s.reduction_vs_general, 0.0);
  EXPECT_LE(*s.max_rel_error, 1e-9);
}

TEST(GoldenTest, Gpt2On16Pes) {
  // causal, n = 1024, d = 64, m = 16, b = 64: zigzag gives each PE 32 pairs of rows
  // (k, 1023 - k) of 1025 scores each.
  // W = (2d+1) n(n+1)/2 = 129 * 524800 = 67699200; g = gcd(64, 64, 1) = 1;
  // LB_work = ceil(W / 16) = 4231200.
  // LB_home = 64 + 32 * 1025 * 65 = 2132064; LB_path = 64 + 1024 * 65 = 66624.
  // Every PE does exactly W/16 and never idles: T = LB_work. The reduction against
  // the general scheme's LB_work (n^2 (2d+1) / m = 8454144) is 1 - 4231200/8454144.
  const Summary s = SummaryOf("gpt2", 16);
  EXPECT_EQ(s.work, 67699200);
  EXPECT_EQ(s.bounds.work, 4231200);
  EXPECT_EQ(s.bounds.home, 2132064);
  EXPECT_EQ(s.bounds.path, 66624);
  EXPECT_EQ(s.makespan, 4231200);
  EXPECT_DOUBLE_EQ(s.reduction_vs_general, 1.0 - 4231200.0 / 8454144.0);
  EXPECT_NEAR(s.compute_utilisation.min, 1.0, 1e-12);
}

}  // namespace
}  // namespace attnsched
