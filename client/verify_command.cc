#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/remote.h"
#include "client/report.h"
#include "lib/export/schedule_json.h"

namespace attnsched::cli {

int RunVerify(const Invocation& call) {
  const absl::Time started = absl::Now();
  absl::StatusOr<ScheduleInput> input =
      OpenScheduleOperand("verify", call, {"json", "seed", "simulate", "max_events", "max_operations", "server",
                                           "tls_ca", "deadline"});
  if (!input.ok()) return ReportError("verify", input.status());
  const std::string& path = call.operands[0];
  const ReportLabels labels{"verify", Origin{"file", "", false, ""}, "", 1, started, path + ": "};
  if (Remote()) {
    absl::StatusOr<Summary> summary =
        RemoteVerify(*input->source, input->events, absl::GetFlag(FLAGS_simulate),
                     absl::GetFlag(FLAGS_seed));
    if (!summary.ok()) return ReportError("verify", summary.status());
    return PrintSummary(*std::move(summary), labels);
  }
  return CheckAndReport(*input->source, labels);
}

}  // namespace attnsched::cli
