#include "tests/fuzz/fuzz_util.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "attnsched/v1/convert.h"
#include "google/protobuf/stubs/logging.h"
#include "lib/export/schedule_json.h"
#include "lib/export/summary.h"
#include "lib/schedule/check.h"
#include "lib/schedule/event_runs.h"

namespace attnsched::fuzz {
namespace {

// Protobuf logs every string field with invalid UTF-8 it refuses to parse: a normal
// outcome here, and thousands of lines a second.
const bool kProtobufSilenced = (google::protobuf::SetLogHandler(nullptr), true);

}  // namespace

void Finding(absl::string_view what) {
  std::fprintf(stderr, "FINDING: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

void CheckJsonRoundTrip(const Schedule& schedule) {
  std::ostringstream first;
  VectorEventSource events(schedule);
  if (!WriteScheduleJson(events, first).ok()) Finding("WriteScheduleJson failed on a string");
  std::istringstream in(first.str());
  absl::StatusOr<Schedule> again = ReadScheduleJson(in, kMaxEvents);
  if (!again.ok()) {
    Finding("the JSON reader refuses what the JSON writer wrote: " +
            std::string(again.status().message()) + "\n" + first.str());
  }
  std::ostringstream second;
  VectorEventSource events_again(*again);
  if (!WriteScheduleJson(events_again, second).ok()) {
    Finding("WriteScheduleJson failed on a string");
  }
  if (first.str() != second.str()) {
    Finding("a JSON round trip changed the schedule:\n" + first.str() + "\n" + second.str());
  }
}

void CheckProtoRoundTrip(const Schedule& schedule) {
  v1::Schedule first;
  rpc::ScheduleToProto(schedule, &first);
  absl::StatusOr<Schedule> again = rpc::ScheduleFromProto(first);
  if (!again.ok()) {
    Finding("ScheduleFromProto refuses what ScheduleToProto wrote: " +
            std::string(again.status().message()) + "\n" + first.DebugString());
  }
  v1::Schedule second;
  rpc::ScheduleToProto(*again, &second);
  if (first.SerializeAsString() != second.SerializeAsString()) {
    Finding("a Protobuf round trip changed the schedule:\n" + first.DebugString() + "\n" +
            second.DebugString());
  }
}

void CheckRunsRoundTrip(const Schedule& schedule) {
  std::vector<Event> events = schedule.events;
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.start < b.start; });
  std::vector<Event> canonical = events;
  std::stable_sort(canonical.begin(), canonical.end(), CanonicalLess);
  for (size_t max_pending : {RunEncoder::kDefaultMaxPending, size_t{3}}) {
    RunExpander expander(max_pending + 2);
    std::vector<Event> expanded;
    RunEncoder encoder(schedule.problem.pes(), max_pending, [&](const EventRun& run) {
      if (absl::Status s = CheckRun(run); !s.ok()) {
        Finding("the run encoder wrote a bad run: " + std::string(s.message()));
      }
      if (absl::Status s = expander.Add(run); !s.ok()) {
        Finding("the run expander refuses the encoder's runs: " + std::string(s.message()));
      }
      expander.Take(false, SIZE_MAX, expanded);
      return absl::OkStatus();
    });
    for (const Event& e : events) {
      if (!encoder.Add(e).ok()) Finding("the run encoder refuses events in start order");
    }
    if (!encoder.Finish().ok()) Finding("the run encoder failed to finish");
    expander.Take(true, SIZE_MAX, expanded);
    if (expanded != canonical) Finding("the compact form changed the events");
  }
}

void CheckLikeVerify(const Schedule& schedule) {
  CheckRunsRoundTrip(schedule);
  const int64_t n = schedule.problem.n();
  const bool small =
      n * n <= kMaxSimulatedWork && n * n * schedule.problem.d() <= kMaxSimulatedWork;
  CheckOptions options{kMaxEvents, std::nullopt, nullptr};
  if (small) options.simulate_seed = 1;
  VectorEventSource events(schedule);
  absl::StatusOr<CheckReport> check = CheckSchedule(events, options);
  if (!check.ok()) {
    // A bad header or over the limit is an answer; the simulator refusing what the
    // validator accepted is not.
    if (absl::IsFailedPrecondition(check.status())) {
      Finding("Simulate refused a schedule Validate accepted: " +
              std::string(check.status().message()));
    }
    return;
  }
  const ValidationReport* report = &check->validation;
  if (check->simulation && !(check->simulation->max_rel_error <= kMaxRelError)) {
    Finding("a schedule Validate accepted computes wrong outputs: max_rel_error = " +
            std::to_string(check->simulation->max_rel_error));
  }
  const Summary summary = Summarize(schedule.problem, schedule.placement, *check);
  if (FormatSummaryTable(summary).empty()) Finding("an empty summary table");
  (void)SummaryToJson(summary).dump();
  // The service's summary, and back (the CLI's remote mode reads it).
  v1::ScheduleSummary proto;
  rpc::SummaryToProto(summary, &proto);
  if (absl::StatusOr<Summary> back = rpc::SummaryFromProto(proto); !back.ok()) {
    Finding("SummaryFromProto refuses what SummaryToProto wrote: " +
            std::string(back.status().message()));
  }
  if (report->valid()) {
    // A valid schedule is the same in both formats.
    CheckJsonRoundTrip(schedule);
    CheckProtoRoundTrip(schedule);
  }
}

}  // namespace attnsched::fuzz
