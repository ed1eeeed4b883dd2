// Event sinks: consumers that are handed events (push), next to the event sources
// that consumers read (pull, event_source.h). A writer is a sink, so one pass over a
// generated schedule can check it (the validator reads the source) and write it (a
// TeeEventSource hands every event it yields to the writer) without holding it.
//
// Example:
//   ScheduleJsonWriter file(stream->problem(), stream->placement(), out);
//   TeeEventSource tee(*stream, file);
//   CheckSchedule(tee, options);            // reads as far as it needs
//   tee.Drain();                            // the rest, for the file
//   RETURN_IF_ERROR(file.Finish(tee.status()));
#ifndef ATTNSCHED_LIB_SCHEDULE_EVENT_SINK_H_
#define ATTNSCHED_LIB_SCHEDULE_EVENT_SINK_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "lib/schedule/event_source.h"

namespace attnsched {

class EventSink {
 public:
  EventSink() = default;
  EventSink(const EventSink&) = delete;
  EventSink& operator=(const EventSink&) = delete;
  virtual ~EventSink() = default;

  // Takes the next event and its position in the schedule as written
  // (EventSource::index()). An error (the output failed, the other side left) means
  // the sink takes no more.
  virtual absl::Status Write(const Event& event, int64_t index) = 0;
  // Ends the output after the last event. `source_status` is the status of the source
  // the events came from: when it is not OK the output is marked incomplete (as the
  // format allows) and that status is returned.
  virtual absl::Status Finish(const absl::Status& source_status) = 0;
};

// Writes every event of `source` to `sink`, reading the source to its end, then
// finishes the sink: the first error of the sink, or Finish's.
absl::Status WriteAll(EventSource& source, EventSink& sink);

// An event source that reads `inner` and writes every event it yields to `sink`
// before yielding it; a sink error ends the events with status() set to it. Both must
// outlive the tee. Not thread-safe.
class TeeEventSource final : public EventSource {
 public:
  TeeEventSource(EventSource& inner, EventSink& sink);

  const Problem& problem() const override { return inner_.problem(); }
  const Placement& placement() const override { return inner_.placement(); }
  absl::Status status() const override { return status_.ok() ? inner_.status() : status_; }

  // Reads the events the consumer left, so that the sink has them all.
  void Drain() {
    while (Valid()) Next();
  }

 private:
  static constexpr size_t kBlockEvents = 4096;

  Block NextBlock() override;

  EventSource& inner_;
  EventSink& sink_;
  std::vector<Event> events_;
  std::vector<int64_t> indices_;
  absl::Status status_;
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_EVENT_SINK_H_
