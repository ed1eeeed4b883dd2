#include "lib/algorithms/shared_half_ring.h"

#include <algorithm>

#include "lib/algorithms/ring.h"

namespace attnsched {
namespace {

// Whether PE p computes the cross pair (i of its own block, j of the block of PE q)
// in round r. Below the middle distance it computes all of them; at the middle
// distance (2r = m) the lower-numbered PE takes even il + jl, the other odd.
bool Computes(int64_t p, int64_t q, int64_t r, int64_t m, int64_t il, int64_t jl) {
  if (2 * r < m) return true;
  return (il + jl) % 2 == (p < q ? 0 : 1);
}

// Cross pairs PE p computes in round r (b x b, or about half of it at the middle).
int64_t CrossDots(int64_t p, int64_t q, int64_t r, int64_t m, int64_t b) {
  if (2 * r < m) return b * b;
  const int64_t even = (b * b + 1) / 2;
  return p < q ? even : b * b - even;
}

}  // namespace

int64_t SharedHalfRingGenerator::CountEvents(const Problem& problem) const {
  const int64_t m = problem.pes(), b = problem.n() / m;
  int64_t transfers = problem.n() * (m - 1);  // every x crosses m - 1 links
  for (int64_t p = 0; p < m; ++p) {
    for (int64_t r = 1; 2 * r <= m; ++r) {
      transfers += CrossDots(p, Behind(p, r, m), r, m, b) * (m - r);  // score to its home
    }
  }
  return CountOperations(problem.instance).total() + transfers;
}

Plan SharedHalfRingGenerator::MakePlan(const Problem& problem) const {
  const int64_t m = problem.pes(), b = problem.n() / m;
  Plan plan;
  plan.placement = BlockPlacement(problem.n(), m);
  const auto tokens = TokensByPe(plan.placement, m);
  plan.programs.resize(m);
  for (int32_t p = 0; p < m; ++p) {
    std::vector<Operation>& program = plan.programs[p];
    const std::vector<int32_t>& own = tokens[p];
    for (size_t a = 0; a < own.size(); ++a) {
      for (size_t c = a; c < own.size(); ++c) program.push_back({OpKind::kDot, own[a], own[c]});
    }
    for (int64_t r = 1; 2 * r <= m; ++r) {
      const int32_t q = Behind(p, r, m);
      for (int32_t j : tokens[q]) {
        for (int32_t i : own) {
          if (!Computes(p, q, r, m, i - p * b, j - q * b)) continue;
          program.push_back({OpKind::kDot, std::min(i, j), std::max(i, j)});
        }
      }
    }
    for (int32_t i : own) program.push_back(Operation{OpKind::kSoftmax, i, 0});
    AppendRingRounds(OpKind::kAxpy, p, own, tokens, false, program);
  }
  plan.route = [m, home = plan.placement](const Item& item, int32_t pe) {
    if (item.kind == ItemKind::kX) return Forward{static_cast<int32_t>(m - 1), 0};
    if (item.kind != ItemKind::kS) return Forward{};
    const int32_t other = home[item.i] == pe ? home[item.j] : home[item.i];
    return Forward{Ahead(pe, other, m), 0};
  };
  return plan;
}

}  // namespace attnsched
