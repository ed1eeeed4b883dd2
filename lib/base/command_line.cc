#include "lib/base/command_line.h"

#include <algorithm>
#include "absl/strings/string_view.h"

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace attnsched {
namespace {


// Flags are spelled with dashes on the command line (--max-events).
std::string Dashed(absl::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

bool IsOurs(const absl::CommandLineFlag& flag, absl::string_view owner) {
  return absl::EndsWith(flag.Filename(), owner);
}

bool IsBool(absl::string_view name) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  return flag != nullptr && flag->IsOfType<bool>();
}

// OK when --name is one of the program's flags, or --noname for a boolean one.
absl::Status CheckKnown(absl::string_view name, const CommandLineSpec& program) {
  const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  if (flag != nullptr && IsOurs(*flag, program.flags_file)) return absl::OkStatus();
  if (absl::StartsWith(name, "no")) {
    const absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
    if (negated != nullptr && IsOurs(*negated, program.flags_file) && IsBool(name.substr(2))) {
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown flag --", Dashed(name), "; ",
                                                 program.name, " --help lists the flags"));
}

absl::Status SetFlag(absl::string_view name, absl::string_view value) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  std::string error;
  if (!flag->ParseFrom(value, &error)) {
    return absl::InvalidArgumentError(absl::StrCat("--", Dashed(name), "=", value, ": ", error));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ParsedArgs> ParseArgs(int argc, char** argv, const CommandLineSpec& program) {
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
    if (arg == "version") {
      out.version = true;
      continue;
    }
    const size_t eq = arg.find('=');
    std::string name_storage(arg.substr(0, eq));
    std::replace(name_storage.begin(), name_storage.end(), '-', '_');  // --max-events
    absl::string_view name = name_storage;
    if (absl::Status known = CheckKnown(name, program); !known.ok()) return known;
    std::string value;
    const bool negated = absl::FindCommandLineFlag(name) == nullptr;  // --noname, a boolean
    if (eq != absl::string_view::npos && negated) {
      const std::string flag = Dashed(name.substr(2));
      // --noFLAG=true means FLAG=false: name the two spellings that say so.
      return absl::InvalidArgumentError(absl::StrCat("--no", flag, " takes no value; write --no",
                                                     flag, " or --", flag, "=false (--", flag,
                                                     "=true for the opposite)"));
    }
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (negated) {
      name.remove_prefix(2);
      value = "false";
    } else if (IsBool(name)) {
      value = "true";
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

std::string HelpText(const CommandLineSpec& program) {
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsOurs(*flag, program.flags_file)) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::string text(program.usage);
  for (const absl::CommandLineFlag* f : flags) {
    const std::string def = f->DefaultValue();
    const bool meaningful = !def.empty() && def != "0";
    absl::StrAppend(&text, absl::StrFormat("  --%s%s\n      %s\n", Dashed(f->Name()),
                                           meaningful ? absl::StrCat(" (default: ", def, ")") : "",
                                           f->Help()));
  }
  return text;
}

std::string VersionText(const CommandLineSpec& program) {
  return absl::StrCat(program.name, " ", ATTNSCHED_VERSION, "\n");
}

}  // namespace attnsched
