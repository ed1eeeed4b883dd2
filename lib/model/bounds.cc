#include "lib/model/bounds.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "lib/model/task_graph.h"

namespace attnsched {

int64_t LowerBounds::Max() const { return std::max({work, home, path, load, release}); }

namespace {

// LB_load (bounds.h): a binary search for the least T that fits the dots, between the
// most home work (T below it fits nothing) and that plus all dots on one PE.
int64_t LoadBound(const std::vector<int64_t>& home_work, int64_t dots, int64_t c_dot) {
  auto fits = [&](int64_t t) {
    int64_t room = 0;
    for (int64_t h : home_work) {
      if (h <= t) room += (t - h) / c_dot;
      if (room >= dots) return true;
    }
    return room >= dots;
  };
  int64_t lo = *std::max_element(home_work.begin(), home_work.end());
  int64_t hi = lo + dots * c_dot;
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

// latency[a * m + b]: the earliest cycle a score of a row homed on a, with its key
// homed on b, can be resident on a (RowReady, for one score).
std::vector<int64_t> ScoreLatency(const Problem& problem) {
  const int64_t m = problem.pes();
  const bool shared = problem.scheme() == Scheme::kShared;
  const int64_t row_vector = TransferDuration(problem, shared ? ItemKind::kX : ItemKind::kQ);
  const int64_t key_vector = TransferDuration(problem, shared ? ItemKind::kX : ItemKind::kK);
  const int64_t scalar = TransferDuration(problem, ItemKind::kS);
  std::vector<int64_t> latency(m * m, std::numeric_limits<int64_t>::max());
  for (int64_t a = 0; a < m; ++a) {
    for (int64_t b = 0; b < m; ++b) {
      for (int64_t r = 0; r < m; ++r) {
        const int64_t operands =
            std::max(Ahead(a, r, m) * row_vector, Ahead(b, r, m) * key_vector);
        const int64_t at_home = operands + problem.costs.c_dot + Ahead(r, a, m) * scalar;
        latency[a * m + b] = std::min(latency[a * m + b], at_home);
      }
    }
  }
  return latency;
}

}  // namespace

std::vector<int64_t> RowReady(const Problem& problem, const Placement& placement) {
  const int64_t m = problem.pes();
  const std::vector<int64_t> latency = ScoreLatency(problem);
  // Causal rows grow by one key each: keep the key homes seen so far.
  std::vector<bool> key_home(m, false);
  if (problem.scheme() != Scheme::kCausal) {
    for (int32_t h : placement) key_home[h] = true;
  }
  std::vector<int64_t> ready(problem.n(), 0);
  for (int64_t i = 0; i < problem.n(); ++i) {
    if (problem.scheme() == Scheme::kCausal) key_home[placement[i]] = true;
    for (int64_t b = 0; b < m; ++b) {
      if (key_home[b]) ready[i] = std::max(ready[i], latency[placement[i] * m + b]);
    }
  }
  return ready;
}

int64_t DurationGcd(const Problem& problem) {
  const Costs& c = problem.costs;
  // Softmax durations are c_softmax * |M(i)|: |M(i)| = n for general and shared, and
  // takes every value 1..n for causal (so c_softmax itself is a duration).
  const int64_t softmax =
      problem.scheme() == Scheme::kCausal ? c.c_softmax : c.c_softmax * problem.n();
  return std::gcd(std::gcd(c.c_dot, c.c_axpy), softmax);
}

LowerBounds ComputeLowerBounds(const Problem& problem, const Placement& placement) {
  const Costs& c = problem.costs;
  const int64_t g = DurationGcd(problem);
  const int64_t unit = g * problem.pes();
  LowerBounds lb;
  lb.work = g * ((TotalWork(problem) + unit - 1) / unit);

  std::vector<int64_t> home_work(problem.pes(), 0);
  int64_t longest_row = 0;
  for (int64_t i = 0; i < problem.n(); ++i) {
    const int64_t len = RowLength(problem.instance, i);
    home_work[placement[i]] += (c.c_softmax + c.c_axpy) * len;
    longest_row = std::max(longest_row, len);
  }
  lb.home = c.c_dot + *std::max_element(home_work.begin(), home_work.end());
  lb.path = c.c_dot + (c.c_softmax + c.c_axpy) * longest_row;
  lb.load = LoadBound(home_work, CountOperations(problem.instance).dots, c.c_dot);
  const std::vector<int64_t> ready = RowReady(problem, placement);
  std::vector<std::vector<std::pair<int64_t, int64_t>>> rows(problem.pes());
  for (int64_t i = 0; i < problem.n(); ++i) {
    const int64_t len = RowLength(problem.instance, i);
    rows[placement[i]].push_back({ready[i], (c.c_softmax + c.c_axpy) * len});
  }
  for (auto& pe_rows : rows) lb.release = std::max(lb.release, ReleaseBound(std::move(pe_rows)));
  return lb;
}

}  // namespace attnsched
