#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/report.h"
#include "lib/export/schedule_json.h"

namespace attnsched::cli {

int RunVerify(const std::vector<std::string>& operands) {
  const absl::Time started = absl::Now();
  if (operands.size() != 1) {
    return ReportError("verify", absl::InvalidArgumentError(absl::StrCat(
                                     "needs exactly one schedule FILE, got ", operands.size())));
  }
  absl::StatusOr<Schedule> schedule =
      ReadScheduleFile(operands[0], absl::GetFlag(FLAGS_max_events));
  if (!schedule.ok()) return ReportError("verify", schedule.status());
  return CheckAndReport(*schedule, ReportLabels{"verify", "file", "", 1, started});
}

}  // namespace attnsched::cli
