// Output files appear whole or not at all: a failed write leaves the target as it was
// and no temporary behind; devices are written in place with their errors seen.
#include "lib/base/output_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t FilesIn(const std::string& dir) {
  size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++count;
  return count;
}

std::string FreshDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/output_file_test_" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(OutputFileTest, ACommittedFileReplacesTheTarget) {
  const std::string dir = FreshDir("commit");
  const std::string path = dir + "/out.json";
  Write(path, "old");
  absl::StatusOr<OutputFile> file = OutputFile::Create("--out", path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_NE(file->write_path(), path);
  Write(file->write_path(), "new");
  EXPECT_EQ(Slurp(path), "old");  // nothing published before the commit
  ASSERT_TRUE(file->Commit(true).ok());
  EXPECT_EQ(Slurp(path), "new");
  EXPECT_EQ(FilesIn(dir), 1u);
}

TEST(OutputFileTest, AFailedWriteKeepsTheTargetAndLeavesNoTemporary) {
  const std::string dir = FreshDir("failed");
  const std::string path = dir + "/out.json";
  Write(path, "old");
  {
    absl::StatusOr<OutputFile> file = OutputFile::Create("--out", path);
    ASSERT_TRUE(file.ok());
    Write(file->write_path(), "half of it");
    const absl::Status s = file->Commit(false);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(s.message()), HasSubstr("--out = " + path + ": writing failed"));
  }
  {
    absl::StatusOr<OutputFile> abandoned = OutputFile::Create("--out", path);
    ASSERT_TRUE(abandoned.ok());
    Write(abandoned->write_path(), "never committed");
  }
  EXPECT_EQ(Slurp(path), "old");
  EXPECT_EQ(FilesIn(dir), 1u);
}

TEST(OutputFileTest, DevicesAreWrittenInPlaceAndBadPathsRefused) {
  absl::StatusOr<OutputFile> null = OutputFile::Create("--proof", "/dev/null");
  ASSERT_TRUE(null.ok());
  EXPECT_EQ(null->write_path(), "/dev/null");
  ASSERT_TRUE(null->Commit(true).ok());
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));  // not replaced
  EXPECT_THAT(std::string(OutputFile::Create("--out", "/nonexistent/x").status().message()),
              HasSubstr("--out = /nonexistent/x: cannot be written (directory /nonexistent does "
                        "not exist)"));
  EXPECT_THAT(std::string(OutputFile::Create("--out", "/tmp").status().message()),
              HasSubstr("it is a directory"));
  // /proc takes no new files, even from root: refused when the output is created, not
  // after the work, and the message names the directory.
  EXPECT_THAT(std::string(OutputFile::Create("--out", "/proc/version").status().message()),
              HasSubstr("--out = /proc/version: cannot be written (no new file can be created "
                        "in /proc: "));
}

}  // namespace
}  // namespace attnsched
