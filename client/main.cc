// attnsched: the command-line client (local mode: the library runs in-process).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/commands.h"
#include "client/flags.h"
#include "attnsched/v1/binary_file.h"
#include "client/remote.h"
#include "lib/base/command_line.h"
#include "lib/base/output_file.h"
#include "lib/export/schedule_json.h"
#include "lib/status_macros.h"
#include "nlohmann/json.hpp"

namespace attnsched::cli {

absl::Status CheckFlagsApply(absl::string_view command, const std::vector<std::string>& given,
                             absl::Span<const absl::string_view> allowed) {
  for (const std::string& flag : given) {
    if (std::find(allowed.begin(), allowed.end(), flag) != allowed.end()) continue;
    std::string name = flag;
    std::replace(name.begin(), name.end(), '_', '-');
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, " does not apply to ", command, " (attnsched --help says which flags do)"));
  }
  // The RPC's flags would be ignored in local mode: refused, as local-only flags are
  // with --server (RefuseLocalOnlyFlags).
  struct RpcFlag {
    absl::string_view flag, name, what;
  };
  for (const auto& [flag, name, what] :
       {RpcFlag{"deadline", "--deadline",
                "the RPC's deadline; --time-limit bounds solve and prove"},
        RpcFlag{"tls_ca", "--tls-ca", "the certificate authority of the server's TLS"}}) {
    if (Remote() || std::find(given.begin(), given.end(), flag) == given.end()) continue;
    return absl::InvalidArgumentError(absl::StrCat(name, " applies with --server only (", what,
                                                   "); drop it, or give --server HOST:PORT"));
  }
  // Durations, whichever subcommand takes them: a positive, finite number of seconds.
  for (const auto& [flag, value] : {std::pair{"--time-limit", absl::GetFlag(FLAGS_time_limit)},
                                    std::pair{"--deadline", absl::GetFlag(FLAGS_deadline)}}) {
    if (!std::isfinite(value) || value <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, " = ", value, ": must be a positive, finite number of seconds"));
    }
  }
  if (const int64_t plans = absl::GetFlag(FLAGS_plan_evaluations); plans < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--plan-evaluations = ", plans, ": must be >= 0 (0 turns the local search off)"));
  }
  return absl::OkStatus();
}

namespace {

// The field or flag an error message starts with: "problem: n = 0: ..." names
// problem.n, "placement[2] = 9: ..." placement[2], "--placement = ...: ..."
// --placement; a message naming none (a sentence first) gives nullopt. A remote
// message's "HOST:PORT: " prefix is skipped.
std::optional<std::string> FieldOf(absl::string_view message) {
  if (const std::string server = absl::GetFlag(FLAGS_server); !server.empty()) {
    absl::ConsumePrefix(&message, absl::StrCat(server, ": "));
  }
  std::vector<std::string> path;
  bool first = true;
  for (absl::string_view part : absl::StrSplit(message, ": ")) {
    // "FILE: events[3].op: ...": the schedule file's path is not a field.
    std::error_code ec;
    if (std::exchange(first, false) && std::filesystem::exists(std::string(part), ec)) continue;
    const size_t equals = part.find(" = ");
    const absl::string_view name = part.substr(0, equals);
    if (name.empty() || name.find(' ') != absl::string_view::npos) break;
    path.emplace_back(name);
    if (equals != absl::string_view::npos) break;  // "name = value": the rule follows
  }
  if (path.empty()) return std::nullopt;
  return absl::StrJoin(path, ".");
}

}  // namespace

absl::Status RefuseLocalOnlyFlags(absl::string_view command, const Invocation& call,
                                  std::initializer_list<absl::string_view> local_only) {
  if (!Remote()) return absl::OkStatus();
  for (const std::string& flag : call.flags) {
    if (std::find(local_only.begin(), local_only.end(), flag) == local_only.end()) continue;
    std::string name = flag;
    std::replace(name.begin(), name.end(), '_', '-');
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, " applies to local mode only (with --server the server applies its own ",
        "limits and settings, attnsched-server's flags such as --sat_race, and writes no files ",
        "here); run ", command, " without --server to use it"));
  }
  return absl::OkStatus();
}

