#include "client/report.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "attnsched/v1/binary_file.h"
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

absl::StatusOr<bool> BinaryOutFlag() {
  const std::string format = absl::GetFlag(FLAGS_out_format);
  if (format == "json" || format == "binary") return format == "binary";
  return absl::InvalidArgumentError(absl::StrCat("--out-format = ", format,
                                                 ": must be json or binary"));
}

absl::Status WriteScheduleTo(EventSource& source, int64_t events, absl::string_view flag,
                             const std::string& path) {
  ASSIGN_OR_RETURN(const bool binary, BinaryOutFlag());
  return WriteOutput(flag, path, [&](std::ostream& out) {
    return binary ? rpc::WriteBinarySchedule(source, events, out) : WriteScheduleJson(source, out);
  });
}

absl::Status WriteScheduleTo(const Schedule& schedule, absl::string_view flag,
                             const std::string& path) {
  VectorEventSource events(schedule);
  return WriteScheduleTo(events, static_cast<int64_t>(schedule.events.size()), flag, path);
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
