#include "attnsched/v1/binary_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "lib/status_macros.h"

namespace attnsched::rpc {

struct BinaryScheduleFile::Stream {
  std::ifstream file;
  std::unique_ptr<google::protobuf::io::IstreamInputStream> input;
  int64_t chunks = 0;   // read whole
  bool broken = false;  // a chunk did not decode

  // The next chunk; false at the end of the file or at a chunk that does not decode.
  bool Read(v1::ScheduleChunk& chunk) {
    chunk.Clear();  // parsing a delimited message merges into it
    bool clean_eof = false;
    if (google::protobuf::util::ParseDelimitedFromZeroCopyStream(&chunk, input.get(),
                                                                 &clean_eof)) {
      ++chunks;
      return true;
    }
    broken = !clean_eof;
    return false;
  }

  // `s`, or what broke the file when a chunk did not decode.
  absl::Status Explain(const absl::Status& s) const {
    if (s.ok() || !broken) return s;
    return absl::InvalidArgumentError(absl::StrCat(
        "chunks[", chunks, "] does not decode (a truncated or corrupted file?)"));
  }
};

BinaryScheduleFile::BinaryScheduleFile(std::unique_ptr<Stream> stream)
    : stream_(std::move(stream)) {}

BinaryScheduleFile::~BinaryScheduleFile() = default;

absl::Status BinaryScheduleFile::status() const { return stream_->Explain(chunks_->status()); }

absl::Status WriteBinarySchedule(EventSource& source, int64_t events_total, std::ostream& out) {
  out << kBinaryMagic;
  google::protobuf::io::OstreamOutputStream stream(&out);
  absl::Status read;
  const bool written = WriteChunks(
      source, events_total, kBinaryChunkEvents, nullptr,
      [&stream](const v1::ScheduleChunk& chunk) {
        return google::protobuf::util::SerializeDelimitedToZeroCopyStream(chunk, &stream);
      },
      &read);
  RETURN_IF_ERROR(read);
  if (!written || !out) return absl::DataLossError("writing the schedule failed (disk full?)");
  return absl::OkStatus();
}

bool IsBinaryScheduleFile(absl::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  std::string head(kBinaryMagic.size(), '\0');
  return in.read(head.data(), static_cast<std::streamsize>(head.size())) && head == kBinaryMagic;
}

absl::StatusOr<std::unique_ptr<BinaryScheduleFile>> OpenBinarySchedule(absl::string_view path,
                                                                       int64_t max_events) {
  auto stream = std::make_unique<BinaryScheduleFile::Stream>();
  stream->file.open(std::string(path), std::ios::binary);
  if (!stream->file) {
    return absl::NotFoundError(
        absl::StrCat("cannot open schedule file ", path, " (", std::strerror(errno), ")"));
  }
  std::string head(kBinaryMagic.size(), '\0');
  if (!stream->file.read(head.data(), static_cast<std::streamsize>(head.size())) ||
      head != kBinaryMagic) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a binary schedule file (it does not begin with ",
                     absl::CEscape(kBinaryMagic), ")"));
  }
  stream->input = std::make_unique<google::protobuf::io::IstreamInputStream>(&stream->file);
  BinaryScheduleFile::Stream* raw = stream.get();
  std::unique_ptr<BinaryScheduleFile> file(new BinaryScheduleFile(std::move(stream)));
  absl::StatusOr<std::unique_ptr<ChunkEventSource>> chunks = ChunkEventSource::Open(
      [raw](v1::ScheduleChunk& chunk) { return raw->Read(chunk); }, max_events);
  if (!chunks.ok()) {
    const absl::Status s = raw->Explain(chunks.status());
    return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
  }
  file->chunks_ = *std::move(chunks);
  return file;
}

}  // namespace attnsched::rpc
