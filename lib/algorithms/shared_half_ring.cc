#include "lib/algorithms/shared_half_ring.h"

#include <algorithm>

#include "lib/algorithms/ring.h"

namespace attnsched {
namespace {

// The pairs of blocks at ring distance r: {q, q + r}. Block q + r reaches PE q in
// round m - r, block q reaches PE q + r in round r.
struct HalfRing {
  int64_t m = 0, b = 0;
  int64_t last = 0;   // largest distance computed whole: floor((m - 1) / 2)
  int64_t early = 0;  // distances 1..early go to the PE ahead, the rest behind

  bool has_middle() const { return m % 2 == 0 && m > 1; }

  // Round in which PE p meets the pair at distance r, and the PE it computes
  // with: early pairs in round r with block p - r; late pairs in round m - r with
  // block p + r.
  int64_t Round(int64_t r) const { return r <= early ? r : m - r; }
  int64_t Partner(int64_t p, int64_t r) const {
    return r <= early ? Behind(p, r, m) : Ahead(0, p + r, m);
  }
  // Links a score computed for distance r travels to the partner's home.
  int64_t Hops(int64_t r) const { return r <= early ? m - r : r; }
};

// Dots of the middle pair {p, p + m/2} that PE p computes: the lower-numbered PE
// takes even il + jl, the other odd.
bool ComputesMiddle(int64_t p, int64_t q, int64_t il, int64_t jl) {
  return (il + jl) % 2 == (p < q ? 0 : 1);
}
int64_t MiddleDots(int64_t p, int64_t q, int64_t b) {
  const int64_t even = (b * b + 1) / 2;
  return p < q ? even : b * b - even;
}

// Picks how many distances go early: the fewest that keep a PE busy until the
// first block of its late rounds arrives (about that round's index times b vector
// transfers). Early pairs cost m - r links per score, late ones r.
HalfRing MakeHalfRing(const Problem& problem) {
  HalfRing h;
  h.m = problem.pes();
  h.b = problem.n() / h.m;
  h.last = (h.m - 1) / 2;
  const int64_t c = problem.costs.c_dot, b = h.b;
  const int64_t wait = ArrivalCycle(problem, ItemKind::kX, 0) * b * (h.m - h.last);
  const int64_t own = c * (b * (b + 1) / 2 + (h.has_middle() ? b * b / 2 : 0));
  while (h.early < h.last && own + c * h.early * b * b < wait) ++h.early;
  return h;
}

// Distances in the order PE p meets them: ascending round.
std::vector<int64_t> DistancesByRound(const HalfRing& h) {
  std::vector<int64_t> d;
  for (int64_t r = 1; r <= h.last; ++r) d.push_back(r);
  if (h.has_middle()) d.push_back(h.m / 2);
  std::sort(d.begin(), d.end(), [&h](int64_t a, int64_t c) {
    return (a == h.m / 2 && h.has_middle() ? h.m / 2 : h.Round(a)) <
           (c == h.m / 2 && h.has_middle() ? h.m / 2 : h.Round(c));
  });
  return d;
}

}  // namespace

int64_t SharedHalfRingGenerator::CountEvents(const Problem& problem) const {
  const HalfRing h = MakeHalfRing(problem);
  int64_t transfers = problem.n() * (h.m - 1);  // every x crosses m - 1 links
  for (int64_t p = 0; p < h.m; ++p) {
    for (int64_t r = 1; r <= h.last; ++r) transfers += h.b * h.b * h.Hops(r);
    if (h.has_middle()) transfers += MiddleDots(p, Ahead(0, p + h.m / 2, h.m), h.b) * (h.m / 2);
  }
  return CountOperations(problem.instance).total() + transfers;
}

Plan SharedHalfRingGenerator::MakePlan(const Problem& problem) const {
  const HalfRing h = MakeHalfRing(problem);
  const int64_t m = h.m, b = h.b;
  Plan plan;
  plan.placement = BlockPlacement(problem.n(), m);
  const auto tokens = TokensByPe(plan.placement, m);
  const std::vector<int64_t> distances = DistancesByRound(h);
  plan.programs.resize(m);
  for (int32_t p = 0; p < m; ++p) {
    std::vector<Operation>& program = plan.programs[p];
    const std::vector<int32_t>& own = tokens[p];
    for (size_t a = 0; a < own.size(); ++a) {
      for (size_t c = a; c < own.size(); ++c) program.push_back({OpKind::kDot, own[a], own[c]});
    }
    for (int64_t r : distances) {
      const bool middle = h.has_middle() && r == m / 2;
      const int32_t q = middle ? Ahead(0, p + r, m) : static_cast<int32_t>(h.Partner(p, r));
      for (int32_t j : tokens[q]) {
        for (int32_t i : own) {
          if (middle && !ComputesMiddle(p, q, i - p * b, j - q * b)) continue;
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
    return Forward{Ahead(pe, other, m), 1};  // scores use the links' spare cycles
  };
  return plan;
}

}  // namespace attnsched
