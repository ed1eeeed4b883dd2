#include "lib/schedule/event_source.h"

#include <utility>

namespace attnsched {

VectorEventSource::VectorEventSource(const Schedule& schedule)
    : schedule_(&schedule), order_(StartOrder(schedule.events)) {}

VectorEventSource::VectorEventSource(Schedule&& schedule)
    : owned_(std::move(schedule)), schedule_(&*owned_), order_(StartOrder(owned_->events)) {}

}  // namespace attnsched
