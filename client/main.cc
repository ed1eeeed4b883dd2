// attnsched: the command-line client (local mode: the library runs in-process).
#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/arg_parser.h"
#include "client/commands.h"

namespace attnsched::cli {

int ReportError(absl::string_view command, const absl::Status& status) {
  std::cerr << "attnsched " << command << ": " << status.message() << "\n";
  return status.code() == absl::StatusCode::kInternal ? kExitInvalid : kExitUsage;
}

namespace {

int Dispatch(int argc, char** argv) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argc, argv);
  if (!args.ok()) {
    std::cerr << "attnsched: " << args.status().message() << "\n";
    return kExitUsage;
  }
  if (args->help) {
    std::cout << HelpText();
    return kExitOk;
  }
  if (args->positional.empty()) {
    std::cerr << "attnsched: give a subcommand (generate, verify, models); attnsched --help\n";
    return kExitUsage;
  }
  const std::string command = args->positional.front();
  const std::vector<std::string> operands(args->positional.begin() + 1, args->positional.end());
  if (command == "generate") return RunGenerate(operands);
  if (command == "verify") return RunVerify(operands);
  if (command == "models") return RunModels(operands);
  std::cerr << "attnsched: unknown subcommand \"" << command
            << "\"; the subcommands are generate, verify, models (attnsched --help)\n";
  return kExitUsage;
}

}  // namespace
}  // namespace attnsched::cli

int main(int argc, char** argv) { return attnsched::cli::Dispatch(argc, argv); }
