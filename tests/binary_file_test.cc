// The binary schedule file (proto/attnsched/v1/binary_file.h): round trips on every
// scheme, reading as the consumer advances, and broken files named by chunk.
#include "attnsched/v1/binary_file.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched::rpc {
namespace {

using ::testing::HasSubstr;

std::string PathOf(const std::string& name) {
  return ::testing::TempDir() + "/binary_file_test_" + name;
}

std::string WriteFile(const std::string& name, const std::string& bytes) {
  const std::string path = PathOf(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string BinaryOf(const Schedule& s, ChunkForm form = ChunkForm::kEvents) {
  VectorEventSource events(s);
  std::ostringstream out;
  EXPECT_TRUE(WriteBinarySchedule(events, static_cast<int64_t>(s.events.size()), out, form).ok());
  return out.str();
}

// Every event of the file, in the order the source yields them; the first error.
absl::StatusOr<std::vector<Event>> ReadAll(const std::string& path) {
  absl::StatusOr<std::unique_ptr<ChunkEventSource>> file = OpenBinarySchedule(path, 1 << 20);
  if (!file.ok()) return file.status();
  std::vector<Event> events;
  for (; (*file)->Valid(); (*file)->Next()) events.push_back((*file)->event());
  if (!(*file)->status().ok()) return (*file)->status();
  return events;
}

TEST(BinaryFileTest, EverySchemeRoundTripsInBothForms) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (ChunkForm form : {ChunkForm::kEvents, ChunkForm::kRuns}) {
      const Schedule s = testing::MustGenerate(scheme, 13, 2, 3);
      const std::string path = WriteFile("round_trip", BinaryOf(s, form));
      ASSERT_TRUE(IsBinaryScheduleFile(path));
      absl::StatusOr<std::unique_ptr<ChunkEventSource>> file = OpenBinarySchedule(path, 1 << 20);
      ASSERT_TRUE(file.ok()) << file.status();
      EXPECT_EQ((*file)->placement(), s.placement);
      EXPECT_EQ(Describe((*file)->problem()), Describe(s.problem));
      EXPECT_EQ((*file)->events_total(), static_cast<int64_t>(s.events.size()));
      absl::StatusOr<ValidationReport> report = Validate(**file);
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_TRUE(report->valid());
      EXPECT_EQ(report->stats.makespan, Makespan(s));
      absl::StatusOr<std::vector<Event>> events = ReadAll(path);
      ASSERT_TRUE(events.ok());
      EXPECT_EQ(*events, s.events);  // generated schedules are in canonical order
    }
  }
}

TEST(BinaryFileTest, AFileIsReadAsTheConsumerAdvances) {
  // More events than one chunk: only the first chunk is read at open.
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 512, 2, 4);
  ASSERT_GT(static_cast<int64_t>(s.events.size()), 2 * kBinaryChunkEvents);
  const std::string path = WriteFile("lazy", BinaryOf(s));
  absl::StatusOr<std::unique_ptr<ChunkEventSource>> file = OpenBinarySchedule(path, 1);
  ASSERT_TRUE(file.ok()) << file.status();  // the event limit is for files held whole
  int64_t k = 0;
  for (; (*file)->Valid(); (*file)->Next()) {
    ASSERT_EQ((*file)->index(), k);
    ASSERT_EQ((*file)->event(), s.events[static_cast<size_t>(k)]);
    ++k;
  }
  EXPECT_TRUE((*file)->status().ok()) << (*file)->status();
  EXPECT_EQ(k, static_cast<int64_t>(s.events.size()));
}

TEST(BinaryFileTest, BrokenFilesNameTheChunk) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 512, 2, 4);
  const std::string bytes = BinaryOf(s);
  const std::string truncated = WriteFile("truncated", bytes.substr(0, bytes.size() / 2));
  absl::StatusOr<std::vector<Event>> read = ReadAll(truncated);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(read.status().message()),
              HasSubstr("] does not decode: its bytes are not a ScheduleChunk (a truncated or "
                        "corrupted file?)"));

  const std::string headless = WriteFile("headless", bytes.substr(kBinaryMagic.size()));
  EXPECT_FALSE(IsBinaryScheduleFile(headless));
  EXPECT_THAT(std::string(OpenBinarySchedule(headless, 1 << 20).status().message()),
              HasSubstr("not a binary schedule file"));

  // The magic line alone: no chunk at all.
  const std::string empty = WriteFile("empty", std::string(kBinaryMagic));
  EXPECT_THAT(std::string(OpenBinarySchedule(empty, 1 << 20).status().message()),
              HasSubstr(empty + ": no chunk follows the first line"));

  // Bytes after the last chunk that do not decode (a length of 11 continuation bytes
  // looks like a clean end to Protobuf) are not a clean end.
  const std::string trailing =
      WriteFile("trailing", bytes + std::string(11, '\xff') + bytes.substr(kBinaryMagic.size()));
  EXPECT_THAT(std::string(ReadAll(trailing).status().message()),
              HasSubstr("] does not decode: its length is not a varint"));

  // A length above 16 MiB (here 2^62, which a 32-bit read would wrap to 0) is refused
  // before anything is parsed.
  std::string huge = bytes;
  std::string length;
  uint64_t v = uint64_t{1} << 62;
  for (; v >= 0x80; v >>= 7) length += static_cast<char>((v & 0x7f) | 0x80);
  length += static_cast<char>(v);
  huge.insert(kBinaryMagic.size(), length);
  EXPECT_THAT(std::string(ReadAll(WriteFile("huge", huge)).status().message()),
              HasSubstr("chunks[0] does not decode: its length is 4611686018427387904 bytes, "
                        "above the 16777216 of a chunk"));

  EXPECT_EQ(OpenBinarySchedule(PathOf("absent"), 1 << 20).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace attnsched::rpc
