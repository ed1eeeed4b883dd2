#include "lib/algorithms/balance.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/numeric/int128.h"
#include "lib/algorithms/ring.h"

namespace attnsched {
namespace {

// Per PE, the home work of its rows plus `dot_cycles[p]`.
std::vector<absl::int128> Loads(const Problem& problem, const Placement& homes,
                                const std::vector<int64_t>& dot_cycles) {
  const Costs& c = problem.costs;
  std::vector<absl::int128> load(dot_cycles.begin(), dot_cycles.end());
  for (size_t i = 0; i < homes.size(); ++i) {
    load[homes[i]] += (c.c_softmax + c.c_axpy) * problem.mask().RowPairs(static_cast<int64_t>(i));
  }
  return load;
}

// Dots each PE hands to the PE behind it (f_p over the mean dot duration, rounded) to
// even out `load`.
std::vector<int64_t> Flows(const Problem& problem, const std::vector<absl::int128>& load) {
  const int64_t m = problem.pes();
  absl::int128 total = 0;
  for (const absl::int128& l : load) total += l;
  // m f_p = m f_0 - sum_{k < p} (m load_k - total); f_0 makes the smallest flow 0.
  std::vector<absl::int128> before(m + 1, 0);
  for (int64_t p = 0; p < m; ++p) before[p + 1] = before[p] + (m * load[p] - total);
  const absl::int128 first = *std::max_element(before.begin(), before.end() - 1);
  std::vector<int64_t> flows(m);
  const int64_t dots = std::max<int64_t>(CountOperations(problem.instance).dots, 1);
  const absl::int128 unit = absl::int128(m) * std::max<int64_t>(DotWork(problem) / dots, 1);
  for (int64_t p = 0; p < m; ++p) {
    flows[p] = static_cast<int64_t>((first - before[p] + unit / 2) / unit);
  }
  return flows;
}

// The 16 low bits of `x` in reverse order.
uint32_t BitReversed(uint32_t x) {
  uint32_t out = 0;
  for (int bit = 0; bit < 16; ++bit) out |= ((x >> bit) & 1u) << (15 - bit);
  return out;
}

// Removes from `list` the dots `take` marks (by position) and returns them.
std::vector<Operation> Extract(std::vector<Operation>& list, const std::vector<bool>& take) {
  std::vector<Operation> out;
  size_t kept = 0;
  for (size_t k = 0; k < list.size(); ++k) {
    if (take[k]) {
      out.push_back(list[k]);
    } else {
      list[kept++] = list[k];
    }
  }
  list.resize(kept);
  return out;
}

// The `count` dots PE `pe` sheds from `list`: first the dots it received from the
// PE ahead (passed on, so its own rows stay whole), then dots of its own rows (the
// highest-numbered rows, the dots of the latest rounds first).
std::vector<Operation> TakeShed(const Placement& homes, int32_t pe, int64_t count,
                                std::vector<Operation>& list) {
  std::vector<bool> take(list.size(), false);
  int64_t taken = 0;
  for (size_t k = list.size(); k-- > 0 && taken < count;) {
    if (homes[list[k].i] != pe) {
      take[k] = true;
      ++taken;
    }
  }
  count -= taken;
  if (count == 0) return Extract(list, take);
  std::vector<int32_t> rows;
  absl::flat_hash_map<int32_t, int64_t> per_row;
  for (const Operation& dot : list) {
    if (homes[dot.i] == pe && per_row[dot.i]++ == 0) rows.push_back(dot.i);
  }
  std::sort(rows.begin(), rows.end(), std::greater<>());
  absl::flat_hash_set<int32_t> chosen;
  for (size_t k = 0, own = 0; k < rows.size() && static_cast<int64_t>(own) < count; ++k) {
    chosen.insert(rows[k]);
    own += per_row[rows[k]];
  }
  for (size_t k = list.size(); k-- > 0 && count > 0;) {
    if (!take[k] && chosen.contains(list[k].i)) {
      take[k] = true;
      --count;
    }
  }
  return Extract(list, take);
}

}  // namespace

void BalanceDots(const Problem& problem, const Placement& homes, DotLists& dots) {
  const int64_t m = problem.pes();
  if (m < 2) return;
  std::vector<int64_t> dot_cycles(m, 0);
  for (int64_t p = 0; p < m; ++p) {
    for (const Operation& dot : dots[p]) dot_cycles[p] += Duration(problem, dot);
  }
  const std::vector<int64_t> flows = Flows(problem, Loads(problem, homes, dot_cycles));
  // A PE whose incoming flow is 0 goes first; then each PE behind the last one, so a
  // PE knows what it received before it passes dots on.
  const int32_t zero = static_cast<int32_t>(std::min_element(flows.begin(), flows.end()) - flows.begin());
  for (int64_t k = 1; k <= m; ++k) {
    const int32_t pe = Behind(zero, k, m);
    if (flows[pe] == 0) continue;
    std::vector<Operation> list = dots[pe].Expand();  // single dots move
    std::vector<Operation> shed = TakeShed(homes, pe, flows[pe], list);
    dots[pe] = Program(std::move(list));
    const int32_t behind = Behind(pe, 1, m);
    // Ordered by the round in which the key reaches the receiver.
    std::stable_sort(shed.begin(), shed.end(), [&](const Operation& a, const Operation& b) {
      return Ahead(homes[a.j], behind, m) < Ahead(homes[b.j], behind, m);
    });
    dots[behind].Append(absl::MakeConstSpan(shed));
  }
}

int64_t MaxShedDots(const Problem& problem, const Placement& homes) {
  if (problem.pes() < 2) return 0;
  // Ring rotation: each row's dots run at its home.
  std::vector<int64_t> dot_cycles(problem.pes(), 0);
  for (size_t i = 0; i < homes.size(); ++i) {
    dot_cycles[homes[i]] +=
        problem.costs.c_dot * problem.mask().RowPairs(static_cast<int64_t>(i));
  }
  const std::vector<int64_t> flows = Flows(problem, Loads(problem, homes, dot_cycles));
  return *std::max_element(flows.begin(), flows.end());
}

Placement LeastLoadedPlacement(const Problem& problem) {
  const int64_t n = problem.n(), m = problem.pes();
  const int64_t cap = (n + m - 1) / m;
  const Costs& c = problem.costs;
  std::vector<int32_t> rows(n);
  for (int64_t i = 0; i < n; ++i) rows[i] = static_cast<int32_t>(i);
  std::stable_sort(rows.begin(), rows.end(), [&](int32_t a, int32_t b) {
    return problem.mask().RowPairs(a) > problem.mask().RowPairs(b);
  });
  // (work, tie order, PE) of the PEs with room, least first. Ties go in van der
  // Corput order (bit-reversed PE numbers), so the PEs that get a token more when m
  // does not divide n are spread around the ring, not consecutive.
  using Entry = std::tuple<int64_t, uint32_t, int32_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> least;
  for (int32_t p = 0; p < m; ++p) least.push({0, BitReversed(static_cast<uint32_t>(p)), p});
  std::vector<int64_t> held(m, 0);
  Placement homes(n);
  for (int32_t i : rows) {
    const auto [work, order, pe] = least.top();
    least.pop();
    homes[i] = pe;
    const int64_t row = (c.c_dot + c.c_softmax + c.c_axpy) * problem.mask().RowPairs(i);
    if (++held[pe] < cap) least.push({work + row, order, pe});
  }
  return homes;
}

Placement WorkBlockPlacement(const Problem& problem) {
  const int64_t n = problem.n(), m = problem.pes();
  const Costs& c = problem.costs;
  const absl::int128 total =
      absl::int128(c.c_dot + c.c_softmax + c.c_axpy) * problem.mask().tokens().ScoreCount();
  Placement homes(n);
  absl::int128 before = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t row = (c.c_dot + c.c_softmax + c.c_axpy) * problem.mask().RowPairs(i);
    const absl::int128 pe = (2 * before + row) * m / (2 * total);
    homes[i] = static_cast<int32_t>(std::min<absl::int128>(pe, m - 1));
    before += row;
  }
  return homes;
}

}  // namespace attnsched
