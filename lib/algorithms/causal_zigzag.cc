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
  const int64_t b = n / pes;
  // With b odd the middle m rows go one per PE; the rest pairs k with n-1-k.
  const int64_t unpaired = b % 2 == 1 ? pes : 0;
  const int64_t pairs = (n - unpaired) / 2;
  Placement h(n);
  for (int64_t k = 0; k < pairs; ++k) {
    h[k] = h[n - 1 - k] = static_cast<int32_t>(k % pes);
  }
  for (int64_t t = 0; t < unpaired; ++t) h[pairs + t] = static_cast<int32_t>(t);
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
  const auto tokens = TokensByPe(plan.placement, m);
  plan.programs.resize(m);
  for (int32_t p = 0; p < m; ++p) {
    std::vector<Operation>& program = plan.programs[p];
    AppendRingRounds(OpKind::kDot, p, tokens[p], tokens, true, program);
    for (int32_t i : tokens[p]) program.push_back(Operation{OpKind::kSoftmax, i, 0});
    AppendRingRounds(OpKind::kAxpy, p, tokens[p], tokens, true, program);
  }
  plan.route = [hops = KeyHops(plan.placement, m)](const Item& item, int32_t) {
    if (item.kind == ItemKind::kK) return Forward{hops[item.i], 0};
    if (item.kind == ItemKind::kV) return Forward{hops[item.i], 1};
    return Forward{};
  };
  return plan;
}

}  // namespace attnsched
