// EventStream: an append-only sequence of events read once from the front, whose
// memory goes back to the operating system as it is read.
//
// The plan compiler (lib/algorithms/plan.h) writes one stream per compute unit and
// per link, and MergeSortedStreams (schedule.h) reads them into one list. With plain
// vectors both copies are alive at the end of the merge (the per-unit streams and the
// list: 830 MB for the 17.3 M events of Llama-2-7B); freeing a stream's front as it is
// read keeps the peak near one copy. The storage is blocks of kBlockEvents events,
// each its own anonymous mapping (mmap), unmapped as soon as its last event is read:
// the general-purpose allocator would keep small freed blocks in its heap, where they
// still count as resident.
//
// Not thread-safe; movable, not copyable.
#ifndef ATTNSCHED_LIB_SCHEDULE_EVENT_STREAM_H_
#define ATTNSCHED_LIB_SCHEDULE_EVENT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

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

// Merges streams that are each in canonical order (one per compute unit and one per
// link) into one list in canonical order, reading each from its front: O(E log S) for
// S streams, by a tree of losers (Knuth, TAOCP vol. 3, section 5.4.1).
std::vector<Event> MergeSortedStreams(std::vector<EventStream> streams);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_EVENT_STREAM_H_
