#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/rendered_schedule.h"
#include "client/report.h"
#include "lib/export/gantt.h"
#include "lib/status_macros.h"
#include "nlohmann/json.hpp"

namespace attnsched::cli {
namespace {

absl::StatusOr<GanttOptions> GanttOptionsFromFlags() {
  GanttOptions options;
  const std::string style = absl::GetFlag(FLAGS_style);
  if (style == "chart") {
    options.mode = GanttOptions::Mode::kChart;
  } else if (style == "heatmap") {
    options.mode = GanttOptions::Mode::kHeatmap;
  } else if (style != "auto") {
    return absl::InvalidArgumentError(
        absl::StrCat("--style = ", style, ": must be auto, chart or heatmap"));
  }
  options.bins = absl::GetFlag(FLAGS_bins);
  if (options.bins < 1 || options.bins > 4096) {
    return absl::InvalidArgumentError(
        absl::StrCat("--bins = ", options.bins, ": must be in [1, 4096]"));
  }
  return options;
}

absl::Status Gantt(const Invocation& call) {
  ASSIGN_OR_RETURN(const std::string path, RequiredOutFlag("the picture's file", "gantt.svg"));
  ASSIGN_OR_RETURN(const GanttOptions options, GanttOptionsFromFlags());
  ASSIGN_OR_RETURN(ScheduleToRender input,
                   OpenScheduleToRender("gantt", call, {"out", "style", "bins", "json"}));
  EventSource& source = input.source();
  bool heatmap = false;
  int64_t events = 0;
  RETURN_IF_ERROR(WriteOutput("--out", path, [&](std::ostream& out) -> absl::Status {
    GanttWriter gantt(source.problem(), options, out);
    absl::StatusOr<ScheduleStats> stats = RenderValidated(source, gantt);
    RETURN_IF_ERROR(stats.status());
    heatmap = gantt.heatmap();
    events = stats->operations + stats->transfers + stats->frees;
    return absl::OkStatus();
  }));
  const char* style = heatmap ? "heatmap" : "chart";
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << nlohmann::json{{"gantt", path}, {"style", style}, {"events", events}}.dump(2)
              << "\n";
  } else {
    std::cout << "gantt: " << (heatmap ? "utilisation heat map" : "chart") << " of " << events
              << " events written to " << path << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

int RunGantt(const Invocation& call) {
  if (absl::Status s = Gantt(call); !s.ok()) return ReportError("gantt", s);
  return kExitOk;
}

}  // namespace attnsched::cli
