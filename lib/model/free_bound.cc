#include "lib/model/free_bound.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <vector>

#include "lib/model/bounds.h"
#include "lib/model/heads.h"

namespace attnsched {
namespace {

// `count` ways of `parts` choices, saturating above `cap`.
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

// Calls visit(homes) for every candidate placement of one head's n tokens on m PEs
// (see free_bound.h) until it returns false.
void ForEachCandidate(int64_t n, int64_t m, bool interchangeable,
                      const std::function<bool(const Placement&)>& visit) {
  Placement homes(n, 0);
  if (interchangeable) {
    // homes non-decreasing: the next token's home is at least the last one's.
    std::function<bool(int64_t)> fill = [&](int64_t i) {
      if (i == n) return visit(homes);
      for (int32_t p = i == 0 ? 0 : homes[i - 1]; p < m; ++p) {
        homes[i] = p;
        if (!fill(i + 1)) return false;
      }
      return true;
    };
    fill(0);
    return;
  }
  std::function<bool(int64_t)> fill = [&](int64_t i) {
    if (i == n) return visit(homes);
    for (int32_t p = 0; p < (i == 0 ? 1 : m); ++p) {
      homes[i] = p;
      if (!fill(i + 1)) return false;
    }
    return true;
  };
  fill(0);
}

}  // namespace

FreeBound FreePlacementBound(const Problem& problem, int64_t max_placements) {
  const Instance& inst = problem.instance;
  const int64_t n = inst.rows_per_head(), m = problem.pes();
  const LowerBounds any = ComputeLowerBounds(problem, LayerPlacement(inst, CyclicPlacement(n, m)));
  const int64_t floor = std::max(any.work, any.path);
  const bool interchangeable = TokensInterchangeable(inst);
  const int64_t candidates =
      interchangeable ? Compositions(n, m, max_placements) : Ways(m, n - 1, max_placements);
  if (candidates > max_placements) return FreeBound{floor, 0, {}};
  FreeBound best{std::numeric_limits<int64_t>::max(), candidates, {}};
  ForEachCandidate(n, m, interchangeable, [&](const Placement& homes) {
    const int64_t cycles = ComputeLowerBounds(problem, LayerPlacement(inst, homes)).Max();
    if (cycles < best.cycles) {
      best.cycles = cycles;
      best.placement = homes;
    }
    return best.cycles > floor;
  });
  return best;
}

}  // namespace attnsched
