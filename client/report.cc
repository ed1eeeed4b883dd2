#include "client/report.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
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
#include "lib/schedule/event_sink.h"
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
  const absl::Status committed = file.Commit(written.ok() && !out.fail());
  // A failed write is the commit's to name (flag, path, errno); any other error (an
  // invalid schedule, a limit) says why the output stopped.
  return written.ok() || absl::IsDataLoss(written) ? committed : written;
}

nlohmann::json OrNull(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

std::string ConfirmationLine(const std::string& confirmed_by, double seconds) {
  if (confirmed_by.empty()) {
    return "  confirmed   no (no UNSAT answer to confirm, or not in time)\n";
  }
  return absl::StrFormat("  confirmed   by %s, %.2f s\n", confirmed_by, seconds);
}

absl::StatusOr<OutFormat> OutFormatFlag() {
  const std::string format = absl::GetFlag(FLAGS_out_format);
  if (format == "json") return OutFormat::kJson;
  if (format == "binary") return OutFormat::kBinary;
  if (format == "compact") return OutFormat::kCompact;
  return absl::InvalidArgumentError(absl::StrCat("--out-format = ", format,
                                                 ": must be json, binary or compact"));
}

namespace {

std::unique_ptr<EventSink> ScheduleWriter(OutFormat format, const EventSource& source,
                                          int64_t events, std::ostream& out) {
  if (format == OutFormat::kJson) {
    return std::make_unique<ScheduleJsonWriter>(source.problem(), source.placement(), out);
  }
  return std::make_unique<rpc::BinaryScheduleWriter>(
      source.problem(), source.placement(), events, out,
      format == OutFormat::kCompact ? rpc::ChunkForm::kRuns : rpc::ChunkForm::kEvents);
}

absl::StatusOr<CheckReport> CheckWithFlags(EventSource& source, const ReportLabels& labels) {
  CheckOptions options{absl::GetFlag(FLAGS_max_operations), std::nullopt, nullptr};
  if (absl::GetFlag(FLAGS_simulate)) options.simulate_seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<CheckReport> report = CheckSchedule(source, options);
  if (report.ok()) return report;
  return absl::Status(report.status().code(),
                      absl::StrCat(labels.source, report.status().message()));
}

int Report(const EventSource& source, const absl::StatusOr<CheckReport>& report,
           const ReportLabels& labels) {
  if (!report.ok()) return ReportError(labels.command, report.status());
  return PrintSummary(Summarize(source.problem(), source.placement(), *report), labels);
}

}  // namespace

absl::Status WriteScheduleTo(EventSource& source, int64_t events, absl::string_view flag,
                             const std::string& path) {
  ASSIGN_OR_RETURN(const OutFormat format, OutFormatFlag());
  return WriteOutput(flag, path, [&](std::ostream& out) {
    std::unique_ptr<EventSink> writer = ScheduleWriter(format, source, events, out);
    return WriteAll(source, *writer);
  });
}

absl::Status WriteScheduleTo(const Schedule& schedule, absl::string_view flag,
                             const std::string& path) {
  VectorEventSource events(schedule);
  return WriteScheduleTo(events, static_cast<int64_t>(schedule.events.size()), flag, path);
}

int CheckAndReport(EventSource& source, const ReportLabels& labels) {
  return Report(source, CheckWithFlags(source, labels), labels);
}

int CheckWriteAndReport(EventSource& source, int64_t events, const std::string& path,
                        const ReportLabels& labels) {
  const absl::StatusOr<OutFormat> format = OutFormatFlag();
  if (!format.ok()) return ReportError(labels.command, format.status());
  absl::StatusOr<CheckReport> report;
  const absl::Status written = WriteOutput("--out", path, [&](std::ostream& out) {
    std::unique_ptr<EventSink> writer = ScheduleWriter(*format, source, events, out);
    TeeEventSource tee(source, *writer);
    report = CheckWithFlags(tee, labels);
    tee.Drain();  // the events after a violation, for the file
    return writer->Finish(tee.status());
  });
  if (!written.ok()) return ReportError(labels.command, written);
  return Report(source, report, labels);
}

int PrintSummary(Summary summary, const ReportLabels& labels) {
  if (labels.origin) {
    summary.generator = labels.origin->generator;
    summary.placement = labels.origin->placement;
    summary.placement_pinned = labels.origin->placement_pinned;
    summary.note = labels.origin->note;
  }
  summary.model = labels.model;
  // A model's heads, or (no model) the layer's own.
  summary.heads = std::max(labels.heads, summary.problem.instance.heads());
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
