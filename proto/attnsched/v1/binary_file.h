// The binary schedule file: the line kBinaryMagic, then the ScheduleChunk messages of
// a schedule stream (chunks.h: the first with the problem, the placement,
// events_total and start_order), each preceded by its length as a varint (Protobuf's
// delimited format, google/protobuf/util/delimited_message_util.h). About 19 bytes per
// event against 49 in JSON (Llama-2-7B's schedule: 324 MB and 855 MB), and read as the
// consumer advances: verifying a binary file holds one chunk of it, whatever its size.
// In the compact form (chunks of runs, lib/schedule/event_runs.h) a ring's file is
// smaller by the length of its runs.
//
// Example:
//   VectorEventSource events(schedule);
//   RETURN_IF_ERROR(WriteBinarySchedule(events, schedule.events.size(), out));
//   ASSIGN_OR_RETURN(std::unique_ptr<ChunkEventSource> in, OpenBinarySchedule(path, limit));
#ifndef ATTNSCHED_PROTO_ATTNSCHED_V1_BINARY_FILE_H_
#define ATTNSCHED_PROTO_ATTNSCHED_V1_BINARY_FILE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "attnsched/v1/chunks.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "lib/schedule/event_source.h"

namespace attnsched::rpc {

inline constexpr absl::string_view kBinaryMagic = "attnsched.schedule.v1.binary\n";

// Events per chunk in a binary file.
inline constexpr int64_t kBinaryChunkEvents = 65'536;

// The longest chunk a reader parses, in bytes (its writers' are below 2 MiB); a longer
// length is refused before anything is allocated for it.
inline constexpr uint64_t kMaxChunkBytes = uint64_t{16} << 20;

// Writes a binary schedule file of `events_total` events (in start order): the magic
// line at construction, then the events, one by one or as the runs of the compact form
// (`form`; ChunkWriter's). Errors: DataLossError when `out` fails (a full disk);
// Finish returns the source's status when it failed (the file then has no last chunk:
// a reader reports it cut short).
class BinaryScheduleWriter final : public EventSink {
 public:
  // `out` must outlive the writer.
  BinaryScheduleWriter(const Problem& problem, const Placement& placement, int64_t events_total,
                       std::ostream& out, ChunkForm form = ChunkForm::kEvents);
  absl::Status Write(const Event& event, int64_t index) override;
  absl::Status Finish(const absl::Status& source_status) override;

 private:
  absl::Status Written(const absl::Status& status) const;

  std::ostream& out_;
  std::optional<google::protobuf::io::OstreamOutputStream> stream_;  // until Finish
  ChunkWriter chunks_;
};

// Writes the `events_total` events of `source` with a BinaryScheduleWriter, reading
// the source to its end; its errors.
absl::Status WriteBinarySchedule(EventSource& source, int64_t events_total, std::ostream& out,
                                 ChunkForm form = ChunkForm::kEvents);

// True when the file at `path` begins with kBinaryMagic (false when it does not, or
// cannot be read: the JSON reader then names the problem).
bool IsBinaryScheduleFile(absl::string_view path);

// The events of a binary schedule file, read chunk by chunk as the consumer advances
// (a file not in start order is held within `max_events` and sorted, as
// ChunkEventSource does); the source owns the open file. Errors: NotFoundError when
// the file cannot be opened, InvalidArgumentError for a file without the magic line
// or a broken stream (naming the chunk: "chunks[4] does not decode: its bytes are not a
// ScheduleChunk (a truncated or corrupted file?)", a length above kMaxChunkBytes, "chunks[2]: chunk_index = 5, expected 2"), prefixed with the
// path. The source's status() carries such errors met later, without the path.
absl::StatusOr<std::unique_ptr<ChunkEventSource>> OpenBinarySchedule(absl::string_view path,
                                                                     int64_t max_events);

}  // namespace attnsched::rpc

#endif  // ATTNSCHED_PROTO_ATTNSCHED_V1_BINARY_FILE_H_
