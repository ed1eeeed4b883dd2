#include "lib/algorithms/ring_plan.h"

#include <algorithm>
#include <numeric>

#include "lib/algorithms/balance.h"
#include "lib/algorithms/ring.h"

namespace attnsched {
namespace {

// The farthest forward PE that needs each input vector: hops[kind][token].
struct VectorHops {
  std::vector<int32_t> q, k, v;  // v also holds x (shared inputs)

  std::vector<int32_t>& Of(ItemKind kind) {
    return kind == ItemKind::kQ ? q : kind == ItemKind::kK ? k : v;
  }
  const std::vector<int32_t>& Of(ItemKind kind) const {
    return kind == ItemKind::kQ ? q : kind == ItemKind::kK ? k : v;
  }
};

// The PE whose program reads `item` determines how far it travels.
void NoteConsumer(const Instance& inst, const Placement& homes, const Operation& op, int32_t pe,
                  int64_t m, VectorHops& hops) {
  if (op.kind == OpKind::kSoftmax) return;
  for (int64_t k = 0; k < 2; ++k) {
    const Item item = Operand(inst, op, k);
    if (!IsVector(item.kind)) continue;
    int32_t& h = hops.Of(item.kind)[item.i];
    h = std::max(h, Ahead(homes[item.i], pe, m));
  }
}

// The rows that read score s(i,j) (dot(i,j)'s result): row i when it attends j, and
// with shared inputs row j when it attends i.
bool ReadByRow(const Instance& inst, int32_t i, int32_t j) { return inst.mask.Attends(i, j); }
bool ReadByColumn(const Instance& inst, int32_t i, int32_t j) {
  return inst.shared && i != j && inst.mask.Attends(j, i);
}

// Links a score made on `pe` crosses: to the homes of the rows that read it.
int32_t ScoreHops(const Instance& inst, const Placement& homes, const Item& s, int32_t pe,
                  int64_t m) {
  int32_t hops = 0;
  if (ReadByRow(inst, s.i, s.j)) hops = Ahead(pe, homes[s.i], m);
  if (ReadByColumn(inst, s.i, s.j)) hops = std::max(hops, Ahead(pe, homes[s.j], m));
  return hops;
}

// Per row, the estimated cycle its last score is home (FinishRingPlan's contract),
// and per PE the cycle its dots end, run back to back.
struct DotEstimates {
  std::vector<int64_t> scores_home;  // by row
  std::vector<int64_t> dots_end;     // by PE
};

DotEstimates EstimateDots(const Problem& problem, const Placement& homes, const DotLists& dots) {
  const Instance& inst = problem.instance;
  const int64_t m = problem.pes();
  DotEstimates out{std::vector<int64_t>(inst.n(), 0), std::vector<int64_t>(m, 0)};
  std::vector<int64_t>& ready = out.scores_home;
  for (int32_t pe = 0; pe < m; ++pe) {
    int64_t end = 0;
    for (const Operation& dot : dots[pe]) {
      end += Duration(problem, dot);
      const int64_t hop = ArrivalCycle(problem, ScoreItem(inst, dot.i, dot.j), 0);
      for (int32_t row : {dot.i, dot.j}) {
        const bool reads = row == dot.i ? ReadByRow(inst, dot.i, dot.j)
                                        : ReadByColumn(inst, dot.i, dot.j);
        if (reads) ready[row] = std::max(ready[row], end + Ahead(pe, homes[row], m) * hop);
      }
    }
    out.dots_end[pe] = end;
  }
  return out;
}

// PE `pe`'s program: its dots, then its rows as FinishRingPlan describes.
Program ProgramOf(const Problem& problem, int32_t pe, Program dots,
                  const std::shared_ptr<const RingContext>& ring, const DotEstimates& estimates) {
  const Mask& mask = problem.mask();
  const std::vector<int64_t>& ready = estimates.scores_home;
  const int64_t dot_end = estimates.dots_end[pe];
  std::vector<int32_t> early, tail;
  for (int32_t i : ring->blocks.tokens[pe]) {
    if (mask.RowLength(i) == 0) continue;  // a row without keys has no operations
    (ready[i] <= dot_end ? early : tail).push_back(i);
  }
  std::stable_sort(tail.begin(), tail.end(),
                   [&ready](int32_t a, int32_t b) { return ready[a] < ready[b]; });
  Program program = std::move(dots);
  for (int32_t i : early) program.Append({OpKind::kSoftmax, i, 0});
  program.AppendRingRounds(OpKind::kAxpy, pe, std::move(early), ring);
  for (int32_t i : tail) {
    program.Append({OpKind::kSoftmax, i, 0});
    program.AppendRingRounds(OpKind::kAxpy, pe, {i}, ring);
  }
  return program;
}

// Link priorities by kind: keys, x and queries first, then scores, then values.
int32_t KindPriority(ItemKind kind) {
  switch (kind) {
    case ItemKind::kS: return 1;
    case ItemKind::kV: return 2;
    default: return 0;
  }
}

}  // namespace

DotLists RowHomeDots(const Problem& problem, const Placement& placement, bool balance) {
  auto ring = std::make_shared<const RingContext>(problem.instance, placement, problem.pes());
  DotLists dots(problem.pes());
  for (int32_t p : ring->blocks.occupied) {
    dots[p].AppendRingRounds(OpKind::kDot, p, ring->blocks.tokens[p], ring);
  }
  if (balance) BalanceDots(problem, placement, dots);
  return dots;
}

Plan FinishRingPlan(const Problem& problem, Placement placement, DotLists dots) {
  const Instance& inst = problem.instance;
  const int64_t m = problem.pes();
  auto ring = std::make_shared<const RingContext>(inst, placement, m);
  const DotEstimates estimates = EstimateDots(problem, placement, dots);
  Plan plan;
  plan.programs.resize(m);
  VectorHops hops{std::vector<int32_t>(inst.n(), 0), std::vector<int32_t>(inst.n(), 0),
                  std::vector<int32_t>(inst.n(), 0)};
  for (int32_t pe = 0; pe < m; ++pe) {
    plan.programs[pe] = ProgramOf(problem, pe, std::move(dots[pe]), ring, estimates);
    for (const Operation& op : plan.programs[pe]) NoteConsumer(inst, placement, op, pe, m, hops);
  }
  plan.route = [inst, m, homes = placement, hops = std::move(hops)](const Item& item,
                                                                     int32_t pe) {
    if (item.kind == ItemKind::kP) return Forward{};
    const int32_t h = item.kind == ItemKind::kS ? ScoreHops(inst, homes, item, pe, m)
                                                : hops.Of(item.kind)[item.i];
    return Forward{h, KindPriority(item.kind)};
  };
  plan.placement = std::move(placement);
  // With a storage limit a relay holds what it still reads and the next block.
  plan.forward_after_last_use = problem.machine.max_words_per_pe > 0;
  return plan;
}

}  // namespace attnsched
