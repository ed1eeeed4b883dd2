#include "lib/model/bounds.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "lib/model/task_graph.h"

namespace attnsched {

int64_t LowerBounds::Max() const { return std::max({work, home, path, load}); }

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

}  // namespace

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
  return lb;
}

}  // namespace attnsched
