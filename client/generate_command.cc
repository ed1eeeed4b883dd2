#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/problem_flags.h"
#include "client/remote.h"
#include "client/report.h"
#include "lib/algorithms/generator.h"

namespace attnsched::cli {
namespace {

absl::Status WriteOutFlag(const Schedule& schedule) {
  const std::string path = absl::GetFlag(FLAGS_out);
  return path.empty() ? absl::OkStatus() : WriteScheduleTo(schedule, "--out", path);
}

}  // namespace

int RunGenerate(const Invocation& call) {
  const absl::Time started = absl::Now();
  if (!call.operands.empty()) {
    return ReportError("generate", absl::InvalidArgumentError(absl::StrCat(
                                       "unexpected operand \"", call.operands[0], "\"; use flags")));
  }
  if (absl::Status s = CheckFlagsApply(
          "generate", call.flags,
          {"model", "scheme", "n", "d", "pes", "link_words", "link_cycles", "link_latency", "link_words_per_cycle", "c_dot", "c_softmax",
           "c_axpy", "seed", "json", "simulate", "out", "max_events", "server", "tls_ca",
           "deadline"});
      !s.ok()) {
    return ReportError("generate", s);
  }
  absl::StatusOr<Request> request = RequestFromFlags(call.flags);
  if (!request.ok()) return ReportError("generate", request.status());
  absl::StatusOr<int64_t> max_events = MaxEventsFlag();
  if (!max_events.ok()) return ReportError("generate", max_events.status());
  if (!request->model.empty()) {
    if (absl::Status s = CheckModelFits(*request); !s.ok()) return ReportError("generate", s);
  }
  const Generator& generator = GeneratorFor(request->problem.scheme());
  const ReportLabels labels{"generate", std::string(generator.name()), request->model,
                            request->heads, started, ""};
  if (Remote()) {
    auto remote = RemoteGenerate(request->problem, absl::GetFlag(FLAGS_simulate),
                                 absl::GetFlag(FLAGS_seed));
    if (!remote.ok()) return ReportError("generate", remote.status());
    if (absl::Status s = WriteOutFlag(remote->first); !s.ok()) return ReportError("generate", s);
    return PrintSummary(std::move(remote->second), labels);
  }
  absl::StatusOr<Schedule> schedule = Generate(request->problem, GenerateOptions{*max_events});
  if (!schedule.ok()) return ReportError("generate", schedule.status());
  if (absl::Status s = WriteOutFlag(*schedule); !s.ok()) return ReportError("generate", s);
  return CheckAndReport(*schedule, labels);
}

}  // namespace attnsched::cli
