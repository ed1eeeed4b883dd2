#include "lib/model/link_bounds.h"

#include <algorithm>
#include <limits>
#include <set>
#include <vector>

#include "absl/numeric/int128.h"
#include "lib/model/task_graph.h"

namespace attnsched {
namespace {

constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max() / 4;

// Link cycles PE p's incoming link must carry for the foreign keys its rows attend
// (LB_link's sum for one PE). `rows`: p's tokens, ascending.
int64_t IncomingCycles(const Problem& problem, const std::vector<int32_t>& rows) {
  const Instance& inst = problem.instance;
  const bool shared = inst.scheme == Scheme::kShared;
  const int64_t v = TransferDuration(problem, shared ? ItemKind::kX : ItemKind::kV);
  const int64_t k = TransferDuration(problem, ItemKind::kK);
  const int64_t s = TransferDuration(problem, ItemKind::kS);
  // Cycles per foreign key attended by r rows of p.
  auto per_key = [&](int64_t r) { return v + (shared ? 0 : std::min(k, r * s)); };
  const int64_t count = static_cast<int64_t>(rows.size());
  if (inst.scheme != Scheme::kCausal) return (inst.n - count) * per_key(count);
  // Causal: the keys between rows[a-1] and rows[a] (none of them homed on p) are
  // attended by rows[a..].
  int64_t sum = 0, previous = -1;
  for (int64_t a = 0; a < count; ++a) {
    sum += (rows[a] - previous - 1) * per_key(count - a);
    previous = rows[a];
  }
  return sum;
}

// Links v(j) (x(j)) must cross: the farthest forward PE from h(j) with a row that
// attends j. Size n.
std::vector<int64_t> ValueHops(const Problem& problem, const Placement& placement) {
  const int64_t n = problem.n(), m = problem.pes();
  std::set<int64_t> readers;  // PEs with a row attending the current key
  std::vector<int64_t> last_row(m, -1);
  for (int64_t i = 0; i < n; ++i) last_row[placement[i]] = i;
  std::vector<std::vector<int64_t>> joining(n);  // causal: PEs whose last row is j
  for (int64_t p = 0; p < m; ++p) {
    if (last_row[p] < 0) continue;
    if (problem.scheme() == Scheme::kCausal) {
      joining[last_row[p]].push_back(p);
    } else {
      readers.insert(p);
    }
  }
  std::vector<int64_t> hops(n, 0);
  for (int64_t j = n - 1; j >= 0; --j) {
    readers.insert(joining[j].begin(), joining[j].end());
    // The reader just behind h(j) on the ring is the farthest ahead of it.
    const auto at = readers.lower_bound(placement[j]);
    const int64_t farthest = at == readers.begin() ? *readers.rbegin() : *std::prev(at);
    hops[j] = Ahead(placement[j], farthest, m);
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

int64_t Saturate(absl::int128 value) {
  return value > kSaturated ? kSaturated : static_cast<int64_t>(value);
}

}  // namespace

int64_t LinkBound(const Problem& problem, const Placement& placement) {
  if (problem.pes() < 2) return 0;
  int64_t bound = 0;
  for (const std::vector<int32_t>& rows : TokensByPe(placement, problem.pes())) {
    if (rows.empty()) continue;
    const int64_t cycles = IncomingCycles(problem, rows);
    if (cycles == 0) continue;
    bound = std::max(bound, cycles + problem.machine.link_latency + problem.costs.c_axpy);
  }
  return bound;
}

int64_t TrafficBound(const Problem& problem, const Placement& placement) {
  const int64_t m = problem.pes();
  if (m < 2) return 0;
  const bool shared = problem.scheme() == Scheme::kShared;
  absl::int128 total = 0;
  for (int64_t hops : ValueHops(problem, placement)) total += hops;
  total *= TransferDuration(problem, shared ? ItemKind::kX : ItemKind::kV);
  int64_t c_min = problem.costs.c_axpy;
  if (shared) {
    std::vector<int64_t> count(m, 0);
    for (int32_t h : placement) ++count[h];
    total += PairDistances(count) * TransferDuration(problem, ItemKind::kS);
    c_min = std::min(c_min, problem.costs.c_softmax * problem.n());  // every row has n
  }
  if (total == 0) return 0;
  return Saturate((total + m - 1) / m + problem.machine.link_latency + c_min);
}

}  // namespace attnsched
