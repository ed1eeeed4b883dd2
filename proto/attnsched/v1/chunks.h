// A schedule as a stream of ScheduleChunk messages (scheduler.proto), both ways, with
// the stream's integrity checked as it is read: chunks in order, the problem and the
// placement only in the first chunk, no more events than the first chunk announced,
// all of them before the end, and, for a stream declared in start order, each event
// no earlier than the one before. gRPC's synchronous readers end a stream the same
// way whether the client finished or a chunk failed to decode, so the announced
// total is what tells a truncated stream from a complete one. The same messages,
// length-delimited, are the binary schedule file (binary_file.h).
//
// Example (a server validating a client stream as it arrives):
//   ASSIGN_OR_RETURN(auto source, ChunkEventSource::Open(
//       [&](v1::ScheduleChunk& c) -> absl::StatusOr<bool> { return reader->Read(&c); },
//       max_events));
//   ASSIGN_OR_RETURN(ValidationReport report, Validate(*source));
// Not thread-safe.
#ifndef ATTNSCHED_PROTO_ATTNSCHED_V1_CHUNKS_H_
#define ATTNSCHED_PROTO_ATTNSCHED_V1_CHUNKS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "attnsched/v1/scheduler.pb.h"
#include "lib/model/task_graph.h"
#include "lib/schedule/event_runs.h"
#include "lib/schedule/event_sink.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/schedule.h"

namespace attnsched::rpc {

// events_total of a stream in start order whose sender does not know its events in
// advance (a JSON file read as it is sent); its last chunk is marked `last`.
inline constexpr int64_t kUnknownTotal = -1;

// The most events and runs one chunk may carry (attnsched's writers send at most
// 65,536): a chunk is parsed whole, about 150 bytes of memory per event.
inline constexpr int64_t kMaxChunkRecords = int64_t{1} << 17;

// Reads the next chunk into its argument: true, false at the end of the stream, or
// an error saying why the stream broke (a chunk that does not decode in a file).
using ReadChunk = std::function<absl::StatusOr<bool>(v1::ScheduleChunk&)>;

// A chunk stream as an event source (lib/schedule/event_source.h). A stream declared
// in start order is read chunk by chunk as the consumer advances: memory is one
// chunk. A compact stream (runs, lib/schedule/event_runs.h) is expanded as it is
// read: memory is one chunk and the runs that overlap (at most
// RunExpander::kDefaultMaxHeld). Any other stream is read whole at Open (its
// events_total within `max_events`) and sorted by start, as VectorEventSource does.
// index() is an event's Event.index when it has one, else its position in the stream
// (in the expanded stream, for a compact one).
class ChunkEventSource final : public EventSource {
 public:
  // Reads the first chunk (a stream not in start order: all chunks). Errors:
  // InvalidArgumentError naming the chunk and the rule ("chunks[3].problem: only the
  // first chunk carries the problem", "chunks[2]: chunk_index = 5, expected 2", "the
  // stream ended after chunks[4] with 200000 of 250000 events: a chunk was lost or
  // could not be decoded"), "problem: missing" for an empty stream, the problem's or
  // placement's own errors, "chunks[0].compact: needs start_order", a compact stream's
// runs ("chunks[1].runs[7].count = 0: ...", a first event before the previous run's,
// more runs overlapping than the limit, a run longer than the task graph's
// operations or items of its kind), a chunk of more than kMaxChunkRecords events and
// runs, `read`'s errors, ResourceExhaustedError when a stream to
  // hold in memory announces more than `max_events` events. `admit`, if given, is
  // called once the first chunk is checked, with the problem and the events the source
  // will hold (events_total for a stream not in start order, else 0), before it holds
  // them; its error ends Open (a server's memory budget).
  using Admit = std::function<absl::Status(const Problem& problem, int64_t events_held)>;
  static absl::StatusOr<std::unique_ptr<ChunkEventSource>> Open(ReadChunk read,
                                                               int64_t max_events,
                                                               const Admit& admit = nullptr);

  const Problem& problem() const override { return problem_; }
  const Placement& placement() const override { return placement_; }
  absl::Status status() const override { return status_; }

  // The last chunk's summary (StreamSchedule's), once the source has read it.
  const std::optional<v1::ScheduleSummary>& summary() const { return summary_; }
  // The events the first chunk announced; kUnknownTotal when it did not know them.
  int64_t events_total() const { return events_total_; }
  // The first chunk's simulate and seed (VerifySchedule's request), with their defaults.
  bool simulate() const { return simulate_; }
  uint64_t seed() const { return seed_; }

