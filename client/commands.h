// The subcommands of the attnsched command. Each returns the process exit status:
// 0 success, 1 an invalid schedule (or a failed numeric check), 2 bad arguments or
// a bad file. Output goes to stdout, errors to stderr.
#ifndef ATTNSCHED_CLIENT_COMMANDS_H_
#define ATTNSCHED_CLIENT_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace attnsched::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

// `operands` are the positional arguments after the subcommand.
int RunGenerate(const std::vector<std::string>& operands);
int RunVerify(const std::vector<std::string>& operands);
int RunModels(const std::vector<std::string>& operands);

// Prints "attnsched COMMAND: message" to stderr and returns the exit status for
// `status`: kExitInvalid for internal errors (a bug), kExitUsage otherwise.
int ReportError(absl::string_view command, const absl::Status& status);

}  // namespace attnsched::cli

#endif  // ATTNSCHED_CLIENT_COMMANDS_H_
