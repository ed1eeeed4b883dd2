#include "lib/algorithms/shared_half_ring.h"

#include <algorithm>
#include <queue>
#include <tuple>

#include "lib/algorithms/ring.h"

namespace attnsched {
namespace {

// The pairs of tokens homed on PEs a and b = a + r (r = Ahead(a, b) <= m/2), in the
// order (b-token, a-token): PE a computes the first `split` of them (in round m - r,
// when b's tokens arrive), PE b the others (in round r, when a's tokens arrive).
struct BlockPair {
  int32_t a = 0, b = 0;
  int64_t r = 0;
  int64_t split = 0;  // pairs, in [0, |a| |b|]
};

// The half ring's first assignment (see the header): distances 1..early computed
// ahead (split 0), the rest behind (split = all of b), the middle pair halved.
int64_t EarlyDistances(const Problem& problem) {
  const int64_t m = problem.pes(), last = (m - 1) / 2;
  const int64_t b = std::max<int64_t>(problem.n() / m, 1);
  const int64_t c = problem.costs.c_dot;
  const int64_t wait = ArrivalCycle(problem, Item{ItemKind::kX, 0, 0}, 0) * b * (m - last);
  const int64_t own = c * (b * (b + 1) / 2 + (m % 2 == 0 && m > 1 ? b * b / 2 : 0));
  int64_t early = 0;
  while (early < last && own + c * early * b * b < wait) ++early;
  return early;
}

class HalfRing {
 public:
  HalfRing(const Problem& problem, const Placement& placement)
      : problem_(problem), m_(problem.pes()), tokens_(TokensByPe(placement, m_)),
        pairs_of_(m_), load_(m_, 0) {
    const Costs& c = problem.costs;
    const int64_t early = EarlyDistances(problem);
    for (int32_t a = 0; a < m_; ++a) {
      const int64_t own = Size(a);
      // Home work (every row has n scores) and the pairs of its own tokens.
      load_[a] += own * problem.n() * (c.c_softmax + c.c_axpy) + own * (own + 1) / 2 * c.c_dot;
      for (int64_t r = 1; 2 * r <= m_; ++r) {
        const int32_t b = static_cast<int32_t>(Ahead(0, a + r, m_));
        if (2 * r == m_ && b < a) continue;  // the middle pair once
        if (Size(a) == 0 || Size(b) == 0) continue;
        const int64_t all = Size(a) * Size(b);
        const int64_t split = 2 * r == m_ ? Size(b) / 2 * Size(a) : r <= early ? 0 : all;
        pairs_of_[a].push_back(pairs_.size());
        pairs_of_[b].push_back(pairs_.size());
        pairs_.push_back(BlockPair{a, b, r, split});
        load_[a] += split * c.c_dot;
        load_[b] += (all - split) * c.c_dot;
      }
    }
  }

  // Moves pairs from busier PEs to lighter partners while a move evens the loads
  // (cycles of dots and home work).
  void Balance();

  DotLists Dots() const;

 private:
  int64_t Size(int32_t pe) const { return static_cast<int64_t>(tokens_[pe].size()); }
  // The dots of one PE with one arriving token of a pair block (see AddChunks).
  struct Chunk {
    int64_t release, deadline, cycles;
    const BlockPair* pair;
    bool at_a;    // computed by PE a (else b)
    int64_t pos;  // the arriving token's position in its PE's list
  };
  void AddChunks(const BlockPair& bp, bool at_a, std::vector<Chunk>& out) const;
  int64_t ChunkPairs(const BlockPair& bp, bool at_a, int64_t pos) const;
  static std::vector<Chunk> InDeadlineOrder(std::vector<Chunk> chunks, int64_t t);
  void AppendChunk(const Chunk& chunk, std::vector<Operation>& list) const;
  bool MoveFrom(int32_t heavy, int64_t target);