 private:
  explicit ChunkEventSource(ReadChunk read) : read_(std::move(read)) {}
  absl::Status ReadHeader(int64_t max_events, const Admit& admit);
  // Reads chunk_; false at the end of the stream.
  absl::StatusOr<bool> ReadChunkChecked();
  absl::Status CheckChunk(const v1::ScheduleChunk& chunk) const;
  // Event k of chunk_; errors name it "chunks[c].events[k]".
  absl::StatusOr<Event> ChunkEvent(int k) const;
  // Converts chunk_'s events into block_ (and checks their order).
  absl::Status ConvertChunk();
  // Adds chunk_'s runs to expander_ (and checks them).
  absl::Status AddRuns();
  // The next block of a compact stream's expanded events.
  Block NextExpandedBlock();
  absl::Status ReadAllAndSort();
  // OK when the stream delivered events_total events.
  absl::Status CheckComplete() const;
  Block NextBlock() override;

  ReadChunk read_;
  Problem problem_;
  Placement placement_;
  std::optional<v1::ScheduleSummary> summary_;
  int64_t events_total_ = 0;
  bool last_seen_ = false;  // the last chunk read is marked last
  bool simulate_ = true;
  uint64_t seed_ = 1;
  int64_t chunks_ = 0;    // chunks read
  int64_t received_ = 0;  // events converted
  google::protobuf::Arena arena_;
  v1::ScheduleChunk* chunk_ = nullptr;  // the last chunk read, on arena_
  bool first_pending_ = false;   // chunk_ is the first chunk, not converted yet
  std::vector<Event> block_;     // chunk_'s events
  std::vector<int64_t> indices_;  // their Event.index values, when any has one
  int64_t block_first_ = 0;       // the stream position of block_[0]
  int64_t last_start_ = 0;        // of the last event converted
  absl::Status status_;
  std::optional<RunExpander> expander_;    // a compact stream
  OperationCounts operations_;             // of problem_, for a compact stream's runs
  bool ended_ = false;                     // a compact stream read to its end
  int64_t expanded_ = 0;                   // events handed out of expander_
  std::optional<Schedule> held_;           // a stream not in start order
  std::optional<ListBlocks> held_blocks_;  // its events in start order
};

// How a ChunkWriter sends events: one by one (ScheduleChunk.events), or as the runs of
// the compact form (ScheduleChunk.runs).
enum class ChunkForm { kEvents, kRuns };

// Writes events (in start order) as chunks of at most `chunk_events` events (or runs),
// the last marked `last`: the first with the problem, the placement, events_total (or
// kUnknownTotal), start_order and compact; the last with the summary, if one is set
// by then. An event whose index is not its position in the stream carries it
// (Event.index), so a receiver reports the same event_index as the sender; the
// compact form numbers events in canonical order instead. `write` returns false
// when the other side ended the call: Write and Finish then return CancelledError.
// Finish with a failed source status sends no last chunk (the receiver sees a stream
// short of events_total) and returns that status.
class ChunkWriter final : public EventSink {
 public:
  using WriteChunk = std::function<bool(const v1::ScheduleChunk&)>;
  ChunkWriter(const Problem& problem, const Placement& placement, int64_t events_total,
              int64_t chunk_events, WriteChunk write, ChunkForm form = ChunkForm::kEvents);
  // The summary for the last chunk (StreamSchedule's: known once the schedule is
  // generated and checked).
  void set_summary(v1::ScheduleSummary summary) { summary_ = std::move(summary); }
  absl::Status Write(const Event& event, int64_t index) override;
  absl::Status Finish(const absl::Status& source_status) override;

 private:
  absl::Status Send(bool last);
  absl::Status AddRun(const EventRun& run);

  const int64_t chunk_events_;
  const WriteChunk write_;
  const Problem problem_;  // names and times the events on the wire
  std::optional<v1::ScheduleSummary> summary_;
  v1::ScheduleChunk chunk_;
  int64_t chunks_ = 0;   // chunks sent
  int64_t written_ = 0;  // events written
  std::optional<RunEncoder> runs_;  // ChunkForm::kRuns
};

// Sends the events of `source` (`events_total` of them, or kUnknownTotal) through a
// ChunkWriter, with `summary` (if any) in the last chunk. Returns false when `write`
// returns false or the source fails (then `*error` is its status, if `error` is
// given).
bool WriteChunks(EventSource& source, int64_t events_total, int64_t chunk_events,
                 const v1::ScheduleSummary* summary,
                 const std::function<bool(const v1::ScheduleChunk&)>& write,
                 absl::Status* error = nullptr);

}  // namespace attnsched::rpc

#endif  // ATTNSCHED_PROTO_ATTNSCHED_V1_CHUNKS_H_
