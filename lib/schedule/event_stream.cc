#include "lib/schedule/event_stream.h"

#include <sys/mman.h>

#include <new>
#include <utility>
#include <vector>

namespace attnsched {

namespace {

// Blocks read to their end, kept mapped for the next block any stream of this thread
// adds: a compiler adds blocks as fast as it reads them, and a fresh mapping costs a
// page fault and a zeroed page every 4 KiB (a tenth of a ring compile's time). At
// most kSpareBlocks (6 MiB) stay resident this way.
constexpr size_t kSpareBlocks = 32;
thread_local std::vector<Event*> spare_blocks;

}  // namespace

void EventStream::Unmap::operator()(Event* block) const {
  if (spare_blocks.size() < kSpareBlocks) {
    spare_blocks.push_back(block);
    return;
  }
  munmap(block, kBlockEvents * sizeof(Event));
}

void EventStream::AddBlock() {
  if (!spare_blocks.empty()) {
    blocks_.emplace_back(spare_blocks.back());
    spare_blocks.pop_back();
    return;
  }
  void* memory = mmap(nullptr, kBlockEvents * sizeof(Event), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();  // as a vector that cannot grow
  blocks_.emplace_back(static_cast<Event*>(memory));
}

void EventStream::ReleaseFrontBlock() {
  blocks_.erase(blocks_.begin());
  ++first_block_;
}

void MergeBefore(absl::Span<EventStream* const> streams, int64_t limit, std::vector<Event>& out) {
  const size_t k = streams.size();
  if (k == 0) return;
  // A stream's front as the tree compares it: its start (or `limit` when it has none
  // before it), then its rank. Nodes hold these keys, not indices into an array of
  // them: a replay reads one array.
  struct Front {
    int64_t key;
    size_t stream;
    bool operator<(const Front& b) const {
      return key < b.key || (key == b.key && stream < b.stream);
    }
  };
  const auto front_of = [&](size_t s) {
    const EventStream& stream = *streams[s];
    return Front{stream.empty() ? limit : std::min(stream.front().start, limit), s};
  };
  // A tree of losers: stream s is leaf k + s of a complete binary tree; each inner
  // node keeps the loser of its match, and `top` the overall winner. Each output
  // replays one leaf-to-root path: log2(k) comparisons.
  std::vector<Front> loser(k), winner(2 * k);
  for (size_t s = 0; s < k; ++s) winner[k + s] = front_of(s);
  for (size_t node = k - 1; node >= 1; --node) {
    const Front& a = winner[2 * node];
    const Front& b = winner[2 * node + 1];
    const bool a_wins = a < b;
    winner[node] = a_wins ? a : b;
    loser[node] = a_wins ? b : a;
  }
  Front top = winner[1];  // with one stream, its leaf
  while (top.key < limit) {
    EventStream& stream = *streams[top.stream];
    out.push_back(stream.front());
    stream.pop_front();
    const size_t leaf = top.stream;
    top = front_of(leaf);
    for (size_t node = (k + leaf) / 2; node >= 1; node /= 2) {
      if (loser[node] < top) std::swap(loser[node], top);
    }
  }
}

}  // namespace attnsched
