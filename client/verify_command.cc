#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/report.h"
#include "lib/export/schedule_json.h"

namespace attnsched::cli {

int RunVerify(const Invocation& call) {
  const absl::Time started = absl::Now();
  if (absl::Status s =
          CheckFlagsApply("verify", call.flags, {"json", "seed", "simulate", "max_events"});
      !s.ok()) {
    return ReportError("verify", s);
  }
  if (call.operands.size() != 1) {
    return ReportError("verify", absl::InvalidArgumentError(absl::StrCat(
                                     "needs exactly one schedule FILE, got ", call.operands.size())));
  }
  absl::StatusOr<int64_t> max_events = MaxEventsFlag();
  if (!max_events.ok()) return ReportError("verify", max_events.status());
  const std::string& path = call.operands[0];
  absl::StatusOr<Schedule> schedule = ReadScheduleFile(path, *max_events);
  if (!schedule.ok()) return ReportError("verify", schedule.status());
  return CheckAndReport(*schedule, ReportLabels{"verify", "file", "", 1, started, path + ": "});
}

}  // namespace attnsched::cli
