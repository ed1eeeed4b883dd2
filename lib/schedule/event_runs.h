// The compact form of a schedule (docs/schedule-format.md, "Compact form"): runs of
// events that repeat with constant steps, as the periodic part of a schedule does (a
// PE's dots over a received block, a link's blocks in a ring), written in the order of
// their first events and expanded on demand into the canonical event stream.
//
// A run {first, count, start_step, i_step, j_step} stands for the `count` events
//   first with start + k * start_step, i + k * i_step, j + k * j_step, k = 0..count-1,
// all of one kind on one PE or link. A run's events are strictly increasing in the
// canonical order (lib/schedule/schedule.h): start_step > 0, or start_step = 0 and
// (i_step, j_step) > (0, 0). Runs overlap in time: the expander merges them.
//
// Memory: the encoder holds at most `max_pending` runs (open or waiting for an
// earlier run to close), so a reader that adds its runs one by one and takes what is
// final holds at most max_pending + 2 at once; the expander refuses a stream that
// makes it hold more than its `max_held` runs.
//
// Example (a writer, then a reader):
//   RunEncoder encoder(problem.pes, RunEncoder::kDefaultMaxPending,
//                      [&](const EventRun& run) { Send(run); });
//   for (; source.Valid(); source.Next()) encoder.Add(source.event());
//   encoder.Finish();
//   ...
//   RunExpander expander(RunExpander::kDefaultMaxHeld);
//   RETURN_IF_ERROR(expander.Add(run));  // each run read, in order
//   expander.Take(/*all=*/false, 4096, events);  // the events no later run precedes
#ifndef ATTNSCHED_LIB_SCHEDULE_EVENT_RUNS_H_
#define ATTNSCHED_LIB_SCHEDULE_EVENT_RUNS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

struct EventRun {
  Event first;
  int64_t count = 1;       // events, >= 1
  int64_t start_step = 0;  // cycles
  int32_t i_step = 0;
  int32_t j_step = 0;

  // The k-th event, 0 <= k < count.
  Event at(int64_t k) const {
    Event e = first;
    e.start += k * start_step;
    e.i += static_cast<int32_t>(k * i_step);
    e.j += static_cast<int32_t>(k * j_step);
    return e;
  }
  friend bool operator==(const EventRun&, const EventRun&) = default;
};

// OK when `run` stands for events that exist: count >= 1, steps that keep the run in
// canonical order, and a last event whose start lies in [-2^62, 2^62] and whose i and
// j fit 32 bits. InvalidArgumentError naming the field and the rule otherwise
// ("count = 0: a run has at least one event").
absl::Status CheckRun(const EventRun& run);

// Cuts an event stream into runs. Events come in start order (ties in any order: the
// events of one start cycle are sorted canonically before they are cut, so the
// expanded stream is the canonical order of the events given). A run extends while
// the next event of its PE, type and kind continues its steps; runs are emitted in
// the canonical order of their first events, a run at the latest when more than
// `max_pending` runs wait behind it.
class RunEncoder {
 public:
  // 65,536 runs: 2.5 MiB in the encoder and in a reader.
  static constexpr size_t kDefaultMaxPending = size_t{1} << 16;

  using Emit = std::function<absl::Status(const EventRun&)>;
  // `pes`: the problem's PEs (events on others are emitted as runs of one).
  // `rows_per_head`: with heads (lib/model/heads.h) the rows of one head, and a run
  // stays in the head of its first event (names and files index within a head); 0:
  // one head.
  RunEncoder(int64_t pes, size_t max_pending, Emit emit, int64_t rows_per_head = 0);

  // Adds the next event; `emit`'s errors.
  absl::Status Add(const Event& event);
  // Emits every run left; `emit`'s errors. Call once, after the last Add.
  absl::Status Finish();

 private:
  struct Pending {
    EventRun run;
    int64_t lane = -1;  // -1: closed
  };
  static constexpr int64_t kNone = -1;

  absl::Status CutCycle();
  absl::Status Cut(const Event& event);
  // Whether `event` continues `run` (and sets the steps of a run of one).
  bool Extends(EventRun& run, const Event& event) const;
  int64_t LaneOf(const Event& event) const;
  // Emits the closed runs at the front, then closes the front while too many wait.
  absl::Status Flush();

  const int64_t pes_;
  const size_t max_pending_;
  const Emit emit_;
  const int64_t rows_per_head_;
  std::vector<Event> cycle_;         // the events of the current start cycle
  std::vector<int64_t> open_;        // per lane: the sequence number of its open run
  std::deque<Pending> pending_;      // runs by first event; pending_[0] is number base_
  int64_t base_ = 0;
};

// Expands runs given in the canonical order of their first events into the canonical
// event stream, by a binary heap of the runs it holds (O(log R) per event for R runs
// overlapping). Not thread-safe.
class RunExpander {
 public:
  // 2^20 runs held at once: 48 MiB.
  static constexpr size_t kDefaultMaxHeld = size_t{1} << 20;

  explicit RunExpander(size_t max_held) : max_held_(max_held) {}

  // Adds a run (checked with CheckRun by the caller). Errors: InvalidArgumentError when
  // its first event precedes the previous run's ("first: before the previous run's
  // first event (runs come in the order of their first events)"),
  // ResourceExhaustedError when more than `max_held` runs would be held.
  absl::Status Add(const EventRun& run);
  // Appends to `out` at most `max` events in canonical order: those no run added
  // later can precede, or, with `all` (no run follows), any.
  void Take(bool all, size_t max, std::vector<Event>& out);
  bool empty() const { return heap_.empty(); }

 private:
  struct Held {
    Event next;
    int64_t left;  // events from `next` on
    int64_t start_step;
    int32_t i_step, j_step;
  };
  void SiftDown(size_t k);

  const size_t max_held_;
  std::vector<Held> heap_;  // a min-heap by CanonicalLess of `next`
  std::optional<Event> last_first_;  // of the last run added
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_EVENT_RUNS_H_
