#include "lib/model/bounds.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <set>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "lib/model/link_bounds.h"
#include "lib/model/task_graph.h"

namespace attnsched {

int64_t LowerBounds::Max() const {
  return std::max({work, home, path, load, release, link, cut, traffic});
}

namespace {

// LB_load (bounds.h): a binary search for the least T that fits the dots (`units`
// multiples of `unit` cycles), between the most home work (T below it fits nothing)
// and that plus all dots on one PE.
int64_t LoadBound(const std::vector<int64_t>& home_work, int64_t units, int64_t unit) {
  auto fits = [&](int64_t t) {
    int64_t room = 0;
    for (int64_t h : home_work) {
      if (h <= t) room += (t - h) / unit;
      if (room >= units) return true;
    }
    return room >= units;
  };
  int64_t lo = *std::max_element(home_work.begin(), home_work.end());
  int64_t hi = lo + units * unit;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (fits(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// LB_release (bounds.h) of one PE's rows, given as (ready cycle, home work).
int64_t ReleaseBound(std::vector<std::pair<int64_t, int64_t>> rows) {
  std::sort(rows.begin(), rows.end(), std::greater<>());
  int64_t after = 0, bound = 0;
  for (const auto& [ready, work] : rows) {
    after += work;
    bound = std::max(bound, ready + after);
  }
  return bound;
}

// The earliest cycle, without contention, at which a score of a row homed on PE a
// with its key homed D links behind a (D = Ahead(h(j), a)) is resident on a. A
// vector hop costs `vector` cycles, a scalar hop `scalar` <= vector. The dot runs on
// some PE r; on the arc from h(j) to a (y links past h(j)) the cost is (m - D + y)
// vector + (D - y) scalar, on the other arc (z links past a) (D + z) vector + (m - z)
// scalar: both grow with y and z, so r = h(j) (y = 0) or r = a (the key travels D
// links) is best.
class ScoreLatency {
 public:
  explicit ScoreLatency(const Problem& problem)
      : m_(problem.pes()),
        c_dot_(ShortestDuration(problem, OpKind::kDot)),
        // The smallest vector is the last tile's; a score has at least one word.
        vector_(ArrivalCycle(problem, Item{VectorKind(problem), int32_t(problem.n() - 1), 0}, 0)),
        scalar_(problem.LinkCycles(1) + problem.machine.link_latency) {}

  int64_t operator()(int64_t distance) const {
    if (distance == 0) return c_dot_;
    return c_dot_ + std::min(distance * vector_, (m_ - distance) * vector_ + distance * scalar_);
  }

  // The distance at or below which operator() grows with the distance and above
  // which it shrinks: the largest D with D vector <= (m - D) vector + D scalar.
  int64_t Peak() const {
    const absl::int128 peak = absl::int128(m_) * vector_ / (2 * absl::int128(vector_) - scalar_);
    return static_cast<int64_t>(std::min<absl::int128>(m_ - 1, peak));
  }

 private:
  static ItemKind VectorKind(const Problem& problem) {
    return problem.instance.shared ? ItemKind::kX : ItemKind::kK;
  }
  const int64_t m_, c_dot_, vector_, scalar_;
};

// The largest latency over the key homes `keys` (an ordered set that holds `a`) for a
// row homed on `a`: the latency rises to Peak() and falls after it, so the worst key
// home is the nearest one on either side of the PE Peak() links behind a.
int64_t WorstScoreLatency(const ScoreLatency& latency, const std::set<int64_t>& keys,
                          int64_t a, int64_t m) {
  const int64_t peak = latency.Peak();
  const int64_t target = Ahead(peak, a, m);  // the PE `peak` links behind a
  // At or after target going forward to a: distances <= peak.
  auto up = keys.lower_bound(target);
  const int64_t near = up == keys.end() ? *keys.begin() : *up;
  // Before target: distances > peak (or a itself when none).
  auto down = keys.lower_bound(target);
  const int64_t far = down == keys.begin() ? *keys.rbegin() : *std::prev(down);
  return std::max(latency(Ahead(near, a, m)), latency(Ahead(far, a, m)));
}

}  // namespace

std::vector<int64_t> RowReady(const Problem& problem, const Placement& placement) {
  const int64_t m = problem.pes();
  const Mask& mask = problem.mask();
  const ScoreLatency latency(problem);
  // The homes of M(i), a window sliding forward over the keys (both ends of M(i) never
  // decrease, mask.h): how many keys of M(i) each PE homes, and the PEs with any.
  std::vector<int64_t> count(m, 0);
  std::set<int64_t> keys;
  int64_t begin = 0, end = 0;
  std::vector<int64_t> ready(problem.n(), 0);
  for (int64_t i = 0; i < problem.n(); ++i) {
    for (; end < mask.KeyEnd(i); ++end) {
      if (count[placement[end]]++ == 0) keys.insert(placement[end]);
    }
    for (; begin < mask.KeyBegin(i); ++begin) {
      if (--count[placement[begin]] == 0) keys.erase(placement[begin]);
    }
    if (mask.RowLength(i) > 0) ready[i] = WorstScoreLatency(latency, keys, placement[i], m);
  }
  return ready;
}

int64_t DurationGcd(const Problem& problem) {
  const Costs& c = problem.costs;
  const Mask& mask = problem.mask();
  // Durations are the costs times token pairs (task_graph.h).
  return std::gcd(std::gcd(c.c_dot * DotPairsGcd(problem.instance), c.c_axpy * mask.PairsGcd()),
                  c.c_softmax * mask.RowPairsGcd());
}

int64_t WorkBound(const Problem& problem) {
  const int64_t g = DurationGcd(problem);
  const int64_t unit = g * problem.pes();
  return g * ((TotalWork(problem) + unit - 1) / unit);
}

LowerBounds ComputeLowerBounds(const Problem& problem, const Placement& placement,
                               int64_t max_arc_pes) {
  const Costs& c = problem.costs;
  LowerBounds lb;
  lb.work = WorkBound(problem);

  const Mask& mask = problem.mask();
  const int64_t first_dot = ShortestDuration(problem, OpKind::kDot);
  std::vector<int64_t> home_work(problem.pes(), 0);
  for (int64_t i = 0; i < problem.n(); ++i) {
    home_work[placement[i]] += (c.c_softmax + c.c_axpy) * mask.RowPairs(i);
  }
  lb.home = first_dot + *std::max_element(home_work.begin(), home_work.end());
  lb.path = first_dot + (c.c_softmax + c.c_axpy) * mask.MostRowPairs();
  const int64_t dot_unit = c.c_dot * DotPairsGcd(problem.instance);
  lb.load = LoadBound(home_work, DotWork(problem) / dot_unit, dot_unit);
  const std::vector<int64_t> ready = RowReady(problem, placement);
  std::vector<std::vector<std::pair<int64_t, int64_t>>> rows(problem.pes());
  for (int64_t i = 0; i < problem.n(); ++i) {
    rows[placement[i]].push_back({ready[i], (c.c_softmax + c.c_axpy) * mask.RowPairs(i)});
  }
  for (auto& pe_rows : rows) lb.release = std::max(lb.release, ReleaseBound(std::move(pe_rows)));
  const LinkBounds links =
      LinkAndCutBounds(problem, placement, max_arc_pes > 0 ? max_arc_pes : CutArcPes(problem));
  lb.link = links.link;
  lb.cut = links.cut;
  lb.traffic = TrafficBound(problem, placement);
  return lb;
}

}  // namespace attnsched
