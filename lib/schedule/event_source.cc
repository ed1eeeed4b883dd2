#include "lib/schedule/event_source.h"

#include <algorithm>
#include <utility>

namespace attnsched {

ListBlocks::ListBlocks(const std::vector<Event>& events)
    : events_(events), order_(StartOrder(events)) {}

EventSource::Block ListBlocks::Next() {
  const size_t begin = end_;
  if (order_.empty()) {  // sorted: the whole list is one block
    end_ = events_.size();
    return {absl::MakeConstSpan(events_).subspan(begin), static_cast<int64_t>(begin), {}};
  }
  end_ = std::min(order_.size(), begin + kBlockEvents);
  gathered_.clear();
  positions_.clear();
  for (size_t k = begin; k < end_; ++k) {
    gathered_.push_back(events_[order_[k]]);
    positions_.push_back(order_[k]);
  }
  return {gathered_, 0, positions_};
}

VectorEventSource::VectorEventSource(const Schedule& schedule)
    : schedule_(&schedule), blocks_(schedule.events) {
  Refill();
}

VectorEventSource::VectorEventSource(Schedule&& schedule)
    : owned_(std::move(schedule)), schedule_(&*owned_), blocks_(owned_->events) {
  Refill();
}

absl::StatusOr<Schedule> ReadWhole(EventSource& source, int64_t expected) {
  Schedule schedule{source.problem(), source.placement(), {}};
  schedule.events.reserve(static_cast<size_t>(std::max<int64_t>(expected, 0)));
  for (; source.Valid(); source.Next()) schedule.events.push_back(source.event());
  if (!source.status().ok()) return source.status();
  return schedule;
}

}  // namespace attnsched
