// The subcommands of the attnsched command. Each returns the process exit status:
// 0 success, 1 an invalid schedule, a failed numeric check, or (prove) an improvable
// one, 2 bad arguments, a bad file or a limit refused, 3 (solve, prove) the time
// limit reached, 4 (remote) a refusal worth retrying: the server unreachable or
// shutting down, its SAT queue full, or the --deadline passed. Output goes to stdout,
// errors to stderr (and, with --json, also as a JSON object on stdout).
#ifndef ATTNSCHED_CLIENT_COMMANDS_H_
#define ATTNSCHED_CLIENT_COMMANDS_H_

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "lib/sat/encoder.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/schedule.h"

namespace attnsched::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnknown = 3;  // solve, prove: the time limit struck
inline constexpr int kExitRetry = 4;    // remote: worth retrying (unreachable, busy, deadline)

// A subcommand's arguments: the operands after it and the flags given.
struct Invocation {
  std::vector<std::string> operands;
  std::vector<std::string> flags;  // underscored names, e.g. "max_events"
};

int RunGenerate(const Invocation& call);
int RunVerify(const Invocation& call);
int RunModels(const Invocation& call);
int RunSolve(const Invocation& call);
int RunProve(const Invocation& call);
// attnsched health --server HOST:PORT: SERVING (exit 0), NOT_SERVING (exit 1), or
// unreachable (exit 4). For container health checks and probes.
int RunHealth(const Invocation& call);
// trace, gantt, program: a schedule FILE, or the generate flags' schedule, validated
// and turned into a Perfetto trace (--out), an SVG picture (--out), or per-PE
// programs (stdout or --out); exit 1 for an invalid schedule.
int RunTrace(const Invocation& call);
int RunGantt(const Invocation& call);
int RunProgram(const Invocation& call);

// OK when every flag given applies to `command` (one of `allowed`); otherwise an
// InvalidArgumentError naming the flag and the subcommands it belongs to.
absl::Status CheckFlagsApply(absl::string_view command, const std::vector<std::string>& given,
                             absl::Span<const absl::string_view> allowed);

// In remote mode, InvalidArgumentError naming the first flag given of `local_only`
// (flags only local mode honours; the server has its own); OK otherwise.
absl::Status RefuseLocalOnlyFlags(absl::string_view command, const Invocation& call,
                                  std::initializer_list<absl::string_view> local_only);

// --max-events, checked to be >= 1.
absl::StatusOr<int64_t> MaxEventsFlag();
// --max-operations, checked to be >= 1.
absl::StatusOr<int64_t> MaxOperationsFlag();

// A schedule FILE opened for reading, JSON or binary (told apart by the binary file's
// first line; docs/schedule-format.md), read as the source advances when the file is
// in start order.
struct ScheduleInput {
  std::unique_ptr<EventSource> source;
  int64_t events = -1;  // the events a binary file announces; -1: not known yet
};

// For subcommands that read one schedule FILE: checks the flags against `allowed`
// and the operands, and opens the file (--max-events bounds the events held).
absl::StatusOr<ScheduleInput> OpenScheduleOperand(absl::string_view command, const Invocation& call,
                                                  absl::Span<const absl::string_view> allowed);

// The same, read whole into memory in the file's order (for the SAT engine), within
// --max-events.
absl::StatusOr<Schedule> ReadScheduleOperand(absl::string_view command, const Invocation& call,
                                             absl::Span<const absl::string_view> allowed);

// --max-sat-variables, --max-sat-clauses and --max-sat-memory; InvalidArgumentError
// naming the flag for a value below 1.
absl::StatusOr<sat::EncodeLimits> SatLimitsFlags();

// solve and prove, before any work: in remote mode, refuses the flags only local mode
// honours (--proof, --plan-evaluations, --max-sat-variables, --max-sat-clauses,
// --max-sat-memory; the server has its own); and refuses output files (`outputs`,
// e.g. {"out", "proof"}) that could not be written, or two of which name one file, so
// a long search's answer is not lost at the end.
// `outputs`: (flag, path) pairs; an empty path is not written and passes.
absl::Status CheckSatFlags(
    absl::string_view command, const Invocation& call,
    std::initializer_list<std::pair<absl::string_view, std::string>> outputs);

// For an output flag this answer writes nothing to (--proof without a DRAT proof,
// prove's --out without a better schedule): removes a regular file an earlier run left
// at `path`, so that it is never taken for this answer's (devices such as /dev/null
// stay). An empty path passes.
// DataLossError naming `flag` when the file exists and cannot be removed.
absl::Status RemoveStaleOutput(absl::string_view flag, const std::string& path);

// Prints "attnsched COMMAND: message" to stderr (with --json also
// {"error": {"code", "message", "field", "exit_status"}} on stdout; "field" is the
// field or flag the message names, or null) and returns the exit status for
// `status`: kExitInvalid for internal errors (a bug) and FAILED_PRECONDITION (an
// invalid schedule where a valid one is needed), kExitRetry for UNAVAILABLE and
// DEADLINE_EXCEEDED, kExitUsage otherwise.
int ReportError(absl::string_view command, const absl::Status& status);

}  // namespace attnsched::cli

#endif  // ATTNSCHED_CLIENT_COMMANDS_H_
