#include "lib/schedule/schedule.h"

#include <algorithm>
#include <numeric>
#include <utility>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace attnsched {

std::string DescribeEvent(const Problem& problem, const Event& event) {
  const Instance& inst = problem.instance;
  if (event.is_op()) return absl::StrCat(OperationName(inst, event.op()), " on PE ", event.pe);
  if (event.is_free()) {
    return absl::StrCat("free of ", ItemName(inst, event.item()), " on PE ", event.pe);
  }
  const int64_t pes = problem.pes(), to = pes > 0 ? (event.pe + 1) % pes : 0;
  return absl::StrCat("transfer of ", ItemName(inst, event.item()), " on link ", event.pe, "->",
                      to);
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

void SortEvents(std::vector<Event>& events) {
  std::sort(events.begin(), events.end(), CanonicalLess);
}

}  // namespace attnsched
