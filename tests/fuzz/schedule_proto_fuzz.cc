// libFuzzer harness: schedules in binary (Protobuf) form, as the service reads them.
// The first byte chooses the reader; the rest is its input:
//   even: one attnsched.v1.Schedule message, converted by rpc::ScheduleFromProto
//         (ProveOptimality's schedule; GenerateResponse's in the CLI's remote mode);
//   odd:  a stream of attnsched.v1.ScheduleChunk messages, each preceded by its length
//         as a varint (Protobuf's delimited format), events or the runs of the compact
//         form, read through rpc::ChunkEventSource as VerifySchedule (server),
//         StreamSchedule (CLI) and the binary schedule file (after its first line) do,
//         with the last chunk's summary converted by rpc::SummaryFromProto.
// A schedule that converts is validated, summarised and round-tripped (fuzz_util.h).
#include <cstddef>
#include <cstdint>

#include "attnsched/v1/chunks.h"
#include "attnsched/v1/convert.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "tests/fuzz/fuzz_util.h"

namespace attnsched::fuzz {
namespace {

void OneMessage(const uint8_t* data, size_t size) {
  v1::Schedule proto;
  if (!proto.ParseFromArray(data, static_cast<int>(size))) return;
  absl::StatusOr<Schedule> schedule = rpc::ScheduleFromProto(proto);
  if (!schedule.ok()) return;
  CheckProtoRoundTrip(*schedule);
  CheckLikeVerify(*schedule);
}

void ChunkStream(const uint8_t* data, size_t size) {
  google::protobuf::io::ArrayInputStream bytes(data, static_cast<int>(size));
  bool clean_eof = false;
  // A chunk that does not decode ends the input: the server refuses such a call before
  // the source sees it (server/undecodable_request.h).
  auto read = [&](v1::ScheduleChunk& chunk) -> absl::StatusOr<bool> {
    chunk.Clear();  // parsing a delimited message merges into it
    return google::protobuf::util::ParseDelimitedFromZeroCopyStream(&chunk, &bytes, &clean_eof);
  };
  absl::StatusOr<std::unique_ptr<rpc::ChunkEventSource>> source =
      rpc::ChunkEventSource::Open(read, kMaxEvents);
  if (!source.ok()) return;
  Schedule schedule{(*source)->problem(), (*source)->placement(), {}};
  for (; (*source)->Valid(); (*source)->Next()) {
    if (static_cast<int64_t>(schedule.events.size()) >= kMaxEvents) return;
    schedule.events.push_back((*source)->event());
  }
  if (!(*source)->status().ok()) return;
  if ((*source)->summary()) (void)rpc::SummaryFromProto(*(*source)->summary());
  CheckLikeVerify(schedule);
}

}  // namespace
}  // namespace attnsched::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0) {
    attnsched::fuzz::OneMessage(data + 1, size - 1);
  } else {
    attnsched::fuzz::ChunkStream(data + 1, size - 1);
  }
  return 0;
}
