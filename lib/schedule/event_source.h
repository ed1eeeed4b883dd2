// An event source: a schedule read as a stream of events in start order, in the
// style of LevelDB's Iterator (include/leveldb/iterator.h). Generators, files and
// the service's chunk streams produce one; the validator, the simulator, the
// writers and the service read one, so a consumer's memory is bounded by the
// machine's state (units, links, resident items), not by the number of events.
//
// Example:
//   VectorEventSource source(schedule);  // borrows `schedule`
//   for (; source.Valid(); source.Next()) Use(source.event(), source.index());
//   RETURN_IF_ERROR(source.status());    // why the stream ended, if not at its end
//
// Contract of every source:
//   - problem() and placement() are set when the source is created and do not change;
//     both stay valid for the source's lifetime;
//   - events come in non-decreasing start order (ties in the schedule's own order);
//   - a source that cannot go on (a read error, a malformed or out-of-order event)
//     turns !Valid() and status() says why, naming the event; one that simply ends
//     has status() OK;
//   - event() stays valid until the next call of Next().
// Sources are not thread-safe; the one who creates a source owns it.
#ifndef ATTNSCHED_LIB_SCHEDULE_EVENT_SOURCE_H_
#define ATTNSCHED_LIB_SCHEDULE_EVENT_SOURCE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

class EventSource {
 public:
  EventSource() = default;
  EventSource(const EventSource&) = delete;
  EventSource& operator=(const EventSource&) = delete;
  virtual ~EventSource() = default;

  virtual const Problem& problem() const = 0;
  virtual const Placement& placement() const = 0;

  // True while the source is positioned at an event.
  virtual bool Valid() const = 0;
  // REQUIRES: Valid(). The current event.
  virtual const Event& event() const = 0;
  // REQUIRES: Valid(). The event's position in the schedule as written (its index in
  // the list or the file), which violations report as event_index.
  virtual int64_t index() const = 0;
  // REQUIRES: Valid(). Moves to the next event.
  virtual void Next() = 0;
  // OK while reading and after a complete read; otherwise why the events ended early.
  virtual absl::Status status() const = 0;
};

// The adaptor over a materialised schedule: its events in start order (a stable sort
// of indices, O(E log E) time and 4 bytes per event, skipped when the list is sorted
// by start already); index() is the position in Schedule::events.
class VectorEventSource final : public EventSource {
 public:
  // Borrows `schedule`, which must outlive the source and not change.
  explicit VectorEventSource(const Schedule& schedule);
  // Owns `schedule`.
  explicit VectorEventSource(Schedule&& schedule);

  const Problem& problem() const override { return schedule_->problem; }
  const Placement& placement() const override { return schedule_->placement; }
  bool Valid() const override { return k_ < schedule_->events.size(); }
  const Event& event() const override { return schedule_->events[static_cast<size_t>(index())]; }
  int64_t index() const override { return order_.empty() ? k_ : order_[k_]; }
  void Next() override { ++k_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::optional<Schedule> owned_;
  const Schedule* schedule_;
  std::vector<uint32_t> order_;  // StartOrder of the events; empty when sorted
  size_t k_ = 0;
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_EVENT_SOURCE_H_