absl::Status CheckSatFlags(
    absl::string_view command, const Invocation& call,
    std::initializer_list<std::pair<absl::string_view, std::string>> outputs) {
  RETURN_IF_ERROR(RefuseLocalOnlyFlags(command, call,
                                       {"proof", "plan_evaluations", "race", "max_sat_variables",
                                        "max_sat_clauses", "max_sat_memory"}));
  std::vector<std::pair<absl::string_view, std::filesystem::path>> seen;
  for (const auto& [flag, path] : outputs) {
    if (path.empty()) continue;
    RETURN_IF_ERROR(OutputFile::Create(absl::StrCat("--", flag), path).status());
    std::error_code ec;
    const std::filesystem::path resolved = std::filesystem::weakly_canonical(path, ec);
    for (const auto& [other, other_path] : seen) {
      if (ec || resolved != other_path) continue;
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, " = ", path, ": the same file as --", other,
                       " (one would overwrite the other); give each output its own path"));
    }
    seen.emplace_back(flag, resolved);
  }
  return absl::OkStatus();
}

absl::Status RemoveStaleOutput(absl::string_view flag, const std::string& path) {
  std::error_code ec;
  // Regular files only: --proof /dev/null must stay a device.
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return absl::OkStatus();
  if (std::filesystem::remove(path, ec)) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat("--", flag, " = ", path,
                   ": this answer writes nothing there, and the file an earlier "
                   "run left cannot be removed (",
                   ec.message(), "); remove it or give another path"));
}

absl::StatusOr<sat::EncodeLimits> SatLimitsFlags() {
  const sat::EncodeLimits limits{absl::GetFlag(FLAGS_max_sat_variables),
                                 absl::GetFlag(FLAGS_max_sat_clauses),
                                 absl::GetFlag(FLAGS_max_sat_memory)};
  for (const auto& [flag, value] : {std::pair{"--max-sat-variables", limits.max_variables},
                                    {"--max-sat-clauses", limits.max_clauses},
                                    {"--max-sat-memory", limits.max_bytes}}) {
    if (value < 1) {
      return absl::InvalidArgumentError(absl::StrCat(flag, " = ", value, ": must be >= 1"));
    }
  }
  return limits;
}

absl::StatusOr<int64_t> MaxOperationsFlag() {
  const int64_t limit = absl::GetFlag(FLAGS_max_operations);
  if (limit >= 1) return limit;
  return absl::InvalidArgumentError(absl::StrCat(
      "--max-operations = ", limit, ": must be >= 1 (operations a task graph may have)"));
}

absl::StatusOr<int64_t> MaxEventsFlag() {
  const int64_t limit = absl::GetFlag(FLAGS_max_events);
  if (limit >= 1) return limit;
  return absl::InvalidArgumentError(
      absl::StrCat("--max-events = ", limit, ": must be >= 1 (events a schedule may have)"));
}

namespace {

// An empty file, or one that begins like a binary schedule but is not one, named as
// such (instead of as malformed JSON).
absl::Status CheckFileStart(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(rpc::kBinaryMagic.size(), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (!in && head.empty() && std::filesystem::is_regular_file(path)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": the file is empty"));
  }
  const absl::string_view prefix = "attnsched.schedule.";
  if (absl::StartsWith(head, prefix) && head != rpc::kBinaryMagic) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": begins like a binary schedule file, but its first line is not ",
        absl::CEscape(rpc::kBinaryMagic), " (a damaged file, or another version)"));
  }
  return absl::OkStatus();
}

}  // namespace

