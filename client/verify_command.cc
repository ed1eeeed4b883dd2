#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/report.h"
#include "lib/export/schedule_json.h"

namespace attnsched::cli {

int RunVerify(const Invocation& call) {
  const absl::Time started = absl::Now();
  absl::StatusOr<Schedule> schedule =
      ReadScheduleOperand("verify", call, {"json", "seed", "simulate", "max_events"});
  if (!schedule.ok()) return ReportError("verify", schedule.status());
  const std::string& path = call.operands[0];
  return CheckAndReport(*schedule, ReportLabels{"verify", "file", "", 1, started, path + ": "});
}

}  // namespace attnsched::cli
