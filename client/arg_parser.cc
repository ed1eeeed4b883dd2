#include "client/arg_parser.h"

#include <algorithm>
#include "absl/strings/string_view.h"

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace attnsched::cli {
namespace {

constexpr absl::string_view kUsage =
    "attnsched: schedules of self-attention on a one-way ring of PEs\n"
    "\n"
    "usage:\n"
    "  attnsched generate (--model NAME | --scheme S --n N --d D) --pes M [--seed S]\n"
    "                     [--placement block|cyclic|zigzag|h0,h1,...] [--json] [--out FILE]\n"
    "                     [--nosimulate] [--max-events E] [--search-events E]\n"
    "                     [--link-words W --link-cycles C --link-latency A]\n"
    "      generate, validate and simulate a schedule for any n and m; print its\n"
    "      summary. n, d <= 1048576, m <= 65536, costs and link parameters <= 1048576.\n"
    "  attnsched verify FILE [--json] [--seed S] [--nosimulate] [--max-events E]\n"
    "      check a schedule file; exit 0 valid, 1 invalid, 2 bad file or arguments\n"
    "  attnsched models [--json]\n"
    "      list the model presets and their sources\n"
    "  attnsched solve (--scheme S --n N --d D | --model NAME) --pes M\n"
    "                  [--placement block|cyclic|zigzag|free|generator|h0,h1,...]\n"
    "                  [--time-limit S]\n"
    "                  [--proof FILE] [--dimacs FILE] [--out FILE] [--json]\n"
    "                  [--max-sat-variables V] [--max-sat-clauses C]\n"
    "      the optimal makespan by SAT (CaDiCaL), a witness and an UNSAT proof for one\n"
    "      cycle less; exit 0 optimal, 3 a limit was reached (for small n and m)\n"
    "  attnsched prove FILE [--proof FILE] [--time-limit S] [--out FILE] [--json]\n"
    "                  [--max-events E] [--max-sat-variables V] [--max-sat-clauses C]\n"
    "      OPTIMAL (exit 0), IMPROVABLE with a better schedule (exit 1) or UNKNOWN (3)\n"
    "  attnsched health --server HOST:PORT\n"
    "      the server's gRPC health: SERVING (exit 0), NOT_SERVING (1), unreachable (2)\n"
    "\n"
    "generate, verify, solve and prove run in-process, or on attnsched-server with\n"
    "--server HOST:PORT (--tls-ca FILE, --deadline SECONDS); the output is the same.\n"
    "\n"
    "flags:\n";

// Flags are spelled with dashes on the command line (--max-events).
std::string Dashed(absl::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

bool IsOurs(const absl::CommandLineFlag& flag) {
  return absl::StrContains(flag.Filename(), "client/flags.cc");
}

// OK when --name (or --noname for a boolean) is an attnsched flag.
absl::Status CheckKnown(absl::string_view name) {
  for (absl::string_view candidate : {name, absl::StartsWith(name, "no") ? name.substr(2) : name}) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(candidate);
    if (flag != nullptr && IsOurs(*flag)) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown flag --", Dashed(name), "; attnsched --help lists the flags"));
}

absl::Status SetFlag(absl::string_view name, absl::string_view value) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  std::string error;
  if (!flag->ParseFrom(value, &error)) {
    return absl::InvalidArgumentError(absl::StrCat("--", Dashed(name), "=", value, ": ", error));
  }
  return absl::OkStatus();
}

bool IsBool(absl::string_view name) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  return flag != nullptr && flag->IsOfType<bool>();
}

}  // namespace

absl::StatusOr<ParsedArgs> ParseArgs(int argc, char** argv) {
  ParsedArgs out;
  bool flags_done = false;
  for (int k = 1; k < argc; ++k) {
    absl::string_view arg = argv[k];
    if (flags_done || !absl::StartsWith(arg, "-") || arg == "-") {
      out.positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    arg.remove_prefix(absl::StartsWith(arg, "--") ? 2 : 1);
    if (arg == "help" || arg == "h") {
      out.help = true;
      continue;
    }
    const size_t eq = arg.find('=');
    std::string name_storage(arg.substr(0, eq));
    std::replace(name_storage.begin(), name_storage.end(), '-', '_');  // --max-events
    absl::string_view name = name_storage;
    if (absl::Status known = CheckKnown(name); !known.ok()) return known;
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (IsBool(name)) {
      value = "true";
    } else if (absl::StartsWith(name, "no") && IsBool(name.substr(2))) {
      name.remove_prefix(2);
      value = "false";
    } else if (k + 1 < argc) {
      value = argv[++k];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", Dashed(name), " needs a value"));
    }
    if (absl::Status s = SetFlag(name, value); !s.ok()) return s;
    out.flags.emplace_back(name);
  }
  if (!out.positional.empty() && out.positional.front() == "help") out.help = true;
  return out;
}

std::string HelpText() {
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsOurs(*flag)) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::string text(kUsage);
  for (const absl::CommandLineFlag* f : flags) {
    const std::string def = f->DefaultValue();
    const bool meaningful = !def.empty() && def != "0";
    absl::StrAppend(&text, absl::StrFormat("  --%s%s\n      %s\n", Dashed(f->Name()),
                                           meaningful ? absl::StrCat(" (default: ", def, ")") : "",
                                           f->Help()));
  }
  return text;
}

}  // namespace attnsched::cli
