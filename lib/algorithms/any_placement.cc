#include "lib/algorithms/any_placement.h"

#include "lib/algorithms/ring.h"

namespace attnsched {

Plan RingPlanForPlacement(const Problem& problem, const Placement& placement) {
  const int64_t m = problem.pes();
  const bool shared = problem.scheme() == Scheme::kShared;
  const bool causal = problem.scheme() == Scheme::kCausal;
  Plan plan;
  plan.placement = placement;
  const auto tokens = TokensByPe(placement, m);
  if (!shared) {
    plan.programs = RingPrograms(tokens, causal);
  } else {
    // Each pair i <= j once, on h(i), in ring order of j's home.
    plan.programs.resize(m);
    for (int32_t p = 0; p < m; ++p) {
      std::vector<Operation>& program = plan.programs[p];
      for (int64_t r = 0; r < m; ++r) {
        for (int32_t j : tokens[Behind(p, r, m)]) {
          for (int32_t i : tokens[p]) {
            if (i <= j) program.push_back({OpKind::kDot, i, j});
          }
        }
      }
      for (int32_t i : tokens[p]) program.push_back({OpKind::kSoftmax, i, 0});
      AppendRingRounds(OpKind::kAxpy, p, tokens[p], tokens, false, program);
    }
  }
  plan.route = [m, shared, placement](const Item& item, int32_t pe) {
    const int32_t all = static_cast<int32_t>(m - 1);
    switch (item.kind) {
      case ItemKind::kK:
      case ItemKind::kX: return Forward{all, 0};
      case ItemKind::kV: return Forward{all, 1};
      case ItemKind::kS:  // shared: computed at h(i), also needed at h(j)
        return shared ? Forward{Ahead(pe, placement[item.j], m), 2} : Forward{};
      default: return Forward{};
    }
  };
  return plan;
}

}  // namespace attnsched
