// A schedule as a stream of ScheduleChunk messages (scheduler.proto), both ways, with
// the stream's integrity checked as it is read: chunks in order, the problem and the
// placement only in the first chunk, no more events than the first chunk announced,
// and all of them before the end. gRPC's synchronous readers end a stream the same
// way whether the client finished or a chunk failed to decode, so the announced total
// is what tells a truncated stream from a complete one.
//
// Example (a server reading a client stream):
//   ChunkAssembler in(max_events);
//   while (reader->Read(&chunk)) RETURN_IF_ERROR(in.Add(chunk));
//   ASSIGN_OR_RETURN(Schedule s, in.Finish());
// Not thread-safe.
#ifndef ATTNSCHED_PROTO_ATTNSCHED_V1_CHUNKS_H_
#define ATTNSCHED_PROTO_ATTNSCHED_V1_CHUNKS_H_

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "attnsched/v1/scheduler.pb.h"
#include "lib/schedule/schedule.h"

namespace attnsched::rpc {

class ChunkAssembler {
 public:
  // `max_events`: the receiver's event limit (RESOURCE_EXHAUSTED above it).
  explicit ChunkAssembler(int64_t max_events) : max_events_(max_events) {}

  // The next chunk. Errors: InvalidArgumentError naming the chunk and the rule
  // ("chunks[3].problem: only the first chunk carries the problem", "chunks[2]:
  // chunk_index = 5, expected 2"), the problem's or placement's own errors for the
  // first chunk, ResourceExhaustedError when events_total exceeds the limit.
  absl::Status Add(const v1::ScheduleChunk& chunk);

  // The schedule, once the stream has ended. InvalidArgumentError when no chunk came
  // ("problem: missing") or fewer events than announced ("the stream ended after
  // chunks[4] with 200000 of 250000 events: a chunk was lost or could not be decoded").
  absl::StatusOr<Schedule> Finish();

  // The events the first chunk announced (0 before it).
  int64_t events_total() const { return events_total_; }

  // The first chunk's summary (StreamSchedule), once it has arrived.
  const std::optional<v1::ScheduleSummary>& summary() const { return summary_; }

 private:
  const int64_t max_events_;
  int64_t chunks_ = 0;
  int64_t events_total_ = 0;
  std::optional<Schedule> schedule_;
  std::optional<v1::ScheduleSummary> summary_;
};

// Sends `schedule` as chunks of at most `chunk_events` events: the first with the
// problem, the placement, events_total and `summary` (if any). Stops, returning
// false, when `write` returns false (the other side ended the call).
bool WriteChunks(const Schedule& schedule, int64_t chunk_events,
                 const v1::ScheduleSummary* summary,
                 const std::function<bool(const v1::ScheduleChunk&)>& write);

}  // namespace attnsched::rpc

#endif  // ATTNSCHED_PROTO_ATTNSCHED_V1_CHUNKS_H_
