// A schedule (SPEC sections 4 and 10.6): problem, placement and a list of events
//   OP(start, pe, operation)     the PE's compute unit runs `operation` from `start`
//   XFER(start, from_pe, item)   the link from_pe -> (from_pe+1) mod m carries `item`
//   FREE(start, pe, item)        `item` stops being resident on `pe` at `start`
// Times are cycles from 0. Durations are not stored: they follow from the problem.
#ifndef ATTNSCHED_LIB_SCHEDULE_SCHEDULE_H_
#define ATTNSCHED_LIB_SCHEDULE_SCHEDULE_H_

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "lib/model/placement.h"
#include "lib/model/problem.h"
#include "lib/model/task_graph.h"

namespace attnsched {

enum class EventType : uint8_t { kOp, kXfer, kFree };

// Largest |start| of an event, in cycles: start + any duration (< 2^41) never
// overflows.
inline constexpr int64_t kMaxStart = int64_t{1} << 62;

// One event, 24 bytes. For kOp, `kind` is an OpKind and (i, j) index the operation;
// for kXfer and kFree, `kind` is an ItemKind and (i, j) index the item; `pe` is the
// sender of a transfer, the PE that drops a freed item.
struct Event {
  int64_t start = 0;
  int32_t pe = 0;
  int32_t i = 0;
  int32_t j = 0;
  EventType type = EventType::kOp;
  uint8_t kind = 0;

  static Event Op(int64_t start, int32_t pe, const Operation& op) {
    return Event{start, pe, op.i, op.j, EventType::kOp, static_cast<uint8_t>(op.kind)};
  }
  static Event Xfer(int64_t start, int32_t from_pe, const Item& item) {
    return Event{start, from_pe, item.i, item.j, EventType::kXfer,
                 static_cast<uint8_t>(item.kind)};
  }
  static Event Free(int64_t start, int32_t pe, const Item& item) {
    return Event{start, pe, item.i, item.j, EventType::kFree, static_cast<uint8_t>(item.kind)};
  }
  bool is_op() const { return type == EventType::kOp; }
  bool is_xfer() const { return type == EventType::kXfer; }
  bool is_free() const { return type == EventType::kFree; }
  Operation op() const { return Operation{static_cast<OpKind>(kind), i, j}; }
  Item item() const { return Item{static_cast<ItemKind>(kind), i, j}; }
  friend bool operator==(const Event&, const Event&) = default;
};

// When an event ends and who receives it (SPEC sections 3 and 10.5), in cycles:
//   OP    end = start + Duration(op); the result is on the PE from `end`
//   XFER  end = start + TransferDuration(item): the link is free again then;
//         arrival = end + link_latency: the item is resident on `receiver`, the
//         PE after the sender, (pe + 1) mod m
//   FREE  end = arrival = start; receiver -1
// Files and the wire carry `end` and `receiver` (and `arrival`) for their readers;
// this is where they come from.
struct EventTiming {
  int64_t end = 0;
  int64_t arrival = 0;  // XFER: when the receiver holds the item; else end
  int32_t receiver = -1;
};
inline EventTiming TimingOf(const Problem& problem, const Event& e) {
  if (e.is_op()) {
    const int64_t end = e.start + Duration(problem, e.op());
    return {end, end, -1};
  }
  if (e.is_free()) return {e.start, e.start, -1};
  const int64_t end = e.start + TransferDuration(problem, e.item());
  return {end, end + problem.machine.link_latency,
          static_cast<int32_t>((e.pe + 1) % problem.pes())};
}

// Writes the event's operation or item name ("dot(3,5)", "k[1](5)") at `out`, which
// has room for kMaxNameBytes; returns the end.
inline char* WriteEventName(const Instance& inst, const Event& e, char* out) {
  return e.is_op() ? WriteOperationName(inst, e.op(), out) : WriteItemName(inst, e.item(), out);
}

// "dot(3,5) on PE 2", "transfer of k(5) on link 1->2" or "free of k(5) on PE 2".
std::string DescribeEvent(const Problem& problem, const Event& event);

struct Schedule {
  Problem problem;
  Placement placement;
  std::vector<Event> events;
};

// The makespan in cycles: the largest start + duration over operation events (0
// when there are none). Events must have valid operations.
int64_t Makespan(const Schedule& schedule);

// Indices of `events` stably sorted by start; empty when already sorted
// (VectorEventSource's order).
std::vector<uint32_t> StartOrder(const std::vector<Event>& events);

// The canonical order: start cycle, then PE, operations before transfers, then
// the operation or item. (Inline: merges and sorts of millions of events call it.)
inline bool CanonicalLess(const Event& a, const Event& b) {
  if (a.start != b.start) return a.start < b.start;
  return std::tie(a.pe, a.type, a.kind, a.i, a.j) < std::tie(b.pe, b.type, b.kind, b.i, b.j);
}

// Sorts events into the canonical order.
void SortEvents(std::vector<Event>& events);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_SCHEDULE_H_
