// EventStream: an append-only sequence of events read once from the front, whose
// memory goes back to the operating system as it is read.
//
// The plan compiler (lib/algorithms/plan.h) writes one stream per compute unit and
// per link, and MergeBefore reads their final events out in canonical order as the
// compilation advances. Freeing a stream's front as it is read keeps the memory near
// the events not yet final. The storage is blocks of kBlockEvents events,
// each its own anonymous mapping (mmap), released as soon as its last event is read:
// the general-purpose allocator would keep small freed blocks in its heap, where they
// still count as resident. Up to 32 released blocks (6 MiB) per thread stay mapped for
// the next block a stream of that thread adds, which then costs no page faults (a
// tenth of a ring compile's time); the rest are unmapped.
//
// Not thread-safe; movable, not copyable.
#ifndef ATTNSCHED_LIB_SCHEDULE_EVENT_STREAM_H_
#define ATTNSCHED_LIB_SCHEDULE_EVENT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

class EventStream {
 public:
  // Events per block: 192 KiB of 24-byte events (48 pages of 4 KiB). A stream read to
  // its end keeps its last, partly filled block until it is destroyed.
  static constexpr size_t kBlockEvents = size_t{1} << 13;

  EventStream() = default;
  EventStream(EventStream&&) noexcept = default;
  EventStream& operator=(EventStream&&) noexcept = default;

  void push_back(const Event& e) {
    if (end_ % kBlockEvents == 0) AddBlock();
    blocks_.back().get()[end_ % kBlockEvents] = e;
    ++end_;
  }
  bool empty() const { return begin_ == end_; }
  size_t size() const { return end_ - begin_; }
  // The k-th event appended (k counts from the first ever, read or not); it must not
  // have been read past. O(1).
  const Event& at_appended(size_t k) const {
    return blocks_[k / kBlockEvents - first_block_].get()[k % kBlockEvents];
  }
  const Event& front() const { return at_appended(begin_); }
  // Drops the front event, and its block once every event of it is read.
  void pop_front() {
    if (++begin_ % kBlockEvents == 0) ReleaseFrontBlock();
  }

 private:
  struct Unmap {
    void operator()(Event* block) const;
  };
  using Block = std::unique_ptr<Event, Unmap>;

  void AddBlock();
  void ReleaseFrontBlock();

  std::vector<Block> blocks_;  // blocks first_block_, first_block_ + 1, ...
  size_t first_block_ = 0;     // index (over all blocks ever) of blocks_[0]
  size_t begin_ = 0, end_ = 0; // appended events read, and appended
};

// Appends to `out`, in canonical order, the events of `streams` that start before
// `limit`, reading them from the streams' fronts. The streams must be ranked: the
// starts within a stream strictly increase, and of two events with the same start the
// one of the lower stream goes first (the plan compiler's streams: the compute unit of
// PE p at 2p, the link from p at 2p + 1; streams without events may be left out). So a merge compares start cycles only:
// O(S + E log S) for S streams and E events, by a tree of losers (Knuth, TAOCP
// vol. 3, section 5.4.1). The compiler calls it with the cycle before which every
// event is final; kMaxStart + 1 merges everything.
void MergeBefore(absl::Span<EventStream* const> streams, int64_t limit, std::vector<Event>& out);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_EVENT_STREAM_H_
