#include "lib/model/free_bound.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <vector>

#include "lib/model/bounds.h"
#include "lib/model/heads.h"

namespace attnsched {
namespace {

// `count` to the power `parts`, saturating above `cap`.
int64_t Ways(int64_t count, int64_t parts, int64_t cap) {
  int64_t ways = 1;
  for (int64_t i = 0; i < parts && ways <= cap; ++i) ways *= count;
  return ways;
}

// C(n + m - 1, m - 1), saturating above `cap`.
int64_t Compositions(int64_t n, int64_t m, int64_t cap) {
  int64_t ways = 1;
  for (int64_t i = 1; i < m && ways <= cap; ++i) ways = ways * (n + i) / i;
  return ways;
}

// Calls visit(homes) for every placement of n tokens on m PEs with token 0 on PE 0
// (an odometer over the others' homes) until it returns false.
void ForEachRotation(int64_t n, int64_t m, const std::function<bool(const Placement&)>& visit) {
  Placement homes(n, 0);
  while (visit(homes)) {
    int64_t i = n - 1;
    while (i >= 1 && homes[i] == m - 1) homes[i--] = 0;
    if (i < 1) return;
    ++homes[i];
  }
}

// Calls visit(homes) for the block placement of every way to share n tokens among m
// PEs (counts[p] tokens on PE p) until it returns false.
void ForEachShare(int64_t n, int64_t m, const std::function<bool(const Placement&)>& visit) {
  std::vector<int64_t> counts(m, 0);
  counts[m - 1] = n;
  Placement homes(n, 0);
  while (true) {
    for (int64_t p = 0, i = 0; p < m; ++p) {
      for (int64_t c = 0; c < counts[p]; ++c) homes[i++] = static_cast<int32_t>(p);
    }
    if (!visit(homes)) return;
    // Next, as an odometer whose digits are the first m - 1 counts and whose room is
    // the last count: raise the rightmost digit there is room for, returning the
    // digits right of it to the last count.
    int64_t p = m - 2;
    while (p >= 0 && counts[m - 1] == 0) {
      counts[m - 1] += counts[p];
      counts[p--] = 0;
    }
    if (p < 0) return;
    ++counts[p];
    --counts[m - 1];
  }
}

}  // namespace

FreeBound FreePlacementBound(const Problem& problem, int64_t max_work) {
  const Instance& inst = problem.instance;
  const int64_t n = inst.rows_per_head(), m = problem.pes();
  const LowerBounds any =
      ComputeLowerBounds(problem, LayerPlacement(inst, CyclicPlacement(n, m)), 1);
  const int64_t floor = std::max(any.work, any.path);
  const bool interchangeable = TokensInterchangeable(inst);
  // A candidate's bounds take O(N log m + m), N the layer's rows (all heads).
  const int64_t cap = max_work / (problem.n() + m);
  const int64_t candidates = interchangeable ? Compositions(n, m, cap) : Ways(m, n - 1, cap);
  if (candidates > cap) return FreeBound{floor, 0, {}};
  FreeBound best{std::numeric_limits<int64_t>::max(), candidates, {}};
  const auto visit = [&](const Placement& homes) {
    // LB_cut over one-PE arcs only (it equals LB_link): longer arcs cost m times more.
    const int64_t cycles = ComputeLowerBounds(problem, LayerPlacement(inst, homes), 1).Max();
    if (cycles < best.cycles) {
      best.cycles = cycles;
      best.placement = homes;
    }
    return best.cycles > floor;
  };
  if (interchangeable) {
    ForEachShare(n, m, visit);
  } else {
    ForEachRotation(n, m, visit);
  }
  return best;
}

}  // namespace attnsched
