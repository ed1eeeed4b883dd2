#include "server/sat_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "lib/status_macros.h"

extern char** environ;

namespace attnsched::server {
namespace {

using internal::SatJobOutput;

constexpr absl::Duration kPollInterval = absl::Milliseconds(5);
constexpr uint32_t kMaxOutputBytes = 1u << 30;  // far above any witness the limits allow

// A started worker: its pid and the ends of its stdin and stdout pipes we keep.
// The destructor kills and reaps a child still running (no zombies, no strays).
class Child {
 public:
  ~Child() {
    Close(to_child_);
    Close(from_child_);
    if (pid_ > 0) Kill();
  }

  absl::Status Spawn(const std::string& path) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return Errno("pipe");
    if (pipe2(out, O_CLOEXEC) != 0) {
      Close(in[0]);
      Close(in[1]);
      return Errno("pipe");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    // The child starts with no signal blocked and SIGPIPE at its default, whatever
    // the server's threads do.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, pipe;
    sigemptyset(&none);
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &pipe);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
    const int rc = posix_spawn(&pid_, path.c_str(), &actions, &attributes, argv, environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    Close(in[0]);
    Close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
    fcntl(to_child_, F_SETFL, fcntl(to_child_, F_GETFL) | O_NONBLOCK);
    if (rc != 0) {
      pid_ = -1;
      return absl::UnavailableError(absl::StrCat("cannot start the SAT worker ", path, ": ",
                                                 std::strerror(rc),
                                                 " (see attnsched-server --sat_worker)"));
    }
    return absl::OkStatus();
  }

  // Waits up to `timeout` for the pipes, then writes what the child's stdin takes of
  // `job` from `written` on (closing it when all is written) and appends what its
  // stdout has to `buffer`. Never blocks beyond `timeout`, so a child that reads
  // nothing cannot hold the caller. False once the child's stdout is at end of file.
  absl::StatusOr<bool> Pump(absl::Duration timeout, const std::string& job, size_t& written,
                            std::string& buffer) {
    pollfd fds[2] = {{from_child_, POLLIN, 0}, {to_child_, POLLOUT, 0}};
    const nfds_t count = to_child_ >= 0 ? 2 : 1;
    const int ms =
        static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(timeout), 0, 1000));
    if (poll(fds, count, ms) < 0) {
      return errno == EINTR ? absl::StatusOr<bool>(true) : Errno("poll");
    }
    if (count == 2 && fds[1].revents != 0) RETURN_IF_ERROR(Write(job, written));
    if (fds[0].revents == 0) return true;
    char chunk[1 << 16];
    const ssize_t n = read(from_child_, chunk, sizeof chunk);
    if (n < 0) {
      return errno == EINTR || errno == EAGAIN ? absl::StatusOr<bool>(true) : Errno("read");
    }
    buffer.append(chunk, static_cast<size_t>(n));
    return n > 0;
  }

  // After end of file: reaps the child, polling `stop` (a non-OK status ends the
  // wait and the destructor kills the child); OK for exit status 0.
  absl::Status Reap(const std::function<absl::Status()>& stop) {
    int status = 0;
    for (pid_t done = 0; done != pid_;) {
      done = waitpid(pid_, &status, WNOHANG);
      if (done < 0 && errno != EINTR) return Errno("waitpid");
      if (done == pid_) break;
      RETURN_IF_ERROR(stop());
      absl::SleepFor(absl::Milliseconds(1));
    }
    pid_ = -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
    if (WIFSIGNALED(status)) {
      // Killed from outside (the kernel's out-of-memory killer, an operator) or
      // crashed: another attempt may succeed.
      return absl::UnavailableError(absl::StrCat(
          "the SAT worker process died of signal ", WTERMSIG(status), " (",
          strsignal(WTERMSIG(status)), "; SIGKILL is usually the out-of-memory killer: "
          "lower --max_sat_memory_bytes or raise the memory limit)"));
    }
    return absl::InternalError(
        absl::StrCat("the SAT worker exited with status ", WEXITSTATUS(status)));
  }

