#include "client/rendered_schedule.h"

#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/flags.h"
#include "client/problem_flags.h"
#include "lib/base/output_file.h"
#include "lib/status_macros.h"

namespace attnsched::cli {
namespace {

// generate's flags besides the problem's that ask for a generated schedule (local mode).
constexpr absl::string_view kGenerateFlags[] = {"max_words_per_pe", "placement",
                                                "search_events"};

std::vector<absl::string_view> Join(absl::Span<const absl::string_view> a,
                                    absl::Span<const absl::string_view> b) {
  std::vector<absl::string_view> all(a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  all.push_back("max_events");
  all.push_back("max_operations");
  return all;
}

absl::StatusOr<ScheduleToRender> GenerateToRender(const Invocation& call) {
  ASSIGN_OR_RETURN(const Request request, RequestFromFlags(call.flags));
  ASSIGN_OR_RETURN(const int64_t max_events, MaxEventsFlag());
  ASSIGN_OR_RETURN(const int64_t max_operations, MaxOperationsFlag());
  ASSIGN_OR_RETURN(const std::optional<PlacementSpec> placement, PlacementSpecFromFlag());
  const int64_t search = absl::GetFlag(FLAGS_search_events);
  if (search < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--search-events = ", search, ": must be >= 0 (0 turns the local search off)"));
  }
  ASSIGN_OR_RETURN(Generated generated,
                   Generate(request.problem, GenerateOptions{.max_events = max_events,
                                                             .placement = placement,
                                                             .search_events = search,
                                                             .max_operations = max_operations}));
  ScheduleToRender out;
  out.generated.emplace(std::move(generated));
  return out;
}

}  // namespace

absl::StatusOr<std::string> RequiredOutFlag(absl::string_view what, absl::string_view example) {
  const std::string path = absl::GetFlag(FLAGS_out);
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--out: give ", what, ", e.g. --out ", example));
  }
  RETURN_IF_ERROR(OutputFile::Create("--out", path).status());
  return path;
}

absl::StatusOr<ScheduleToRender> OpenScheduleToRender(absl::string_view command,
                                                      const Invocation& call,
                                                      absl::Span<const absl::string_view> own) {
  if (!absl::GetFlag(FLAGS_server).empty() || !absl::GetFlag(FLAGS_tls_ca).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--server: ", command,
                     " runs in-process only (the service's StreamPrograms RPC "
                     "serves programs; docs/service.md)"));
  }
  if (call.operands.empty()) {
    RETURN_IF_ERROR(CheckFlagsApply(command, call.flags, WithProblemFlags(Join(own, kGenerateFlags))));
    return GenerateToRender(call);
  }
  ASSIGN_OR_RETURN(ScheduleInput input, OpenScheduleOperand(command, call, Join(own, {})));
  ScheduleToRender out;
  out.file = std::move(input.source);
  return out;
}

absl::StatusOr<ScheduleStats> RenderValidated(
    EventSource& source, EventSink& sink, std::function<void(int64_t, int32_t, int64_t)> on_words) {
  // The sink takes the events the rules accepted, so a writer never sees an event on a
  // PE or link the machine does not have.
  ValidationOptions options;
  options.max_operations = absl::GetFlag(FLAGS_max_operations);
  options.on_words = std::move(on_words);
  int64_t index = 0;
  options.on_accepted = [&sink, &index](const Event& e) { return sink.Write(e, index++); };
  absl::StatusOr<ValidationReport> report = Validate(source, options);
  if (!report.ok()) return report.status();
  if (!report->valid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the schedule is invalid: ", report->violation->message));
  }
  RETURN_IF_ERROR(sink.Finish(source.status()));
  return std::move(report->stats);
}

}  // namespace attnsched::cli
