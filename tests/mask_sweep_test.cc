// The property sweep of the masks issue (SPEC section 10.2): packed documents with
// lengths drawn uniformly from 1..n/4 (std::mt19937 seeded 7 + m, the last document cut
// to fit), and one causal segment with a window w in {n/m, 4n/m, n/2}; m in {4, 8,
// 64}, n = 16 m (every PE holds 16 tokens of unmasked work), d in {64, 128}; the
// generator's own placement. Each schedule must be valid, respect every lower bound,
// never be slower than one PE, and meet T <= 1.01 max(LB_work, LB_link); m <= 8 also
// simulate against direct attention. The table is in docs/generators.md.
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/model/bounds.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

// Mask shapes: documents, or a window of n/m, 4n/m or n/2 keys.
enum class Shape { kDocuments, kWindowBlock, kWindow4Blocks, kWindowHalf };

using SweepCase = std::tuple<Shape, int64_t /*m*/, int64_t /*d*/>;

std::vector<Segment> Documents(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> length(1, n / 4);
  std::vector<Segment> out;
  for (int64_t left = n; left > 0;) {
    const int64_t l = std::min(left, length(rng));
    out.push_back({l, SegmentKind::kCausal});
    left -= l;
  }
  return out;
}

Mask MaskOf(Shape shape, int64_t m) {
  const int64_t n = 16 * m;
  const int64_t window = shape == Shape::kWindowBlock     ? n / m
                         : shape == Shape::kWindow4Blocks ? 4 * n / m
                                                          : n / 2;
  if (shape == Shape::kDocuments) {
    return *Mask::Make(Documents(n, 7 + static_cast<uint32_t>(m)), 0, kMaxTokens);
  }
  return *Mask::Make({{n, SegmentKind::kCausal}}, window, kMaxTokens);
}

class MaskSweepTest : public ::testing::TestWithParam<SweepCase> {};

TEST_P(MaskSweepTest, ValidAndWithinOnePercentOfTheBounds) {
  const auto [shape, m, d] = GetParam();
  const Problem problem{Instance{MaskOf(shape, m), d, false}, Machine{m, 1, 1, 0},
                        Costs::Default(d)};
  const Schedule s = testing::MustGenerate(problem);
  const std::optional<testing::Checked> checked =
      testing::CheckGenerated(s, /*simulate=*/m <= 8, /*seed=*/m * 31 + d);
  ASSERT_TRUE(checked.has_value());
  const LowerBounds& lb = checked->bounds;
  EXPECT_LE(static_cast<double>(checked->makespan),
            1.01 * static_cast<double>(std::max(lb.work, lb.link)))
      << problem.mask().Describe();
}

std::string CaseName(const ::testing::TestParamInfo<SweepCase>& info) {
  const auto [shape, m, d] = info.param;
  const char* names[] = {"documents", "window_n_over_m", "window_4n_over_m", "window_n_over_2"};
  return absl::StrCat(names[static_cast<int>(shape)], "_m", m, "_d", d);
}

INSTANTIATE_TEST_SUITE_P(
    Masks, MaskSweepTest,
    ::testing::Combine(::testing::Values(Shape::kDocuments, Shape::kWindowBlock,
                                         Shape::kWindow4Blocks, Shape::kWindowHalf),
                       ::testing::Values(int64_t{4}, int64_t{8}, int64_t{64}),
                       ::testing::Values(int64_t{64}, int64_t{128})),
    CaseName);

// A window sends keys and values a few links, not round the ring: on 8 PEs with block
// homes a window of n/m keys moves under half the link cycles of one causal segment of
// the same n. (With a free placement the generator may trade traffic for makespan: it
// takes the shortest schedule first, the fewest transfers among equals.)
TEST(MaskTrafficTest, AWindowShortensTheLinkTraffic) {
  const int64_t m = 8, n = 16 * m, d = 64;
  auto link_cycles = [&](Mask mask) {
    const Problem p{Instance{std::move(mask), d, false}, Machine{m, 1, 1, 0}, Costs::Default(d)};
    GenerateOptions options;
    options.placement = PlacementSpec{PlacementKind::kBlock, {}};
    const Schedule s = testing::MustGenerate(p, options);
    absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(s);
    EXPECT_TRUE(report.ok() && report->valid());
    int64_t busy = 0;
    if (report.ok()) {
      for (int64_t c : report->stats.link_busy_cycles) busy += c;
    }
    return busy;
  };
  const int64_t window = link_cycles(*Mask::Make({{n, SegmentKind::kCausal}}, n / m, kMaxTokens));
  const int64_t causal = link_cycles(Mask::OneSegment(n, SegmentKind::kCausal));
  EXPECT_LT(2 * window, causal) << window << " vs " << causal << " link cycles";
}

}  // namespace
}  // namespace attnsched
