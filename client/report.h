// Checks a schedule (validator and, with --simulate, simulator in one pass) and
// prints its summary as a table or JSON: the shared tail of generate and verify.
#ifndef ATTNSCHED_CLIENT_REPORT_H_
#define ATTNSCHED_CLIENT_REPORT_H_

#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lib/export/summary.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/schedule.h"
#include "nlohmann/json.hpp"

namespace attnsched::cli {

// Where a schedule came from, as its summary reports it.
struct Origin {
  std::string generator;  // technique, or "file"
  std::string placement;  // as Summary::placement; empty for a file
  bool placement_pinned = false;
  std::string note;
};

struct ReportLabels {
  std::string command;           // "generate" or "verify", for error messages
  std::optional<Origin> origin;  // nullopt: the summary's own (a server filled it in)
  std::string model;             // preset name or empty
  int64_t heads = 1;
  absl::Time started;     // for the wall time
  std::string source;     // prefix of error messages, e.g. "FILE: "
};

// Writes a file through `write`, whole or not at all (lib/base/output_file.h): a
// failed write (a full disk, /dev/full) is an error naming `flag` (e.g. "--out"), the
// path and the cause, and leaves no partial file.
absl::Status WriteOutput(absl::string_view flag, const std::string& path,
                         const std::function<absl::Status(std::ostream&)>& write);

// The formats of --out-format: JSON, the binary file with events one by one, or the
// binary file in the compact form (docs/schedule-format.md).
enum class OutFormat { kJson, kBinary, kCompact };

// --out-format; InvalidArgumentError naming the flag otherwise.
absl::StatusOr<OutFormat> OutFormatFlag();

// Writes the `events` events of `source` to `path` with WriteOutput, in the format of
// --out-format.
absl::Status WriteScheduleTo(EventSource& source, int64_t events, absl::string_view flag,
                             const std::string& path);
// The same for a schedule in memory.
absl::Status WriteScheduleTo(const Schedule& schedule, absl::string_view flag,
                             const std::string& path);

// Checks the events of `source` (lib/schedule/check.h; simulated with --simulate) and
// prints the summary. Returns kExitOk when valid (and numerically correct),
// kExitInvalid otherwise, kExitUsage when the schedule exceeds limits or cannot be
// read.
int CheckAndReport(EventSource& source, const ReportLabels& labels);

// The same in one pass that also writes the `events` events to `path` (--out, as
// WriteScheduleTo): the file holds every event, also those after a violation, and a
// failed write is reported instead of the summary.
int CheckWriteAndReport(EventSource& source, int64_t events, const std::string& path,
                        const ReportLabels& labels);

// The "confirmed" line of solve and prove --confirm: the second solver and its time,
// or that the answer was not confirmed (none needed: a lower bound, or not optimal).
std::string ConfirmationLine(const std::string& confirmed_by, double seconds);

// JSON null for an empty string (a solver name that does not apply), else the string.
nlohmann::json OrNull(const std::string& text);

// Prints a summary (computed here or by a server) with the labels; returns the exit
// status as CheckAndReport does.
int PrintSummary(Summary summary, const ReportLabels& labels);

}  // namespace attnsched::cli

#endif  // ATTNSCHED_CLIENT_REPORT_H_
