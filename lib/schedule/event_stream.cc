#include "lib/schedule/event_stream.h"

#include <sys/mman.h>

#include <new>
#include <utility>

namespace attnsched {

void EventStream::Unmap::operator()(Event* block) const {
  munmap(block, kBlockEvents * sizeof(Event));
}

void EventStream::AddBlock() {
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
  // key[s]: the start of stream s's front, or `limit` when it has none before it.
  std::vector<int64_t> key(k);
  const auto refresh = [&](size_t s) {
    key[s] = streams[s]->empty() ? limit : std::min(streams[s]->front().start, limit);
  };
  for (size_t s = 0; s < k; ++s) refresh(s);
  // Stream a's front goes before stream b's: the earlier start, then the lower rank.
  const auto before = [&](size_t a, size_t b) { return key[a] < key[b] || (key[a] == key[b] && a < b); };
  // A tree of losers: stream s is leaf k + s of a complete binary tree; each inner
  // node keeps the loser of its match, and `top` the overall winner. Each output
  // replays one leaf-to-root path: log2(k) comparisons.
  std::vector<size_t> loser(k), winner(2 * k);
  for (size_t s = 0; s < k; ++s) winner[k + s] = s;
  for (size_t node = k - 1; node >= 1; --node) {
    const size_t a = winner[2 * node], b = winner[2 * node + 1];
    const bool a_wins = before(a, b);
    winner[node] = a_wins ? a : b;
    loser[node] = a_wins ? b : a;
  }
  size_t top = k == 1 ? 0 : winner[1];
  while (key[top] < limit) {
    out.push_back(streams[top]->front());
    streams[top]->pop_front();
    refresh(top);
    for (size_t node = (k + top) / 2; node >= 1; node /= 2) {
      if (before(loser[node], top)) std::swap(loser[node], top);
    }
  }
}

}  // namespace attnsched