  const Problem& problem_;
  const int64_t m_;
  const std::vector<std::vector<int32_t>> tokens_;
  std::vector<BlockPair> pairs_;
  std::vector<std::vector<size_t>> pairs_of_;  // indices into pairs_, per PE
  std::vector<int64_t> load_;
};

void HalfRing::Balance() {
  int64_t total = 0;
  for (int64_t l : load_) total += l;
  const int64_t target = (total + m_ - 1) / m_;
  // Each move takes pairs from a PE to a partner lighter by more than a dot, so the
  // sum of squared loads falls and the loop ends (in about 70 m moves measured at
  // m = 64, n = 1056); the cap bounds its time at O(m^3).
  std::vector<bool> stuck(m_);
  for (int64_t step = 0; step < 256 * m_; ++step) {
    std::fill(stuck.begin(), stuck.end(), false);
    bool moved = false;
    while (!moved) {
      int32_t heavy = -1;  // the busiest PE above the mean that may still move
      for (int32_t p = 0; p < m_; ++p) {
        if (!stuck[p] && load_[p] > target && (heavy < 0 || load_[p] > load_[heavy])) heavy = p;
      }
      if (heavy < 0) return;
      moved = MoveFrom(heavy, target);
      stuck[heavy] = true;
    }
  }
}

// Moves pairs of a pair block from `heavy` to a partner that is lighter by more than a
// dot, preferring partners ahead of it (they compute them early, in round r), then
// partners below the mean `target`, then the lightest. False when there is none.
bool HalfRing::MoveFrom(int32_t heavy, int64_t target) {
  const int64_t c_dot = problem_.costs.c_dot;
  BlockPair* best = nullptr;
  std::tuple<bool, bool, int64_t> best_rank;
  for (size_t index : pairs_of_[heavy]) {
    BlockPair& bp = pairs_[index];
    const bool heavy_is_a = bp.a == heavy;
    // heavy = a gives pairs to b (split falls); heavy = b gives them to a (it rises).
    if (heavy_is_a ? bp.split == 0 : bp.split == Size(bp.a) * Size(bp.b)) continue;
    const int32_t other = heavy_is_a ? bp.b : bp.a;
    if (load_[heavy] - load_[other] <= c_dot) continue;
    // b (ahead: it computes them early) before a (behind: its rows of b would complete
    // last); then partners below the mean; then the lightest.
    const auto rank = std::make_tuple(!heavy_is_a, load_[other] >= target, load_[other]);
    if (best == nullptr || rank < best_rank) {
      best_rank = rank;
      best = &bp;
    }
  }
  if (best == nullptr) return false;
  const bool heavy_is_a = best->a == heavy;
  const int32_t other = heavy_is_a ? best->b : best->a;
  const int64_t room = std::min(load_[heavy] - target, target - load_[other]);
  int64_t moved = std::max<int64_t>(1, (room + c_dot / 2) / c_dot);
  moved = std::min(moved, heavy_is_a ? best->split : Size(best->a) * Size(best->b) - best->split);
  best->split += heavy_is_a ? -moved : moved;
  load_[heavy] -= moved * c_dot;
  load_[other] += moved * c_dot;
  return true;
}

DotLists HalfRing::Dots() const {
  std::vector<std::vector<Chunk>> chunks(m_);
  for (const BlockPair& bp : pairs_) {
    AddChunks(bp, true, chunks[bp.a]);
    AddChunks(bp, false, chunks[bp.b]);
  }
  DotLists dots(m_);
  for (int32_t p = 0; p < m_; ++p) {
    std::vector<Operation> list;
    const std::vector<int32_t>& own = tokens_[p];
    for (size_t x = 0; x < own.size(); ++x) {
      for (size_t y = x; y < own.size(); ++y) list.push_back({OpKind::kDot, own[x], own[y]});
    }
    const int64_t own_cycles = static_cast<int64_t>(list.size()) * problem_.costs.c_dot;
    for (const Chunk& chunk : InDeadlineOrder(std::move(chunks[p]), own_cycles)) {
      AppendChunk(chunk, list);
    }
    dots[p] = Program(std::move(list));
  }
  return dots;
}

// A PE's share of a pair block, one chunk per arriving token: released when the
// block's tokens arrive (estimated from its round), due when that token's row is to
// start its home work (its home starts at the mean load minus its home work, one row
// after another in token order).
void HalfRing::AddChunks(const BlockPair& bp, bool at_a, std::vector<Chunk>& out) const {
  const Costs& c = problem_.costs;
  int64_t total = 0;
  for (int64_t l : load_) total += l;
  const int32_t partner = at_a ? bp.b : bp.a;
  const int64_t row = problem_.n() * (c.c_softmax + c.c_axpy);
  const int64_t start = total / m_ - Size(partner) * row;
  const int64_t round = at_a ? m_ - bp.r : bp.r;
  const int64_t release = round * std::max<int64_t>(problem_.n() / m_, 1) *
                          ArrivalCycle(problem_, Item{ItemKind::kX, 0, 0}, 0);
  for (int64_t pos = 0; pos < Size(partner); ++pos) {
    const int64_t pairs = ChunkPairs(bp, at_a, pos);
    if (pairs > 0) out.push_back({release, start + pos * row, pairs * c.c_dot, &bp, at_a, pos});
  }
}

// Pairs (x, y) of the block, index y |a| + x: PE a computes index < split, PE b the
// rest. At a the arriving token is b's y-th, at b a's x-th.
int64_t HalfRing::ChunkPairs(const BlockPair& bp, bool at_a, int64_t pos) const {
  const int64_t sa = Size(bp.a), sb = Size(bp.b);
  if (at_a) return std::clamp<int64_t>(bp.split - pos * sa, 0, sa);
  // y with y * sa + pos >= split: y >= ceil((split - pos) / sa).
  const int64_t first = bp.split <= pos ? 0 : (bp.split - pos + sa - 1) / sa;
  return std::max<int64_t>(sb - first, 0);
}

// Earliest deadline first among the chunks whose tokens have arrived (by the
// estimate), ties by arrival; when none has, the next to arrive. `t`: the cycle the
// PE is free. O(C log C).
std::vector<HalfRing::Chunk> HalfRing::InDeadlineOrder(std::vector<Chunk> chunks, int64_t t) {
  std::stable_sort(chunks.begin(), chunks.end(),
                   [](const Chunk& x, const Chunk& y) { return x.release < y.release; });
  auto later = [](const Chunk* x, const Chunk* y) {
    return std::tie(x->deadline, x->release) > std::tie(y->deadline, y->release);
  };
  std::priority_queue<const Chunk*, std::vector<const Chunk*>, decltype(later)> ready(later);
  std::vector<Chunk> order;
  order.reserve(chunks.size());
  size_t next = 0;
  while (order.size() < chunks.size()) {
    if (ready.empty()) t = std::max(t, chunks[next].release);
    while (next < chunks.size() && chunks[next].release <= t) ready.push(&chunks[next++]);
    order.push_back(*ready.top());
    ready.pop();
    t += order.back().cycles;
  }
  return order;
}

// The chunk's dots: its arriving token with each own token it pairs with.
void HalfRing::AppendChunk(const Chunk& chunk, std::vector<Operation>& list) const {
  const BlockPair& bp = *chunk.pair;
  const std::vector<int32_t>& a = tokens_[bp.a];
  const std::vector<int32_t>& b = tokens_[bp.b];
  const int64_t sa = Size(bp.a);
  auto add = [&list](int32_t i, int32_t j) {
    list.push_back({OpKind::kDot, std::min(i, j), std::max(i, j)});
  };
  if (chunk.at_a) {
    const int64_t y = chunk.pos;
    for (int64_t x = 0; x < sa && y * sa + x < bp.split; ++x) add(a[x], b[y]);
    return;
  }
  const int64_t x = chunk.pos;
  for (int64_t y = 0; y < Size(bp.b); ++y) {
    if (y * sa + x >= bp.split) add(a[x], b[y]);
  }
}

}  // namespace

DotLists HalfRingDots(const Problem& problem, const Placement& placement, bool balance) {
  HalfRing ring(problem, placement);
  if (balance) ring.Balance();
  return ring.Dots();
}

}  // namespace attnsched