// The one FILE operand of a subcommand reading a schedule, checked, with --max-events
// (--max-operations checked too, and refused with --server: the server checks).
absl::StatusOr<std::pair<std::string, int64_t>> ScheduleOperand(
    absl::string_view command, const Invocation& call,
    absl::Span<const absl::string_view> allowed) {
  RETURN_IF_ERROR(CheckFlagsApply(command, call.flags, allowed));
  if (call.operands.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("needs exactly one schedule FILE, got ", call.operands.size()));
  }
  ASSIGN_OR_RETURN(const int64_t max_events, MaxEventsFlag());
  RETURN_IF_ERROR(MaxOperationsFlag().status());
  RETURN_IF_ERROR(RefuseLocalOnlyFlags(command, call, {"max_operations"}));
  RETURN_IF_ERROR(CheckFileStart(call.operands[0]));
  return std::make_pair(call.operands[0], max_events);
}

absl::StatusOr<ScheduleInput> OpenScheduleOperand(absl::string_view command, const Invocation& call,
                                                  absl::Span<const absl::string_view> allowed) {
  ASSIGN_OR_RETURN(const auto operand, ScheduleOperand(command, call, allowed));
  const auto& [path, max_events] = operand;
  if (rpc::IsBinaryScheduleFile(path)) {
    ASSIGN_OR_RETURN(std::unique_ptr<rpc::ChunkEventSource> file,
                     rpc::OpenBinarySchedule(path, max_events));
    const int64_t events = file->events_total();
    return ScheduleInput{std::move(file), events};
  }
  ASSIGN_OR_RETURN(std::unique_ptr<EventSource> source, OpenScheduleFile(path, max_events));
  return ScheduleInput{std::move(source), -1};
}

absl::StatusOr<Schedule> ReadScheduleOperand(absl::string_view command, const Invocation& call,
                                             absl::Span<const absl::string_view> allowed) {
  ASSIGN_OR_RETURN(const auto operand, ScheduleOperand(command, call, allowed));
  const auto& [path, max_events] = operand;
  if (!rpc::IsBinaryScheduleFile(path)) return ReadScheduleFile(path, max_events);
  ASSIGN_OR_RETURN(std::unique_ptr<rpc::ChunkEventSource> source,
                   rpc::OpenBinarySchedule(path, max_events));
  const auto too_many = [&] {
    return absl::ResourceExhaustedError(absl::StrCat(
        path, ": the schedule has more than ", max_events,
        " events, the event limit; raise --max-events if the machine has the memory"));
  };
  if (source->events_total() > max_events) return too_many();  // known before reading
  Schedule schedule{source->problem(), source->placement(), {}};
  for (; source->Valid(); source->Next()) {
    if (static_cast<int64_t>(schedule.events.size()) >= max_events) return too_many();
    schedule.events.push_back(source->event());
  }
  RETURN_IF_ERROR(source->status());
  return schedule;
}

namespace {

// The library names a problem's fields ("link_latency = 2000000: ..."); generate and
// solve take them as flags, so their errors name the flag ("--link-latency = ...").
std::string WithFlagNames(absl::string_view command, absl::string_view message) {
  if (command != "generate" && command != "solve") return std::string(message);
  std::string prefix;  // remote: "HOST:PORT: " first
  if (const std::string server = absl::GetFlag(FLAGS_server);
      !server.empty() && absl::ConsumePrefix(&message, absl::StrCat(server, ": "))) {
    prefix = absl::StrCat(server, ": ");
  }
  if (absl::ConsumePrefix(&message, "placement: ") || absl::StartsWith(message, "placement[")) {
    absl::ConsumePrefix(&message, "placement");
    return absl::StrCat(prefix, "--placement", absl::StartsWith(message, "[") ? "" : ": ", message);
  }
  for (absl::string_view field :
       {"n", "d", "pes", "window", "tile", "heads", "kv_heads", "link_words", "link_cycles", "link_latency",
        "max_words_per_pe", "c_dot", "c_softmax", "c_axpy"}) {
    if (!absl::StartsWith(message, absl::StrCat(field, " = "))) continue;
    std::string flag = absl::StrCat("--", field);
    std::replace(flag.begin(), flag.end(), '_', '-');
    return absl::StrCat(prefix, flag, message.substr(field.size()));
  }
  return absl::StrCat(prefix, message);
}

}  // namespace

