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
#include "absl/status/statusor.h"
#include "absl/types/span.h"
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

  // What an implementation yields at a time: events in start order and their
  // positions in the schedule as written, indices[k] for events[k], or first + k when
  // `indices` is empty.
  struct Block {
    absl::Span<const Event> events;
    int64_t first = 0;
    absl::Span<const int64_t> indices;
  };

  // True while the source is positioned at an event.
  bool Valid() const { return position_ < block_.events.size(); }
  // REQUIRES: Valid(). The current event.
  const Event& event() const { return block_.events[position_]; }
  // REQUIRES: Valid(). The event's position in the schedule as written (its index in
  // the list or the file), which violations report as event_index.
  int64_t index() const {
    return block_.indices.empty() ? block_.first + static_cast<int64_t>(position_)
                                  : block_.indices[position_];
  }
  // REQUIRES: Valid(). Moves to the next event.
  void Next() {
    if (++position_ == block_.events.size()) Refill();
  }
  // The event `k` positions after the current one, when the current block holds it;
  // else null. For consumers that prefetch what a coming event will read (the
  // validator); it never reads ahead of the block.
  const Event* Lookahead(size_t k) const {
    return position_ + k < block_.events.size() ? &block_.events[position_ + k] : nullptr;
  }
  // OK while reading and after a complete read; otherwise why the events ended early.
  virtual absl::Status status() const = 0;

 protected:
  // Implementations yield events in blocks (a chunk, a list), so that the calls above
  // are inline and one virtual call serves a block. An implementation calls Refill()
  // once, when it can yield its first events (at the end of its construction).
  void Refill() {
    position_ = 0;
    block_ = NextBlock();
  }
  // The next block: at least one event, or none at the end (or on an error, which
  // status() then reports). Its spans stay valid until the next call.
  virtual Block NextBlock() = 0;

 private:
  Block block_;
  size_t position_ = 0;
};

// The events of a list in start order, in blocks: the whole list when it is sorted
// by start already, else blocks of kBlockEvents gathered through a stable sort of
// indices (O(E log E) time, 4 bytes per event). The list must outlive this object
// and not change. For sources over a list (VectorEventSource, a held chunk stream).
class ListBlocks {
 public:
  static constexpr size_t kBlockEvents = 4096;

  explicit ListBlocks(const std::vector<Event>& events);
  // The next block, indexed by list position; empty at the end.
  EventSource::Block Next();

 private:
  const std::vector<Event>& events_;
  std::vector<uint32_t> order_;     // StartOrder of the events; empty when sorted
  std::vector<Event> gathered_;     // the current block, when not sorted
  std::vector<int64_t> positions_;  // its list positions
  size_t end_ = 0;                  // the current block's end in the order
};

// The adaptor over a materialised schedule: its events in start order; index() is
// the position in Schedule::events.
class VectorEventSource final : public EventSource {
 public:
  // Borrows `schedule`, which must outlive the source and not change.
  explicit VectorEventSource(const Schedule& schedule);
  // Owns `schedule`.
  explicit VectorEventSource(Schedule&& schedule);

  const Problem& problem() const override { return schedule_->problem; }
  const Placement& placement() const override { return schedule_->placement; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  Block NextBlock() override { return blocks_.Next(); }

  std::optional<Schedule> owned_;
  const Schedule* schedule_;
  ListBlocks blocks_;
};

// Reads `source` to its end into a schedule (events in the source's order), with room
// reserved for `expected` events; the source's status() if it fails.
absl::StatusOr<Schedule> ReadWhole(EventSource& source, int64_t expected = 0);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_EVENT_SOURCE_H_
