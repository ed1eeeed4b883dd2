#include "lib/schedule/event_sink.h"

namespace attnsched {

absl::Status WriteAll(EventSource& source, EventSink& sink) {
  for (; source.Valid(); source.Next()) {
    if (absl::Status s = sink.Write(source.event(), source.index()); !s.ok()) return s;
  }
  return sink.Finish(source.status());
}

TeeEventSource::TeeEventSource(EventSource& inner, EventSink& sink) : inner_(inner), sink_(sink) {
  Refill();
}

EventSource::Block TeeEventSource::NextBlock() {
  events_.clear();
  indices_.clear();
  for (; inner_.Valid() && events_.size() < kBlockEvents && status_.ok(); inner_.Next()) {
    status_ = sink_.Write(inner_.event(), inner_.index());
    if (!status_.ok()) break;
    events_.push_back(inner_.event());
    indices_.push_back(inner_.index());
  }
  if (!status_.ok()) return {};
  return {events_, 0, indices_};
}

}  // namespace attnsched
