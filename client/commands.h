// The subcommands of the attnsched command. Each returns the process exit status:
// 0 success, 1 an invalid schedule, a failed numeric check, or (prove) an improvable
// one, 2 bad arguments or a bad file, 3 (solve, prove) a limit reached. Output goes
// to stdout, errors to stderr.
#ifndef ATTNSCHED_CLIENT_COMMANDS_H_
#define ATTNSCHED_CLIENT_COMMANDS_H_

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/sat/encoder.h"
#include "lib/schedule/schedule.h"

namespace attnsched::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnknown = 3;  // solve, prove: a time limit or deadline struck

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
// unreachable (exit 2). For container health checks and probes.
int RunHealth(const Invocation& call);

// OK when every flag given applies to `command` (one of `allowed`); otherwise an
// InvalidArgumentError naming the flag and the subcommands it belongs to.
absl::Status CheckFlagsApply(absl::string_view command, const std::vector<std::string>& given,
                             std::initializer_list<absl::string_view> allowed);

// In remote mode, InvalidArgumentError naming the first flag given of `local_only`
// (flags only local mode honours; the server has its own); OK otherwise.
absl::Status RefuseLocalOnlyFlags(absl::string_view command, const Invocation& call,
                                  std::initializer_list<absl::string_view> local_only);

// --max-events, checked to be >= 1.
absl::StatusOr<int64_t> MaxEventsFlag();

// For subcommands that read one schedule FILE: checks the flags against `allowed`
// and the operands, and reads the file.
absl::StatusOr<Schedule> ReadScheduleOperand(absl::string_view command, const Invocation& call,
                                             std::initializer_list<absl::string_view> allowed);

// --max-sat-variables and --max-sat-clauses.
sat::EncodeLimits SatLimitsFlags();

// solve and prove, before any work: in remote mode, refuses the flags only local mode
// honours (--proof, --plan-evaluations, --max-sat-variables, --max-sat-clauses; the
// server has its own); and refuses output files (`outputs`, e.g. {"out", "proof"})
// that could not be written, so a long search's answer is not lost at the end.
// `outputs`: (flag, path) pairs; an empty path is not written and passes.
absl::Status CheckSatFlags(
    absl::string_view command, const Invocation& call,
    std::initializer_list<std::pair<absl::string_view, std::string>> outputs);

// Prints "attnsched COMMAND: message" to stderr and returns the exit status for
// `status`: kExitInvalid for internal errors (a bug), kExitUnknown for an RPC whose
// --deadline passed, kExitUsage otherwise.
int ReportError(absl::string_view command, const absl::Status& status);

}  // namespace attnsched::cli

#endif  // ATTNSCHED_CLIENT_COMMANDS_H_
