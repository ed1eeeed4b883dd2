#include "lib/base/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/base/temporary_files.h"

namespace attnsched {
namespace {

absl::Status CannotWrite(absl::string_view flag, absl::string_view path, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " = ", path, ": cannot be written (", why, "); give a writable path"));
}

}  // namespace

absl::StatusOr<OutputFile> OutputFile::Create(absl::string_view flag, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path target(path);
  const fs::file_status status = fs::status(target, error);
  if (fs::is_directory(status)) return CannotWrite(flag, path, "it is a directory");
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    if (access(path.c_str(), W_OK) != 0) return CannotWrite(flag, path, std::strerror(errno));
    return OutputFile(std::string(flag), path, path);  // a device or FIFO: in place
  }
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, error)) {
    return CannotWrite(flag, path, absl::StrCat("directory ", dir.string(), " does not exist"));
  }
  if (access(dir.c_str(), W_OK) != 0) return CannotWrite(flag, path, std::strerror(errno));
  const std::string temporary =
      (dir / absl::StrCat(".", target.filename().string(), ".partial-", getpid())).string();
  // Created now, so that a directory that takes no new files (/proc, a read-only
  // mount) is refused before the work, in words that name it.
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return CannotWrite(flag, path, absl::StrCat("no new file can be created in ", dir.string(),
                                                ": ", std::strerror(errno)));
  }
  close(fd);
  return OutputFile(std::string(flag), path, temporary);
}

OutputFile::OutputFile(std::string flag, std::string path, std::string write_path)
    : flag_(std::move(flag)), path_(std::move(path)), write_path_(std::move(write_path)) {
  if (write_path_ != path_) slot_ = RegisterTemporary(write_path_);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : flag_(std::move(other.flag_)),
      path_(std::move(other.path_)),
      write_path_(std::move(other.write_path_)),
      done_(other.done_),
      slot_(std::exchange(other.slot_, -1)) {
  other.done_ = true;
}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    RemoveTemporary();
    flag_ = std::move(other.flag_);
    path_ = std::move(other.path_);
    write_path_ = std::move(other.write_path_);
    done_ = other.done_;
    slot_ = std::exchange(other.slot_, -1);
    other.done_ = true;
  }
  return *this;
}

OutputFile::~OutputFile() { RemoveTemporary(); }

void OutputFile::RemoveTemporary() {
  if (!done_ && write_path_ != path_) std::remove(write_path_.c_str());
  done_ = true;
  UnregisterTemporary(std::exchange(slot_, -1));
}

absl::Status OutputFile::Commit(bool written) {
  const int saved = errno;
  if (!written) {
    RemoveTemporary();
    return absl::DataLossError(absl::StrCat(
        flag_, " = ", path_, ": writing failed (", saved != 0 ? std::strerror(saved) : "I/O error",
        "); nothing was written there"));
  }
  if (write_path_ != path_ && std::rename(write_path_.c_str(), path_.c_str()) != 0) {
    const int cause = errno;
    RemoveTemporary();
    return absl::DataLossError(absl::StrCat(flag_, " = ", path_, ": cannot be replaced (",
                                            std::strerror(cause), ")"));
  }
  done_ = true;
  UnregisterTemporary(std::exchange(slot_, -1));
  return absl::OkStatus();
}

}  // namespace attnsched
