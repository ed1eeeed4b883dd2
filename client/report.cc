#include "client/report.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/commands.h"
#include "client/flags.h"
#include "lib/base/output_file.h"
#include "lib/export/schedule_json.h"
#include "lib/export/summary.h"
#include "lib/schedule/check.h"
#include "lib/status_macros.h"

namespace attnsched::cli {

absl::Status WriteOutput(absl::string_view flag, const std::string& path,
                         const std::function<absl::Status(std::ostream&)>& write) {
  ASSIGN_OR_RETURN(OutputFile file, OutputFile::Create(flag, path));
  std::ofstream out(file.write_path(), std::ios::binary | std::ios::trunc);
  if (!out) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " = ", path, ": cannot create (",
                                                   std::strerror(errno), ")"));
  }
  const absl::Status written = write(out);
  out.close();
  RETURN_IF_ERROR(file.Commit(written.ok() && !out.fail()));
  return written;
}

absl::Status WriteScheduleTo(EventSource& source, absl::string_view flag,
                             const std::string& path) {
  return WriteOutput(flag, path,
                     [&source](std::ostream& out) { return WriteScheduleJson(source, out); });
}

int CheckAndReport(EventSource& source, const ReportLabels& labels) {
  CheckOptions options{absl::GetFlag(FLAGS_max_events), std::nullopt, nullptr};
  if (absl::GetFlag(FLAGS_simulate)) options.simulate_seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<CheckReport> report = CheckSchedule(source, options);
  if (!report.ok()) {
    return ReportError(labels.command,
                       absl::Status(report.status().code(),
                                    absl::StrCat(labels.source, report.status().message())));
  }
  return PrintSummary(Summarize(source.problem(), source.placement(), *report), labels);
}

int PrintSummary(Summary summary, const ReportLabels& labels) {
  if (labels.origin) {
    summary.generator = labels.origin->generator;
    summary.placement = labels.origin->placement;
    summary.placement_pinned = labels.origin->placement_pinned;
    summary.note = labels.origin->note;
  }
  summary.model = labels.model;
  summary.heads = labels.heads;
  summary.wall_seconds = absl::ToDoubleSeconds(absl::Now() - labels.started);
  const bool numerically_ok = !summary.max_rel_error || *summary.max_rel_error <= kMaxRelError;
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << SummaryToJson(summary).dump(2) << "\n";
  } else {
    std::cout << FormatSummaryTable(summary);
  }
  if (!numerically_ok) {
    std::cerr << absl::StrFormat(
        "attnsched %s: the simulated outputs differ from direct attention by %.3g "
        "(relative), above %.0e\n",
        labels.command, *summary.max_rel_error, kMaxRelError);
  }
  return summary.valid && numerically_ok ? kExitOk : kExitInvalid;
}

}  // namespace attnsched::cli
