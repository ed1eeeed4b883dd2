#include "lib/model/bounds.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "lib/model/task_graph.h"

namespace attnsched {

int64_t LowerBounds::Max() const { return std::max({work, home, path}); }

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
  return lb;
}

}  // namespace attnsched
