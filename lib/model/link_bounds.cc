#include "lib/model/link_bounds.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "lib/model/task_graph.h"

namespace attnsched {
namespace {

constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max() / 4;

// Link cycles PE p's incoming link must carry for the foreign keys its rows attend
// (LB_link's sum for one PE). `rows`: p's tokens, ascending. The readers R(j) of key j
// are a run that moves forward with j (mask.h), so two pointers into `rows` count
// p's readers of each key: O(n + |rows|). With grouped heads one k and one v serve the
// rows of every head of the group (heads.h): readers are counted per key/value item
// (Instance::KvRow) in `readers` (size n, zero on entry and on return).
int64_t IncomingCycles(const Problem& problem, const Placement& placement, int32_t p,
                       const std::vector<int32_t>& rows, std::vector<int64_t>& readers) {
  const Instance& inst = problem.instance;
  const bool shared = inst.shared;
  // A score has at least one word (exactly one without tiles).
  const int64_t s = problem.LinkCycles(1);
  // Cycles per foreign key (tile) j attended by r rows (row tiles) of p.
  auto per_key = [&](int32_t j, int64_t r) {
    const int64_t v = TransferDuration(problem, Item{shared ? ItemKind::kX : ItemKind::kV, j, 0});
    if (shared) return v;
    return v + std::min(TransferDuration(problem, Item{ItemKind::kK, j, 0}), r * s);
  };
  const int64_t count = static_cast<int64_t>(rows.size());
  int64_t lo = 0, hi = 0;
  for (int64_t j = 0; j < inst.n(); ++j) {
    while (lo < count && rows[lo] < inst.mask.ReaderBegin(j)) ++lo;
    while (hi < count && rows[hi] < inst.mask.ReaderEnd(j)) ++hi;
    if (placement[j] != p) readers[inst.KvRow(static_cast<int32_t>(j))] += hi - lo;
  }
  int64_t sum = 0;
  for (int32_t j = 0; j < static_cast<int32_t>(inst.n()); ++j) {
    if (readers[j] > 0) sum += per_key(j, std::exchange(readers[j], 0));
  }
  return sum;
}

// Links v(j) (x(j)) must cross: the farthest forward PE from h(j) with a row that
// attends j (grouped heads: a row of any head of the group, at KvRow(j); 0 at other
// rows). The readers R(j) slide forward with j (mask.h): counts per PE and the
// set of PEs with any. Size n; O(n log m).
std::vector<int64_t> ValueHops(const Problem& problem, const Placement& placement) {
  const int64_t n = problem.n(), m = problem.pes();
  const Mask& mask = problem.mask();
  std::vector<int64_t> count(m, 0);
  std::set<int64_t> readers;
  int64_t begin = 0, end = 0;
  std::vector<int64_t> hops(n, 0);
  for (int64_t j = 0; j < n; ++j) {
    for (; end < mask.ReaderEnd(j); ++end) {
      if (count[placement[end]]++ == 0) readers.insert(placement[end]);
    }
    for (; begin < mask.ReaderBegin(j); ++begin) {
      if (--count[placement[begin]] == 0) readers.erase(placement[begin]);
    }
    if (readers.empty()) continue;
    // The reader just behind h(j) on the ring is the farthest ahead of it.
    const auto at = readers.lower_bound(placement[j]);
    const int64_t farthest = at == readers.begin() ? *readers.rbegin() : *std::prev(at);
    const int32_t kv = problem.instance.KvRow(static_cast<int32_t>(j));  // grouped heads
    hops[kv] = std::max<int64_t>(hops[kv], Ahead(placement[j], farthest, m));
  }
  return hops;
}

// Sum over unordered pairs of tokens on different PEs of the shorter ring distance
// between their homes, from the tokens per PE, in O(m) with prefix sums.
absl::int128 PairDistances(const std::vector<int64_t>& count) {
  const int64_t m = static_cast<int64_t>(count.size());
  // Over three copies of the ring: p0[x] = sum of counts before x, p1[x] = sum of
  // y * count(y) before x.
  std::vector<absl::int128> p0(3 * m + 1, 0), p1(3 * m + 1, 0);
  for (int64_t x = 0; x < 3 * m; ++x) {
    p0[x + 1] = p0[x] + count[x % m];
    p1[x + 1] = p1[x] + absl::int128(x) * count[x % m];
  }
  const int64_t ahead = m / 2, behind = (m + 1) / 2 - 1;  // distances weighted d, m - d
  absl::int128 ordered = 0;
  for (int64_t a = 0; a < m; ++a) {
    const int64_t c = a + m;  // a on the middle copy
    const absl::int128 forward =
        (p1[c + ahead + 1] - p1[c + 1]) - absl::int128(c) * (p0[c + ahead + 1] - p0[c + 1]);
    const absl::int128 backward =
        absl::int128(c) * (p0[c] - p0[c - behind]) - (p1[c] - p1[c - behind]);
    ordered += absl::int128(count[a]) * (forward + backward);
  }
  return ordered / 2;
}

// PairDistances over the pairs whose rows attend each other (their score is needed on
// both homes): within each bidirectional segment that the window does not cut. Pairs
// of a cut segment are left out (the bound stays sound, only weaker).
absl::int128 MutualPairDistances(const Mask& mask, const Placement& placement, int64_t m) {
  absl::int128 total = 0;
  int64_t begin = 0;
  for (const Segment& segment : mask.segments()) {
    const bool whole = mask.window() == 0 || mask.window() >= segment.length;
    if (segment.kind == SegmentKind::kBidirectional && whole) {
      std::vector<int64_t> count(m, 0);
      for (int64_t t = begin; t < begin + segment.length; ++t) ++count[placement[t]];
      total += PairDistances(count);
    }
    begin += segment.length;
  }
  return total;
}

int64_t Saturate(absl::int128 value) {
  return value > kSaturated ? kSaturated : static_cast<int64_t>(value);
}

}  // namespace

int64_t LinkBound(const Problem& problem, const Placement& placement) {
  if (problem.pes() < 2) return 0;
  int64_t bound = 0;
  const std::vector<std::vector<int32_t>> tokens = TokensByPe(placement, problem.pes());
  std::vector<int64_t> readers(problem.n(), 0);
  for (int32_t p = 0; p < problem.pes(); ++p) {
    const std::vector<int32_t>& rows = tokens[p];
    if (rows.empty()) continue;
    const int64_t cycles = IncomingCycles(problem, placement, p, rows, readers);
    if (cycles == 0) continue;
    bound = std::max(bound, cycles + problem.machine.link_latency +
                                ShortestDuration(problem, OpKind::kAxpy));
  }
  return bound;
}

int64_t TrafficBound(const Problem& problem, const Placement& placement) {
  const int64_t m = problem.pes();
  if (m < 2) return 0;
  const bool shared = problem.instance.shared;
  absl::int128 total = 0;
  const std::vector<int64_t> hops = ValueHops(problem, placement);
  for (int32_t j = 0; j < static_cast<int32_t>(hops.size()); ++j) {
    total += absl::int128(hops[j]) *
             TransferDuration(problem, Item{shared ? ItemKind::kX : ItemKind::kV, j, 0});
  }
  int64_t c_min = ShortestDuration(problem, OpKind::kAxpy);
  // The scores of mutual pairs: token pairs, counted without tiles only (the bound
  // stays sound with tiles, only weaker).
  if (shared && problem.mask().tile() == 1) {
    const absl::int128 pairs = MutualPairDistances(problem.mask(), placement, m);
    total += pairs * problem.LinkCycles(1);
    // The scores of mutual pairs are read by softmaxes of rows with at least one key.
    if (pairs > 0) c_min = std::min(c_min, ShortestDuration(problem, OpKind::kSoftmax));
  }
  if (total == 0) return 0;
  return Saturate((total + m - 1) / m + problem.machine.link_latency + c_min);
}

}  // namespace attnsched
