// The dot split (lib/algorithms/dot_split.h): the loads it reports are the loads of
// its thresholds, computed here from scratch; it never loads the machine more than
// every dot at home; and on the causal layers with one token per PE it lowers them.
#include "lib/algorithms/dot_split.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/model/heads.h"
#include "lib/model/task_graph.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

// The largest load of `split`, in cycles, item by item: each PE's home work and the
// dots split sends it; each link the transfers of every item from where it is made to
// its farthest consumer.
int64_t LargestLoad(const Problem& p, const Placement& homes, const DotPlacement& split) {
  const Instance& inst = p.instance;
  const int64_t m = p.pes();
  std::vector<int64_t> pe(m, 0), link(m, 0);
  std::vector<int32_t> value(p.n(), 0), key(p.n(), 0), query(p.n(), 0);
  auto route = [&](int64_t from, int64_t hops, int64_t cycles) {
    for (int64_t h = 0; h < hops; ++h) link[(from + h) % m] += cycles;
  };
  for (int32_t i = 0; i < p.n(); ++i) {
    const int64_t begin = inst.mask.KeyBegin(i), end = begin + inst.mask.RowLength(i);
    if (end > begin) pe[homes[i]] += Duration(p, {OpKind::kSoftmax, i, 0});
    for (int64_t jj = begin; jj < end; ++jj) {
      const int32_t j = static_cast<int32_t>(jj), c = inst.KvRow(j);
      const Operation dot{OpKind::kDot, i, j};
      const int32_t at = split(dot);
      EXPECT_TRUE(at == homes[i] || at == homes[j]);
      pe[at] += Duration(p, dot);
      pe[homes[i]] += Duration(p, {OpKind::kAxpy, i, j});
      value[c] = std::max(value[c], Ahead(homes[j], homes[i], m));
      if (at == homes[i]) {
        key[c] = std::max(key[c], Ahead(homes[j], homes[i], m));
      } else {
        query[i] = std::max(query[i], Ahead(homes[i], at, m));
        route(at, Ahead(at, homes[i], m), TransferDuration(p, ScoreItem(inst, i, j)));
      }
    }
  }
  for (int32_t c = 0; c < p.n(); ++c) {
    route(homes[c], value[c], TransferDuration(p, {ItemKind::kV, c, 0}));
    route(homes[c], key[c], TransferDuration(p, {ItemKind::kK, c, 0}));
    route(homes[c], query[c], TransferDuration(p, {ItemKind::kQ, c, 0}));
  }
  return std::max(*std::max_element(pe.begin(), pe.end()),
                  *std::max_element(link.begin(), link.end()));
}

Problem Layer(int64_t n, int64_t d, int64_t pes, int64_t heads, int64_t kv_heads) {
  return testing::Layer(Scheme::kCausal, n, d, pes, heads, kv_heads);
}

TEST(DotSplitTest, ItsLoadsAreTheLoadsOfItsThresholds) {
  std::vector<std::pair<std::string, Problem>> cases = testing::EveryKindOfInstance();
  cases.push_back({"causal n = m = 8, 8 heads", Layer(8, 4, 8, 8, 8)});
  for (const auto& [name, p] : cases) {
    if (p.instance.shared) continue;  // distinct inputs only
    SCOPED_TRACE(name);
    const Placement homes =
        *MakeLayerPlacement(PlacementSpec{PlacementKind::kBlock, {}}, p.instance, p.pes());
    const DotSplit split = SplitDots(p, homes);
    ASSERT_EQ(static_cast<int64_t>(split.threshold.size()), p.n());
    const DotPlacement at_home = [&homes](const Operation& dot) { return homes[dot.i]; };
    EXPECT_EQ(split.all_at_home_load, LargestLoad(p, homes, at_home));
    EXPECT_EQ(split.load, LargestLoad(p, homes, SplitPlacement(split, homes, p.pes())));
    EXPECT_LE(split.load, split.all_at_home_load);
  }
}

// Causal, one token per PE, block homes: the PE of the last token and the links into
// it carry the most with every dot at home; the split sheds the far keys' dots to
// their homes. The figures are those measured when it landed (docs/generators.md).
TEST(DotSplitTest, LowersTheLoadsOfCausalLayersWithOneTokenPerPe) {
  for (const auto& [p, at_most] :
       {std::pair{Layer(8, 4, 8, 8, 8), 0.85}, std::pair{Layer(16, 4, 16, 8, 8), 0.80}}) {
    const Placement homes =
        *MakeLayerPlacement(PlacementSpec{PlacementKind::kBlock, {}}, p.instance, p.pes());
    const DotSplit split = SplitDots(p, homes);
    EXPECT_LE(static_cast<double>(split.load),
              at_most * static_cast<double>(split.all_at_home_load))
        << split.load << " against " << split.all_at_home_load << " at n = " << p.n();
    EXPECT_EQ(SplitDots(p, homes).threshold, split.threshold);  // reproducible
  }
}

}  // namespace
}  // namespace attnsched
