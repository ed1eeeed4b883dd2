#include "lib/algorithms/derived_routes.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

#include "lib/algorithms/ring.h"

namespace attnsched {
namespace {

// Per item: links to cross (to its farthest consumer), the PE it starts from, and
// per link along its way the priority there.
struct RouteTable {
  int64_t m = 0;
  std::vector<int32_t> hops;
  std::vector<int32_t> source;
  std::vector<int32_t> priority;  // by TravellingItemIndex * m + links already crossed
};

std::shared_ptr<const RouteTable> DeriveRoutes(const Problem& problem, const Placement& homes,
                                               const OperationOrders& programs,
                                               const std::vector<int32_t>& offsets) {
  const int64_t n = problem.n();
  const int64_t m = problem.pes();
  const Instance& inst = problem.instance;
  std::vector<int32_t> dot_pe(n * n, 0);
  for (int32_t p = 0; p < m; ++p) {
    for (const Operation& op : programs[p]) {
      if (op.kind == OpKind::kDot) dot_pe[op.i * n + op.j] = p;
    }
  }
  auto table = std::make_shared<RouteTable>();
  const int64_t items = TravellingItemCount(n);
  table->m = m;
  table->hops.assign(items, 0);
  table->source.assign(items, 0);
  table->priority.assign(items * m, std::numeric_limits<int32_t>::max());
  for (int32_t c = 0; c < m; ++c) {
    int64_t estimate = 0;
    for (const Operation& op : programs[c]) {
      for (int64_t k = 0; k < OperandCount(inst, op); ++k) {
        const Item item = Operand(inst, op, k);
        if (item.kind == ItemKind::kP) continue;
        const int32_t source = IsVector(item.kind) ? homes[item.i] : dot_pe[item.i * n + item.j];
        const int32_t distance = Ahead(source, c, m);
        if (distance == 0) continue;
        const int64_t index = TravellingItemIndex(item, n);
        table->hops[index] = std::max(table->hops[index], distance);
        table->source[index] = source;
        const int32_t priority =
            static_cast<int32_t>(estimate) + (offsets.empty() ? 0 : offsets[index]);
        for (int32_t crossed = 0; crossed < distance; ++crossed) {
          int32_t& slot = table->priority[index * m + crossed];
          slot = std::min(slot, priority);
        }
      }
      estimate += Duration(problem, op);
    }
  }
  return table;
}

}  // namespace

Plan DerivedPlan(const Problem& problem, const Placement& homes, const OperationOrders& programs,
                 const std::vector<int32_t>& offsets) {
  std::shared_ptr<const RouteTable> table = DeriveRoutes(problem, homes, programs, offsets);
  const int64_t n = problem.n();
  return Plan{homes, std::vector<Program>(programs.begin(), programs.end()),
              [table, n](const Item& item, int32_t) {
                if (item.kind == ItemKind::kP) return Forward{};
                const int64_t index = TravellingItemIndex(item, n);
                return Forward{table->hops[index], table->priority[index * table->m]};
              },
              [table, n](const Item& item, int32_t pe) {
                const int64_t index = TravellingItemIndex(item, n);
                const int32_t crossed = Ahead(table->source[index], pe, table->m);
                return table->priority[index * table->m + crossed];
              }};
}

}  // namespace attnsched
