#include "lib/schedule/residency.h"

namespace attnsched {

Residency::Residency(const Problem& problem, const Placement& placement)
    : instance_(problem.instance),
      placement_(placement),
      softmax_end_(problem.n(), kNever) {}

int64_t Residency::ArrivalAt(const Item& item, int32_t pe) const {
  if (IsVector(item.kind) && IsInputOf(instance_, item.kind) && placement_[item.i] == pe) {
    return 0;
  }
  if (item.kind == ItemKind::kP && placement_[item.i] == pe &&
      softmax_end_[item.i] != kNever) {
    return softmax_end_[item.i];
  }
  auto it = arrival_.find(ResidencyKey(item, pe));
  return it == arrival_.end() ? kNever : it->second;
}

int64_t Residency::Record(const Item& item, int32_t pe, int64_t t) {
  const int64_t before = ArrivalAt(item, pe);
  if (t < before) arrival_[ResidencyKey(item, pe)] = t;
  return before;
}

}  // namespace attnsched
