// Command-line parsing over Abseil's flag registry, shared by attnsched and
// attnsched-server, with their exit-status contract: bad arguments are an error value
// (the caller exits 2), never an exit inside the parser (Abseil's own parser exits 1).
// Flags are spelled with dashes or underscores (--max-events = --max_events).
#ifndef ATTNSCHED_LIB_BASE_COMMAND_LINE_H_
#define ATTNSCHED_LIB_BASE_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace attnsched {

// A program's command line: its name, its usage text, and the source file that
// defines its flags (ABSL_FLAG), e.g. "client/flags.cc"; other flags linked into the
// program are not its to take.
struct CommandLineSpec {
  absl::string_view name;
  absl::string_view usage;
  absl::string_view flags_file;
};

struct ParsedArgs {
  std::vector<std::string> positional;  // e.g. a subcommand first, then its operands
  std::vector<std::string> flags;       // names of the flags given (underscored)
  bool help = false;                    // --help, -h, or the operand "help"
  bool version = false;                 // --version
};

// Accepts --flag=value, --flag value, --flag / --noflag for booleans, and "--" to end
// flags. Returns InvalidArgumentError naming the flag for unknown flags and bad values
// ("--workers=x: ...").
absl::StatusOr<ParsedArgs> ParseArgs(int argc, char** argv, const CommandLineSpec& program);

// The usage text, then every flag of the program with its default and help.
std::string HelpText(const CommandLineSpec& program);

// The project's version, e.g. "attnsched 0.1.0".
std::string VersionText(const CommandLineSpec& program);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_BASE_COMMAND_LINE_H_
