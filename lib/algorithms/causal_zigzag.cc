#include "lib/algorithms/causal_zigzag.h"

#include <algorithm>

#include "lib/algorithms/ring.h"

namespace attnsched {
namespace {

// hops[j]: links k(j) and v(j) cross, up to the farthest PE with a row i >= j.
std::vector<int32_t> KeyHops(const Placement& placement, int64_t pes) {
  const int64_t n = static_cast<int64_t>(placement.size());
  std::vector<int32_t> last_row(pes, -1);
  for (int64_t i = 0; i < n; ++i) {
    last_row[placement[i]] = std::max<int32_t>(last_row[placement[i]], static_cast<int32_t>(i));
  }
  std::vector<int32_t> hops(n, 0);
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t p = 0; p < pes; ++p) {
      if (last_row[p] >= j) hops[j] = std::max(hops[j], Ahead(placement[j], p, pes));
    }
  }
  return hops;
}

}  // namespace

Placement ZigzagPlacement(int64_t n, int64_t pes) {
  const int64_t m = pes, b = n / m;
  // Tokens form a grid of b rows of m; grid row g holds tokens [g m, (g+1) m).
  Placement h(n);
  auto assign = [&h, m](int64_t g, int64_t column, int64_t pe) {
    h[g * m + column] = static_cast<int32_t>(pe);
  };
  int64_t g = 0;
  if (b % 2 == 1) {
    // One grid row (b = 1) cannot be balanced; three can, to within one score:
    // PE p takes columns p, sigma(p) = p + (m-1)/2 mod m, and tau(p) = the rank of
    // p + sigma(p) in descending order, so p + sigma(p) + tau(p) varies by <= 1.
    for (int64_t p = 0; p < m; ++p) assign(0, p, p);
    g = 1;
    if (b >= 3) {
      std::vector<int64_t> by_sum(m);
      for (int64_t p = 0; p < m; ++p) by_sum[p] = p;
      auto sigma = [m](int64_t p) { return (p + (m - 1) / 2) % m; };
      std::stable_sort(by_sum.begin(), by_sum.end(),
                       [&](int64_t a, int64_t c) { return a + sigma(a) > c + sigma(c); });
      for (int64_t rank = 0; rank < m; ++rank) {
        const int64_t p = by_sum[rank];
        assign(1, sigma(p), p);
        assign(2, rank, p);
      }
      g = 3;
    }
  }
  // The remaining grid rows pair up in snake order: columns p and m-1-p, whose
  // token indices (and so causal row lengths) add up to the same total on every PE.
  for (; g + 1 < b; g += 2) {
    for (int64_t p = 0; p < m; ++p) {
      assign(g, p, p);
      assign(g + 1, m - 1 - p, p);
    }
  }
  return h;
}

int64_t CausalZigzagGenerator::CountEvents(const Problem& problem) const {
  int64_t transfers = 0;
  for (int32_t hops : KeyHops(ZigzagPlacement(problem.n(), problem.pes()), problem.pes())) {
    transfers += 2 * hops;
  }
  return CountOperations(problem.instance).total() + transfers;
}

Plan CausalZigzagGenerator::MakePlan(const Problem& problem) const {
  const int64_t m = problem.pes();
  Plan plan;
  plan.placement = ZigzagPlacement(problem.n(), m);
  plan.programs = RingPrograms(TokensByPe(plan.placement, m), /*causal=*/true);
  plan.route = [hops = KeyHops(plan.placement, m)](const Item& item, int32_t) {
    if (item.kind == ItemKind::kK) return Forward{hops[item.i], 0};
    if (item.kind == ItemKind::kV) return Forward{hops[item.i], 1};
    return Forward{};
  };
  return plan;
}

}  // namespace attnsched
