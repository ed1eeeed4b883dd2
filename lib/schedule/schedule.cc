#include "lib/schedule/schedule.h"

#include <algorithm>
#include <numeric>
#include <utility>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace attnsched {

std::string DescribeEvent(const Event& event, int64_t pes) {
  if (event.is_op()) return absl::StrCat(OperationName(event.op()), " on PE ", event.pe);
  if (event.is_free()) return absl::StrCat("free of ", ItemName(event.item()), " on PE ", event.pe);
  const int64_t to = pes > 0 ? (event.pe + 1) % pes : 0;
  return absl::StrCat("transfer of ", ItemName(event.item()), " on link ", event.pe, "->", to);
}

int64_t Makespan(const Schedule& schedule) {
  int64_t t = 0;
  for (const Event& e : schedule.events) {
    if (e.is_op()) t = std::max(t, e.start + Duration(schedule.problem, e.op()));
  }
  return t;
}

std::vector<uint32_t> StartOrder(const std::vector<Event>& events) {
  const bool sorted = std::is_sorted(events.begin(), events.end(),
                                     [](const Event& a, const Event& b) { return a.start < b.start; });
  if (sorted) return {};
  std::vector<uint32_t> order(events.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return events[a].start < events[b].start; });
  return order;
}

bool CanonicalLess(const Event& a, const Event& b) {
  return std::tie(a.start, a.pe, a.type, a.kind, a.i, a.j) <
         std::tie(b.start, b.pe, b.type, b.kind, b.i, b.j);
}

void SortEvents(std::vector<Event>& events) {
  std::sort(events.begin(), events.end(), CanonicalLess);
}

std::vector<Event> MergeSortedStreams(std::vector<std::vector<Event>> streams) {
  size_t total = 0;
  for (const auto& s : streams) total += s.size();
  const size_t k = streams.size();
  if (k == 1) return std::move(streams[0]);
  std::vector<Event> out;
  out.reserve(total);
  if (k == 0) return out;
  // A tree of losers (Knuth, TAOCP vol. 3, section 5.4.1): stream s is leaf k + s of
  // a complete binary tree; each inner node keeps the loser of its match, node 0 the
  // overall winner. Each output replays one leaf-to-root path: log2(k) comparisons.
  std::vector<const Event*> next(k), end(k);
  for (size_t s = 0; s < k; ++s) {
    next[s] = streams[s].data();
    end[s] = next[s] + streams[s].size();
  }
  // Stream a's head goes before stream b's; an exhausted stream goes last.
  const auto before = [&](size_t a, size_t b) {
    if (next[a] == end[a]) return false;
    return next[b] == end[b] || CanonicalLess(*next[a], *next[b]);
  };
  std::vector<size_t> loser(k), winner(2 * k);
  for (size_t s = 0; s < k; ++s) winner[k + s] = s;
  for (size_t node = k - 1; node >= 1; --node) {
    const size_t a = winner[2 * node], b = winner[2 * node + 1];
    const bool a_wins = before(a, b);
    winner[node] = a_wins ? a : b;
    loser[node] = a_wins ? b : a;
  }
  size_t top = winner[1];
  while (next[top] != end[top]) {
    out.push_back(*next[top]++);
    for (size_t node = (k + top) / 2; node >= 1; node /= 2) {
      if (before(loser[node], top)) std::swap(loser[node], top);
    }
  }
  return out;
}

}  // namespace attnsched