  void Kill() {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

 private:
  // Writes what the pipe takes without blocking. A child that exited without reading
  // (EPIPE) is not an error here: its exit status says what happened.
  absl::Status Write(const std::string& job, size_t& written) {
    const ssize_t n = write(to_child_, job.data() + written, job.size() - written);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return absl::OkStatus();
    if (n < 0 && errno != EPIPE) return Errno("writing the job to the SAT worker");
    written = n < 0 ? job.size() : written + static_cast<size_t>(n);
    if (written == job.size()) Close(to_child_);
    return absl::OkStatus();
  }

  static void Close(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  static absl::Status Errno(absl::string_view what) {
    return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
  }

  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
};

// Calls on_output for every complete delimited message at the front of `buffer` and
// removes them.
absl::Status ParseOutputs(std::string& buffer,
                          const std::function<void(const SatJobOutput&)>& on_output) {
  size_t pos = 0;
  while (pos < buffer.size()) {
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(buffer.data() + pos),
                                              static_cast<int>(buffer.size() - pos));
    uint32_t length = 0;
    if (!in.ReadVarint32(&length)) break;  // the length itself is not complete yet
    if (length > kMaxOutputBytes) {
      return absl::InternalError(absl::StrCat("the SAT worker announced a message of ", length,
                                              " bytes (not a SatJobOutput stream)"));
    }
    const size_t header = static_cast<size_t>(in.CurrentPosition());
    if (buffer.size() - pos - header < length) break;
    SatJobOutput out;
    if (!out.ParseFromArray(buffer.data() + pos + header, static_cast<int>(length))) {
      return absl::InternalError("the SAT worker wrote a message that is not a SatJobOutput");
    }
    on_output(out);
    pos += header + length;
  }
  buffer.erase(0, pos);
  return absl::OkStatus();
}

}  // namespace

absl::Status RunInWorkerProcess(const std::string& worker_path, const internal::SatJob& job,
                                const sat::CancelToken& cancel, absl::Time deadline,
                                const std::function<void(const SatJobOutput&)>& on_output) {
  Child child;
  if (absl::Status s = child.Spawn(worker_path); !s.ok()) return s;
  const std::string bytes = job.SerializeAsString();
  size_t written = 0;
  std::string buffer;
  // Polled between waits; the destructor kills the child on every early return.
  auto stop = [&]() -> absl::Status {
    if (cancel.cancelled()) return absl::CancelledError("the SAT job was cancelled");
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError("the SAT job ran past its deadline");
    }
    return absl::OkStatus();
  };
  for (bool open = true; open;) {
    RETURN_IF_ERROR(stop());
    const absl::Duration left = std::min(deadline - absl::Now(), kPollInterval);
    ASSIGN_OR_RETURN(open, child.Pump(left, bytes, written, buffer));
    RETURN_IF_ERROR(ParseOutputs(buffer, on_output));
  }
  if (!buffer.empty()) {
    return absl::InternalError("the SAT worker's output ends in the middle of a message");
  }
  absl::Status exit = child.Reap(stop);
  if (!absl::IsInternal(exit) && !absl::IsUnavailable(exit)) return exit;
  return absl::Status(exit.code(), absl::StrCat(exit.message(), " (", worker_path, ")"));
}

absl::Status CheckWorker(const std::string& worker_path) {
  const sat::CancelToken never;
  int outputs = 0;
  bool answered = false;
  const absl::Status run = RunInWorkerProcess(
      worker_path, internal::SatJob{}, never, absl::Now() + absl::Seconds(5),
      [&](const SatJobOutput& out) {
        ++outputs;
        answered = out.has_error() && absl::StrContains(out.error().message(), "neither");
      });
  if (run.ok() && outputs == 1 && answered) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--sat_worker: ", worker_path, " does not answer as attnsched-sat-worker does (",
      run.ok() ? absl::StrCat(outputs, " outputs to an empty job") : std::string(run.message()),
      "); install attnsched-sat-worker beside attnsched-server or name it with --sat_worker"));
}

}  // namespace attnsched::server
