// Command-line parsing over Abseil's flag registry, with the exit-status contract
// of the attnsched command: bad arguments are an error value (the caller exits 2),
// never an exit inside the parser.
#ifndef ATTNSCHED_CLIENT_ARG_PARSER_H_
#define ATTNSCHED_CLIENT_ARG_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace attnsched::cli {

struct ParsedArgs {
  std::vector<std::string> positional;  // subcommand first, then its operands
  std::vector<std::string> flags;       // names of the flags given (underscored)
  bool help = false;
};

// Accepts --flag=value, --flag value, --flag / --noflag for booleans, and "--" to end
// flags. Returns InvalidArgumentError naming the flag for unknown flags and bad values.
absl::StatusOr<ParsedArgs> ParseArgs(int argc, char** argv);

// Usage: the subcommands, then every attnsched flag with its default and help.
std::string HelpText();

}  // namespace attnsched::cli

#endif  // ATTNSCHED_CLIENT_ARG_PARSER_H_
