#include "lib/schedule/relabel.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace attnsched {

TokenRelabeling::TokenRelabeling(const Placement& placement)
    : original_(placement.size()), canonical_(placement.size()) {
  std::iota(original_.begin(), original_.end(), 0);
  std::stable_sort(original_.begin(), original_.end(),
                   [&](int32_t a, int32_t b) { return placement[a] < placement[b]; });
  canonical_placement_.reserve(placement.size());
  for (size_t c = 0; c < original_.size(); ++c) {
    canonical_[original_[c]] = static_cast<int32_t>(c);
    canonical_placement_.push_back(placement[original_[c]]);
  }
}

bool TokenRelabeling::identity() const {
  for (size_t c = 0; c < original_.size(); ++c) {
    if (original_[c] != static_cast<int32_t>(c)) return false;
  }
  return true;
}

Schedule TokenRelabeling::Rename(const Schedule& schedule, const std::vector<int32_t>& to) {
  const bool shared = schedule.problem.instance.shared;
  Schedule out{schedule.problem, Placement(schedule.placement.size()), schedule.events};
  for (size_t i = 0; i < to.size(); ++i) out.placement[to[i]] = schedule.placement[i];
  for (Event& e : out.events) {
    const bool pair = e.is_op() ? e.op().kind != OpKind::kSoftmax : !IsVector(e.item().kind);
    e.i = to[e.i];
    if (!pair) continue;
    e.j = to[e.j];
    // Shared dots and scores are named by the unordered pair (min, max).
    const bool unordered = e.is_op() ? e.op().kind == OpKind::kDot : e.item().kind == ItemKind::kS;
    if (shared && unordered && e.i > e.j) std::swap(e.i, e.j);
  }
  SortEvents(out.events);
  return out;
}

}  // namespace attnsched
