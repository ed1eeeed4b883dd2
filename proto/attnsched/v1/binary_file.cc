#include "attnsched/v1/binary_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "lib/status_macros.h"

namespace attnsched::rpc {

namespace {

// The open file and the Protobuf stream over it, owned by the source's read function.
struct FileChunks {
  std::ifstream file;
  std::unique_ptr<google::protobuf::io::IstreamInputStream> input;
  int64_t chunks = 0;  // read whole

  // Protobuf's delimited format (as ParseDelimitedFromZeroCopyStream reads it), with
  // the length checked against kMaxChunkBytes before anything is parsed.
  absl::StatusOr<bool> Read(v1::ScheduleChunk& chunk) {
    chunk.Clear();  // parsing merges into it
    google::protobuf::io::CodedInputStream coded(input.get());
    uint64_t size = 0;
    if (!coded.ReadVarint64(&size)) {
      const void* rest = nullptr;
      int available = 0;
      if (!coded.GetDirectBufferPointer(&rest, &available)) return false;  // a clean end
      return Broken("its length is not a varint");
    }
    if (size > kMaxChunkBytes) {
      return Broken(absl::StrCat("its length is ", size, " bytes, above the ", kMaxChunkBytes,
                                 " of a chunk"));
    }
    const auto limit = coded.PushLimit(static_cast<int>(size));
    if (!chunk.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
      return Broken("its bytes are not a ScheduleChunk");
    }
    coded.PopLimit(limit);
    ++chunks;
    return true;
  }

  absl::Status Broken(absl::string_view why) const {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunks[", chunks, "] does not decode: ", why, " (a truncated or corrupted file?)"));
  }
};

}  // namespace

BinaryScheduleWriter::BinaryScheduleWriter(const Problem& problem, const Placement& placement,
                                           int64_t events_total, std::ostream& out,
                                           ChunkForm form)
    : out_((out << kBinaryMagic, out)),
      stream_(std::in_place, &out_),
      chunks_(problem, placement, events_total, kBinaryChunkEvents,
              [this](const v1::ScheduleChunk& chunk) {
                return google::protobuf::util::SerializeDelimitedToZeroCopyStream(chunk, &*stream_);
              },
              form) {}

absl::Status BinaryScheduleWriter::Write(const Event& event, int64_t index) {
  return Written(chunks_.Write(event, index));
}

absl::Status BinaryScheduleWriter::Finish(const absl::Status& source_status) {
  RETURN_IF_ERROR(source_status);
  RETURN_IF_ERROR(Written(chunks_.Finish(source_status)));
  stream_.reset();  // writes what it buffers
  out_.flush();
  return Written(absl::OkStatus());
}

absl::Status BinaryScheduleWriter::Written(const absl::Status& status) const {
  if (status.ok() && out_) return absl::OkStatus();
  return absl::DataLossError("writing the schedule failed (disk full?)");
}

absl::Status WriteBinarySchedule(EventSource& source, int64_t events_total, std::ostream& out,
                                 ChunkForm form) {
  BinaryScheduleWriter writer(source.problem(), source.placement(), events_total, out, form);
  return WriteAll(source, writer);
}

bool IsBinaryScheduleFile(absl::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  std::string head(kBinaryMagic.size(), '\0');
  return in.read(head.data(), static_cast<std::streamsize>(head.size())) && head == kBinaryMagic;
}

absl::StatusOr<std::unique_ptr<ChunkEventSource>> OpenBinarySchedule(absl::string_view path,
                                                                     int64_t max_events) {
  auto chunks = std::make_shared<FileChunks>();
  chunks->file.open(std::string(path), std::ios::binary);
  if (!chunks->file) {
    return absl::NotFoundError(
        absl::StrCat("cannot open schedule file ", path, " (", std::strerror(errno), ")"));
  }
  std::string head(kBinaryMagic.size(), '\0');
  if (!chunks->file.read(head.data(), static_cast<std::streamsize>(head.size())) ||
      head != kBinaryMagic) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a binary schedule file (it does not begin with ",
                     absl::CEscape(kBinaryMagic), ")"));
  }
  chunks->input = std::make_unique<google::protobuf::io::IstreamInputStream>(&chunks->file);
  absl::StatusOr<std::unique_ptr<ChunkEventSource>> source = ChunkEventSource::Open(
      [chunks](v1::ScheduleChunk& chunk) { return chunks->Read(chunk); }, max_events);
  if (!source.ok() && chunks->chunks == 0 && absl::IsInvalidArgument(source.status()) &&
      absl::StartsWith(source.status().message(), "problem: missing")) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no chunk follows the first line (an empty binary schedule file)"));
  }
  if (!source.ok()) {
    return absl::Status(source.status().code(),
                        absl::StrCat(path, ": ", source.status().message()));
  }
  return source;
}

}  // namespace attnsched::rpc
