// A schedule as a timeline in the Chrome trace event format (the JSON object form
// that chrome://tracing and Perfetto's UI open; docs/pictures.md):
//   {"displayTimeUnit": "ns", "otherData": {...}, "traceEvents": [
//     {"ph": "M", ...}                       process and track names, sort order
//     {"ph": "X", "pid": 0, "tid": 2, "ts": 12, "dur": 2, "name": "dot(3,5)",
//      "cat": "dot", "args": {"i": 3, "j": 5}}, ...
//     {"ph": "C", "pid": 0, "name": "words on PE 2", "ts": 12, "args": {"words": 40}}]}
// Tracks (pid, tid): (0, p) the compute unit of PE p; (0, m + p) the FREEs of PE p;
// (1, p) the link p -> (p + 1) mod m. One cycle is one trace microsecond ("ts",
// "dur"). A slice's args give the head (with heads), i and j (when the name has
// them), and for a transfer the words, the receiver (to_pe) and the arrival cycle.
// Counters give the words resident on each PE (ValidationOptions::on_words).
//
// Bounded output: `aggregate` merges each track's consecutive events of one kind
// into one slice ("dot x37", from the first start to the last end, args events and
// busy_cycles) and leaves the counters out (they change with nearly every event); a
// window [from, to) keeps the events that overlap it (a FREE: whose cycle lies in
// it). More than max_events trace events (slices and counter samples) is an error,
// before the output grows past them.
//
// The writer is an event sink (event_sink.h): the events of a valid schedule (it
// indexes its tracks by PE: hand it what the validator accepts) in start order, each
// formatted as it arrives (aggregated slices when they close), so memory is O(m).
// Example:
//   TraceWriter trace(problem, {}, out);
//   ValidationOptions check;
//   check.on_accepted = [&](const Event& e) { return trace.Write(e, 0); };
//   check.on_words = [&](int64_t t, int32_t pe, int64_t w) { trace.Words(t, pe, w); };
//   ASSIGN_OR_RETURN(ValidationReport report, Validate(source, check));
//   if (report.valid()) RETURN_IF_ERROR(trace.Finish(source.status()));
#ifndef ATTNSCHED_LIB_EXPORT_TRACE_H_
#define ATTNSCHED_LIB_EXPORT_TRACE_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lib/base/text_buffer.h"
#include "lib/schedule/event_sink.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

// The default for TraceOptions::max_events and the CLI's --max-trace-events: about
// 1 GB of JSON, about what Perfetto's UI loads at once.
inline constexpr int64_t kDefaultMaxTraceEvents = 10'000'000;

struct TraceOptions {
  int64_t from = 0;  // cycles: the window [from, to)
  int64_t to = kMaxStart;
  bool aggregate = false;  // merge consecutive events of one kind per track
  int64_t max_events = kDefaultMaxTraceEvents;  // slices and counter samples
};

class TraceWriter final : public EventSink {
 public:
  // `out` must outlive the writer. Writes the header.
  TraceWriter(const Problem& problem, const TraceOptions& options, std::ostream& out);

  // An event, in start order. ResourceExhaustedError past max_events trace events;
  // DataLossError when `out` fails.
  absl::Status Write(const Event& event, int64_t index) override;
  // `words` resident on `pe` from `cycle` on (ValidationOptions::on_words), in cycle
  // order: a counter sample when it changed.
  void Words(int64_t cycle, int32_t pe, int64_t words);
  absl::Status Finish(const absl::Status& source_status) override;

  int64_t slices() const { return slices_; }
  // The latest end of the events written so far (a transfer may end after the
  // makespan, which counts operations).
  int64_t last_end() const { return last_end_; }
  int64_t samples() const { return samples_count_; }  // counter samples

 private:
  // A track's open aggregate: its events so far.
  struct Open {
    Event first, last;
    int64_t end = 0, events = 0, busy = 0;
  };
  struct Sample {
    int64_t words = -1;  // the last value seen; -1 before the first
    bool shown = false;  // a sample inside the window was written
  };

  static int64_t Track(const Problem& problem, const Event& e);
  bool InWindow(const Event& e, int64_t end) const;
  absl::Status Slice(const Event& e, int64_t end, const Open* merged);
  void Name(int64_t track, int32_t pe);  // the track's metadata
  absl::Status Close(Open& open);
  void Counter(int64_t cycle, int32_t pe, int64_t words);
  absl::Status Flush();
  // ResourceExhaustedError once more than max_events trace events were made.
  absl::Status CheckLimit() const;

  const Problem problem_;
  const TraceOptions options_;
  std::ostream& out_;
  std::vector<Open> open_;       // per track (aggregate)
  std::vector<Sample> samples_;  // per PE
  std::vector<bool> named_;      // per track: its metadata was written
  TextBuffer buffer_;
  int64_t slices_ = 0, samples_count_ = 0;
  int64_t last_end_ = 0;
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_EXPORT_TRACE_H_
