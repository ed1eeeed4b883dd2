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

// What LB_link's and LB_cut's sums read, per key (tile) j, once: its readers' rows
// [reader_begin, reader_end) (they move forward with j, mask.h), its key/value item
// (Instance::KvRow), and per item the link cycles of v(c) (shared: x(c)) and of k(c)
// (0 with shared inputs: x(c) serves the dots).
struct KeyTable {
  explicit KeyTable(const Problem& problem) {
    const Instance& inst = problem.instance;
    const int64_t n = inst.n();
    const bool shared = inst.shared;
    reader_begin.resize(n);
    reader_end.resize(n);
    item.resize(n);
    value.resize(n);
    key.resize(n);
    for (int32_t j = 0; j < n; ++j) {
      reader_begin[j] = static_cast<int32_t>(inst.mask.ReaderBegin(j));
      reader_end[j] = static_cast<int32_t>(inst.mask.ReaderEnd(j));
      item[j] = inst.KvRow(j);
      value[j] = TransferDuration(problem, Item{shared ? ItemKind::kX : ItemKind::kV, j, 0});
      key[j] = shared ? 0 : TransferDuration(problem, Item{ItemKind::kK, j, 0});
    }
  }
  std::vector<int32_t> reader_begin, reader_end, item;
  std::vector<int64_t> value, key;
};

// Adds to `readers` (per key/value item) the rows of `rows` (one PE's, ascending)
// that attend each key, with two pointers: O(n + |rows|).
void AddReaders(const KeyTable& keys, const std::vector<int32_t>& rows,
                std::vector<int64_t>& readers) {
  if (rows.empty()) return;
  const int64_t count = static_cast<int64_t>(rows.size());
  const int64_t n = static_cast<int64_t>(keys.item.size());
  int64_t lo = 0, hi = 0;
  for (int64_t j = 0; j < n; ++j) {
    while (lo < count && rows[lo] < keys.reader_begin[j]) ++lo;
    while (hi < count && rows[hi] < keys.reader_end[j]) ++hi;
    readers[keys.item[j]] += hi - lo;
  }
}

// The link cycles of the arcs from PE `first` of 1 .. max_pes PEs: the first arc's
// (one PE's, LB_link's sum) and the most of any. The arc grows one PE at a time; per
// key/value item c homed outside the arc and attended by r of its (row, head) pairs:
// v(c) + min(k(c), r scores) (a score has at least one word, one without tiles).
// `readers` (size n) and `inside` (size m) are zero on entry and on return. O(max_pes +
// n + the arc's PEs with rows x (n + their rows)).
LinkBounds ArcsFrom(const Problem& problem, const Placement& placement, const KeyTable& keys,
                    const std::vector<std::vector<int32_t>>& tokens, int32_t first, int64_t max_pes,
                    std::vector<int64_t>& readers, std::vector<char>& inside) {
  const int32_t m = static_cast<int32_t>(problem.pes());
  const int32_t n = static_cast<int32_t>(problem.n());
  const int64_t score = problem.LinkCycles(1);
  LinkBounds cycles;
  for (int64_t length = 1; length <= max_pes; ++length) {
    const int32_t pe = static_cast<int32_t>((first + length - 1) % m);
    inside[pe] = 1;
    // A PE without rows adds no readers and homes no key: the sum stays.
    if (tokens[pe].empty()) continue;
    AddReaders(keys, tokens[pe], readers);
    int64_t sum = 0;
    for (int32_t c = 0; c < n; ++c) {
      if (readers[c] > 0 && !inside[placement[c]]) {
        sum += keys.value[c] + std::min(keys.key[c], readers[c] * score);
      }
    }
    if (length == 1) cycles.link = sum;
    cycles.cut = std::max(cycles.cut, sum);
  }
  std::fill(readers.begin(), readers.end(), 0);
  for (int64_t length = 1; length <= max_pes; ++length) inside[(first + length - 1) % m] = 0;
  return cycles;
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
  return LinkAndCutBounds(problem, placement, 1).link;
}

LinkBounds LinkAndCutBounds(const Problem& problem, const Placement& placement,
                            int64_t max_arc_pes) {
  const int64_t m = problem.pes();
  if (m < 2) return {};
  const int64_t max_pes = std::clamp<int64_t>(max_arc_pes, 1, m - 1);
  const std::vector<std::vector<int32_t>> tokens = TokensByPe(placement, m);
  const KeyTable keys(problem);
  std::vector<int64_t> readers(problem.n(), 0);
  std::vector<char> inside(m, 0);
  // The last arrival is followed by an axpy in the arc.
  const int64_t after = problem.machine.link_latency + ShortestDuration(problem, OpKind::kAxpy);
  LinkBounds bounds;
  for (int32_t first = 0; first < m; ++first) {
    // An arc from a PE without rows sums what the arc from the next PE does.
    if (tokens[first].empty()) continue;
    const LinkBounds cycles =
        ArcsFrom(problem, placement, keys, tokens, first, max_pes, readers, inside);
    if (cycles.link > 0) bounds.link = std::max(bounds.link, cycles.link + after);
    if (cycles.cut > 0) bounds.cut = std::max(bounds.cut, cycles.cut + after);
  }
  return bounds;
}

int64_t CutArcPes(const Problem& problem) {
  const int64_t m = problem.pes();
  const int64_t per_pe = m * (problem.n() + m);  // one more PE in every arc
  return std::max<int64_t>(1, std::min(m - 1, kCutBoundWork / std::max<int64_t>(1, per_pe)));
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