int ReportError(absl::string_view command, const absl::Status& raw) {
  const absl::Status status(raw.code(), WithFlagNames(command, raw.message()));
  std::cerr << "attnsched" << (command.empty() ? "" : " ") << command << ": " << status.message()
            << "\n";
  int exit = kExitUsage;
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kFailedPrecondition) {
    exit = kExitInvalid;
  }
  if (status.code() == absl::StatusCode::kUnavailable ||
      status.code() == absl::StatusCode::kDeadlineExceeded) {
    exit = kExitRetry;
  }
  if (absl::GetFlag(FLAGS_json)) {
    const std::optional<std::string> field = FieldOf(status.message());
    std::cout << nlohmann::json{{"error",
                                 {{"code", absl::StatusCodeToString(status.code())},
                                  {"message", std::string(status.message())},
                                  {"field", field ? nlohmann::json(*field) : nlohmann::json()},
                                  {"exit_status", exit}}}}
                     .dump(2)
              << "\n";
  }
  return exit;
}

namespace {

constexpr absl::string_view kUsage =
    "attnsched: schedules of self-attention on a one-way ring of PEs\n"
    "\n"
    "usage:\n"
    "  attnsched generate (--model NAME | --scheme S --n N --d D | --segments L --d D)\n"
    "                     [--window W] [--shared] [--tile B] --pes M [--seed S]\n"
    "                     [--placement block|cyclic|zigzag|h0,h1,...] [--json]\n"
    "                     [--out FILE [--out-format json|binary|compact]] [--max-words-per-pe S]\n"
    "                     [--nosimulate] [--max-events E] [--max-operations O]\n"
    "                     [--search-events E]\n"
    "                     [--link-words W --link-cycles C --link-latency A]\n"
    "      generate, validate and simulate a schedule for any n and m; print its\n"
    "      summary. n, d <= 1048576, m <= 65536, costs and link parameters <= 1048576.\n"
    "      The mask: --scheme general|shared|causal, or --segments such as 512c,300c,16p\n"
    "      (documents: c causal, b bidirectional, p padding), with a sliding --window W\n"
    "      and --shared inputs (x = q = k = v) for either. --tile B schedules tiles of\n"
    "      B tokens (long contexts); indices and the placement then count tiles.\n"
    "  attnsched verify FILE [--json] [--seed S] [--nosimulate] [--max-events E]\n"
    "                   [--max-operations O]\n"
    "      check a schedule file, JSON or binary, compact or not (told apart by its\n"
    "      first line and first chunk);\n"
    "      exit 0 valid, 1 invalid, 2 bad file or arguments\n"
    "  attnsched models [--json]\n"
    "      list the model presets and their sources\n"
    "  attnsched solve (--scheme S --n N --d D | --segments L --d D | --model NAME)\n"
    "                  [--window W] [--shared] --pes M\n"
    "                  [--placement block|cyclic|zigzag|free|generator|h0,h1,...]\n"
    "                  [--time-limit S] [--race=false]\n"
    "                  [--proof FILE] [--confirm] [--dimacs FILE] [--out FILE] [--json]\n"
    "                  [--max-sat-variables V] [--max-sat-clauses C] [--max-sat-memory B]\n"
    "      the optimal makespan by SAT (CaDiCaL raced against CryptoMiniSat unless\n"
    "      --race=false), a witness and an UNSAT proof for one\n"
    "      cycle less (--confirm: solved again by CryptoMiniSat); exit 0 optimal, 3 a\n"
    "      limit was reached, or --confirm not confirmed in time (for small n and m)\n"
    "  attnsched prove FILE [--proof FILE] [--confirm] [--time-limit S] [--out FILE]\n"
    "                  [--json] [--race=false]\n"
    "                  [--max-operations O] [--max-sat-variables V] [--max-sat-clauses C]\n"
    "                  [--max-sat-memory B]\n"
    "      OPTIMAL (exit 0), IMPROVABLE with a better schedule (exit 1) or UNKNOWN (3)\n"
    "  attnsched health --server HOST:PORT\n"
    "      the server's gRPC health: SERVING (exit 0), NOT_SERVING (1), unreachable (4)\n"
    "  attnsched trace (FILE | generate's flags) --out T.json [--aggregate]\n"
    "                  [--from C] [--to C] [--max-trace-events E]\n"
    "      the schedule as a timeline for Perfetto (ui.perfetto.dev) or chrome://tracing:\n"
    "      a track per PE and per link, a counter of resident words per PE\n"
    "  attnsched gantt (FILE | generate's flags) --out G.svg [--style auto|chart|heatmap]\n"
    "                  [--bins B]\n"
    "      the schedule as an SVG Gantt chart (up to 64 tokens), or a utilisation heat map\n"
    "  attnsched program (FILE | generate's flags) [--pe P] [--noloops] [--json]\n"
    "                    [--out FILE]\n"
    "      each PE's instructions in start order: compute, send, receive, free, with\n"
    "      loops where the schedule repeats; exit 1 (all three) for an invalid schedule\n"
    "\n"
    "generate, verify, solve and prove run in-process, or on attnsched-server with\n"
    "--server HOST:PORT (--tls-ca FILE, --deadline SECONDS); the output is the same.\n"
    "\n"
    "flags:\n";

constexpr CommandLineSpec kProgram{"attnsched", kUsage, "client/flags.cc"};

int Dispatch(int argc, char** argv) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argc, argv, kProgram);
  if (!args.ok()) {
    // --json may be among the arguments the parser did not reach.
    for (int k = 1; k < argc; ++k) {
      if (absl::string_view(argv[k]) == "--json") absl::SetFlag(&FLAGS_json, true);
    }
    return ReportError("", args.status());
  }
  if (args->help || args->version) {
    std::cout << (args->help ? HelpText(kProgram) : VersionText(kProgram));
    return kExitOk;
  }
  if (args->positional.empty()) {
    std::cerr << "attnsched: give a subcommand (generate, verify, models, solve, prove, health, "
                 "trace, gantt, program); attnsched --help\n";
    return kExitUsage;
  }
  const std::string command = args->positional.front();
  const Invocation call{{args->positional.begin() + 1, args->positional.end()}, args->flags};
  // Each subcommand with the limit flags that bound its memory, named when it runs out.
  const struct {
    const char* name;
    int (*run)(const Invocation&);
    const char* memory_flags;
  } kCommands[] = {
      {"generate", RunGenerate, "--max-events or --max-operations"},
      {"verify", RunVerify, "--max-events or --max-operations"},
      {"models", RunModels, ""},
      {"solve", RunSolve, "--max-sat-memory"},
      {"prove", RunProve, "--max-operations or --max-sat-memory"},
      {"health", RunHealth, ""},
      {"trace", RunTrace, "--max-operations"},
      {"gantt", RunGantt, "--max-operations"},
      {"program", RunProgram, "--max-events or --pe"},
  };
  for (const auto& c : kCommands) {
    if (command != c.name) continue;
    try {
      return c.run(call);
    } catch (const std::bad_alloc&) {
      std::cerr << "attnsched " << c.name << ": out of memory; lower " << c.memory_flags
                << " or the sizes\n";
      return kExitUsage;
    }
  }
  std::cerr << "attnsched: unknown subcommand \"" << command
            << "\"; the subcommands are generate, verify, models, solve, prove, health, trace, "
               "gantt, program (attnsched --help)\n";
  return kExitUsage;
}

}  // namespace
}  // namespace attnsched::cli

// Out of memory and write failures end with a message and exit status 2, never an
// abort: stdout is checked after the command (a full disk or a closed pipe).
int main(int argc, char** argv) {
  int status = 0;
  try {
    status = attnsched::cli::Dispatch(argc, argv);
  } catch (const std::bad_alloc&) {  // before a subcommand runs (parsing its flags)
    std::cerr << "attnsched: out of memory\n";
    return attnsched::cli::kExitUsage;
  }
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "attnsched: writing the output failed (disk full or closed pipe?)\n";
    return attnsched::cli::kExitUsage;
  }
  return status;
}
