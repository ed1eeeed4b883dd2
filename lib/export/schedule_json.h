// The schedule file format, JSON (docs/schedule-format.md):
//   {"format": "attnsched.schedule.v1",
//    "instance": {"n": 8, "d": 2, "scheme": "causal"},
//                (or, for any mask, "segments": "4c,3c,1p" with optional "window": W
//                and "shared": true instead of "scheme"; lib/model/mask_spec.h)
//    "machine": {"pes": 2, "link_words": 1, "link_cycles": 1, "link_latency": 0},
//                (link fields optional, defaults 1, 1, 0; v1's link_words_per_cycle is
//                read as link_words; optional "max_words_per_pe": S, default 0: no limit)
//    "costs": {"c_dot": 2, "c_softmax": 1, "c_axpy": 2},      (optional: defaults)
//    "placement": [0, 1, ...],                                   (h(i), n entries)
//    "event_order": "start",        (optional: the events are in start order)
//    "events": [{"start": 0, "end": 2, "pe": 0, "op": "dot(0,0)"},
//               {"start": 0, "end": 2, "from_pe": 0, "to_pe": 1, "arrival": 2,
//                "item": "k(0)"},
//               {"start": 9, "end": 9, "pe": 1, "free": "k(0)"}, ...]}
// Events use the canonical names of SPEC section 4. "end", "to_pe" and "arrival"
// are output only (TimingOf, schedule.h): the writer gives them; the reader takes
// integers there and ignores them (the cost rules give them), so a file whose starts
// were edited reads as its starts say. Reading streams the events array (the JSON
// document is never held whole).
#ifndef ATTNSCHED_LIB_EXPORT_SCHEDULE_JSON_H_
#define ATTNSCHED_LIB_EXPORT_SCHEDULE_JSON_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/schedule/event_sink.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/schedule.h"
#include "nlohmann/json.hpp"

namespace attnsched {

inline constexpr absl::string_view kScheduleFormat = "attnsched.schedule.v1";

// The "instance" object: n, d and the scheme name when the instance is a v1 scheme,
// else segments, window (when > 0) and shared (when true). The summary's JSON
// carries the same keys.
nlohmann::json InstanceJson(const Instance& inst);

// The value of "event_order" that declares the events in non-decreasing start order.
inline constexpr absl::string_view kStartOrder = "start";

// Writes a schedule as JSON, one event per line, declared in start order (events
// must come in start order): the header at construction, then each event. Finish
// returns DataLossError if the stream fails, or the source's status when it failed
// (the events array is then left open: a reader reports a truncated file).
class ScheduleJsonWriter final : public EventSink {
 public:
  // `out` must outlive the writer.
  ScheduleJsonWriter(const Problem& problem, const Placement& placement, std::ostream& out);
  absl::Status Write(const Event& event, int64_t index) override;
  absl::Status Finish(const absl::Status& source_status) override;

 private:
  std::ostream& out_;
  const Problem problem_;  // names and times the events
  std::string line_;
  bool first_ = true;
};

// Writes the events of `source` with a ScheduleJsonWriter, reading the source to its
// end; Finish's errors.
absl::Status WriteScheduleJson(EventSource& source, std::ostream& out);

// Reads a schedule. Errors are InvalidArgumentError naming the JSON path and the
// rule ("events[12].op: \"dit(1,2)\" is not an operation ...", "malformed JSON at
// byte 5000 (truncated file?)"), or ResourceExhaustedError when the file has more
// than `max_events` events. The problem and placement are checked too; event
// indices are left to the validator (they are rule violations, not format errors).
absl::StatusOr<Schedule> ReadScheduleJson(std::istream& in, int64_t max_events);

// Same, from a file path (NotFoundError if it cannot be opened).
absl::StatusOr<Schedule> ReadScheduleFile(absl::string_view path, int64_t max_events);

// Opens a schedule for reading as an event source (lib/schedule/event_source.h). A
// file that declares "event_order": "start" before "events", with every other key
// (costs included) before the events too, is parsed on a thread of its own as the
// consumer advances: memory is a few batches of 65,536 events, whatever the size, and
// `max_events` does not apply; an event out of order or a malformed byte later in the
// file ends the events with the source's status() naming it. Any other
// file is read whole (within `max_events`) and sorted by start. Errors found before the
// first event are returned as ReadScheduleJson's; the source owns `in`.
absl::StatusOr<std::unique_ptr<EventSource>> OpenScheduleJson(std::unique_ptr<std::istream> in,
                                                              int64_t max_events);

// Same, from a file path (NotFoundError if it cannot be opened); errors found before
// the first event are prefixed with the path.
absl::StatusOr<std::unique_ptr<EventSource>> OpenScheduleFile(absl::string_view path,
                                                              int64_t max_events);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_EXPORT_SCHEDULE_JSON_H_
