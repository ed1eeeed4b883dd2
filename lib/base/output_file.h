// An output file that appears whole or not at all. It is written to a temporary file
// beside the target (same directory, so the rename stays on one file system) and
// renamed over the target only once every write and the close succeeded; a failed
// or abandoned output leaves the target as it was and no temporary behind. A target
// that exists and is not a regular file (a device such as /dev/null or /dev/full, a
// FIFO) is written in place: it cannot be replaced, but its write errors still count.
// A process stopped by SIGINT, SIGTERM or SIGHUP removes the temporary too
// (temporary_files.h).
//
// Example:
//   ASSIGN_OR_RETURN(OutputFile out, OutputFile::Create("--out", path));
//   std::ofstream stream(out.write_path());
//   ... write ...;  stream.close();
//   RETURN_IF_ERROR(out.Commit(!stream.fail()));
// Errors name the flag, the path and the cause ("--out = /x/y.json: cannot be written
// (No space left on device)"). Move-only; not thread-safe.
#ifndef ATTNSCHED_LIB_BASE_OUTPUT_FILE_H_
#define ATTNSCHED_LIB_BASE_OUTPUT_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace attnsched {

class OutputFile {
 public:
  // Checks that `path` can be created (its directory exists and is writable, or it
  // is an existing special file) and picks the temporary name. Creates nothing.
  static absl::StatusOr<OutputFile> Create(absl::string_view flag, const std::string& path);

  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();  // removes the temporary unless committed

  // Where to write: the temporary, or the target itself for a special file.
  const std::string& write_path() const { return write_path_; }

  // `written`: every write and the close of write_path() succeeded. Renames the
  // temporary over the target, or removes it and returns DataLossError saying so
  // (with errno's text when `written` failed on an errno). Call once.
  absl::Status Commit(bool written);

 private:
  OutputFile(std::string flag, std::string path, std::string write_path);
  void RemoveTemporary();

  std::string flag_, path_, write_path_;
  bool done_ = false;
  int slot_ = -1;  // RegisterTemporary's, while the temporary may exist
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_BASE_OUTPUT_FILE_H_
