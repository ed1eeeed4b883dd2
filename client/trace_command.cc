#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/rendered_schedule.h"
#include "client/report.h"
#include "lib/export/trace.h"
#include "lib/status_macros.h"
#include "nlohmann/json.hpp"

namespace attnsched::cli {
namespace {

absl::StatusOr<TraceOptions> TraceOptionsFromFlags() {
  TraceOptions options;
  options.from = absl::GetFlag(FLAGS_from);
  options.aggregate = absl::GetFlag(FLAGS_aggregate);
  options.max_events = absl::GetFlag(FLAGS_max_trace_events);
  const int64_t to = absl::GetFlag(FLAGS_to);
  if (options.from < 0 || options.from > kMaxStart) {
    return absl::InvalidArgumentError(
        absl::StrCat("--from = ", options.from, ": must be a cycle in [0, 2^62]"));
  }
  if (to != 0 && (to <= options.from || to > kMaxStart)) {
    return absl::InvalidArgumentError(absl::StrCat("--to = ", to, ": must be above --from (",
                                                   options.from,
                                                   ") and at most 2^62; 0 is the end"));
  }
  if (to != 0) options.to = to;
  if (options.max_events < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--max-trace-events = ", options.max_events, ": must be >= 1"));
  }
  return options;
}

absl::Status Trace(const Invocation& call) {
  ASSIGN_OR_RETURN(const std::string path, RequiredOutFlag("the trace's file", "trace.json"));
  ASSIGN_OR_RETURN(const TraceOptions options, TraceOptionsFromFlags());
  ASSIGN_OR_RETURN(ScheduleToRender input,
                   OpenScheduleToRender("trace", call,
                                        {"out", "from", "to", "aggregate", "max_trace_events", "json"}));
  EventSource& source = input.source();
  int64_t slices = 0, makespan = 0;
  RETURN_IF_ERROR(WriteOutput("--out", path, [&](std::ostream& out) -> absl::Status {
    TraceWriter trace(source.problem(), options, out);
    absl::StatusOr<ScheduleStats> stats = RenderValidated(
        source, trace,
        [&trace](int64_t t, int32_t pe, int64_t words) { trace.Words(t, pe, words); });
    if (trace.slices() + trace.samples() > options.max_events) {
      return absl::ResourceExhaustedError(
          absl::StrCat(stats.status().message(), " (--aggregate, --from/--to, --max-trace-events)"));
    }
    RETURN_IF_ERROR(stats.status());
    makespan = stats->makespan;
    slices = trace.slices();
    if (options.from > 0 && options.from >= trace.last_end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--from = ", options.from, ": the schedule's last event ends at cycle ",
                       trace.last_end(), "; give a window that starts before it"));
    }
    return absl::OkStatus();
  }));
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << nlohmann::json{{"trace", path}, {"slices", slices}, {"makespan_cycles", makespan}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "trace: " << slices << " slices of a schedule of " << makespan
              << " cycles written to " << path
              << " (open it in https://ui.perfetto.dev or chrome://tracing)\n";
  }
  return absl::OkStatus();
}

}  // namespace

int RunTrace(const Invocation& call) {
  if (absl::Status s = Trace(call); !s.ok()) return ReportError("trace", s);
  return kExitOk;
}

}  // namespace attnsched::cli
