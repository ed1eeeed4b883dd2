#include <algorithm>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/problem_flags.h"
#include "client/remote.h"
#include "client/report.h"
#include "lib/algorithms/generator.h"
#include "lib/base/output_file.h"
#include "lib/model/placement.h"
#include "lib/schedule/simulator.h"

namespace attnsched::cli {
namespace {

// Writes the `events` events of `source` to --out, if given; else reads them to the
// end (a stream's integrity is checked there).
absl::Status WriteOutFlag(EventSource& source, int64_t events) {
  const std::string path = absl::GetFlag(FLAGS_out);
  if (!path.empty()) return WriteScheduleTo(source, events, "--out", path);
  while (source.Valid()) source.Next();
  return source.status();
}

}  // namespace

int RunGenerate(const Invocation& call) {
  const absl::Time started = absl::Now();
  if (!call.operands.empty()) {
    return ReportError("generate", absl::InvalidArgumentError(absl::StrCat(
                                       "unexpected operand \"", call.operands[0], "\"; use flags")));
  }
  if (absl::Status s = CheckFlagsApply(
          "generate", call.flags,
          WithProblemFlags({"max_words_per_pe", "placement", "search_events", "seed", "json",
                            "simulate", "out", "out_format", "max_events", "max_operations",
                            "server", "tls_ca", "deadline"}));
      !s.ok()) {
    return ReportError("generate", s);
  }
  if (absl::Status s = RefuseLocalOnlyFlags("generate", call, {"search_events", "max_events", "max_operations"});
      !s.ok()) {
    return ReportError("generate", s);
  }
  absl::StatusOr<Request> request = RequestFromFlags(call.flags);
  if (!request.ok()) return ReportError("generate", request.status());
  absl::StatusOr<int64_t> max_events = MaxEventsFlag();
  if (!max_events.ok()) return ReportError("generate", max_events.status());
  absl::StatusOr<int64_t> max_operations = MaxOperationsFlag();
  if (!max_operations.ok()) return ReportError("generate", max_operations.status());
  absl::StatusOr<std::optional<PlacementSpec>> placement = PlacementSpecFromFlag();
  if (!placement.ok()) return ReportError("generate", placement.status());
  if (absl::GetFlag(FLAGS_out).empty() &&
      std::find(call.flags.begin(), call.flags.end(), "out_format") != call.flags.end()) {
    return ReportError("generate", absl::InvalidArgumentError(
                                       "--out-format applies to --out; give --out FILE too"));
  }
  if (const std::string out = absl::GetFlag(FLAGS_out); !out.empty()) {
    // Refused before the work, not after it.
    if (absl::Status s = OutputFile::Create("--out", out).status(); !s.ok()) {
      return ReportError("generate", s);
    }
    if (absl::Status s = OutFormatFlag().status(); !s.ok()) return ReportError("generate", s);
  }
  if (absl::GetFlag(FLAGS_simulate)) {  // refused before the work, not after it
    if (absl::Status s = CheckSimulationSize(request->problem); !s.ok()) {
      return ReportError("generate", s);
    }
  }
  ReportLabels labels{"generate", std::nullopt, request->model, request->heads, started, ""};
  if (Remote()) {
    absl::StatusOr<Summary> remote =
        RemoteGenerate(request->problem, *placement, absl::GetFlag(FLAGS_simulate),
                       absl::GetFlag(FLAGS_seed), WriteOutFlag);
    if (!remote.ok()) return ReportError("generate", remote.status());
    return PrintSummary(*std::move(remote), labels);
  }
  const int64_t search = absl::GetFlag(FLAGS_search_events);
  if (search < 0) {
    return ReportError("generate", absl::InvalidArgumentError(absl::StrCat(
                                       "--search-events = ", search,
                                       ": must be >= 0 (0 turns the local search off)")));
  }
  absl::StatusOr<Generated> generated =
      Generate(request->problem, GenerateOptions{.max_events = *max_events,
                                                 .placement = *placement,
                                                 .search_events = search,
                                                 .max_operations = *max_operations});
  if (!generated.ok()) return ReportError("generate", generated.status());
  labels.origin = Origin{generated->generator, generated->placement, generated->pinned,
                         generated->note};
  // One pass: the check reads the schedule as it is compiled, and --out is written on
  // the way.
  if (const std::string out = absl::GetFlag(FLAGS_out); !out.empty()) {
    return CheckWriteAndReport(*generated->events, generated->event_count, out, labels);
  }
  return CheckAndReport(*generated->events, labels);
}

}  // namespace attnsched::cli
