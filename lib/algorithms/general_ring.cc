#include "lib/algorithms/general_ring.h"

#include "lib/algorithms/ring.h"

namespace attnsched {

int64_t GeneralRingGenerator::CountEvents(const Problem& problem) const {
  // Every k and v vector crosses m - 1 links.
  return CountOperations(problem.instance).total() + 2 * problem.n() * (problem.pes() - 1);
}

Plan GeneralRingGenerator::MakePlan(const Problem& problem) const {
  const int64_t m = problem.pes();
  Plan plan;
  plan.placement = BlockPlacement(problem.n(), m);
  plan.programs = RingPrograms(TokensByPe(plan.placement, m), /*causal=*/false);
  const int32_t all = static_cast<int32_t>(m - 1);
  plan.route = [all](const Item& item, int32_t) {
    if (item.kind == ItemKind::kK) return Forward{all, 0};
    if (item.kind == ItemKind::kV) return Forward{all, 1};
    return Forward{};
  };
  return plan;
}

}  // namespace attnsched
