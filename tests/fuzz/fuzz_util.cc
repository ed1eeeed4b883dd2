#include "tests/fuzz/fuzz_util.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

#include "attnsched/v1/convert.h"
#include "google/protobuf/stubs/logging.h"
#include "lib/export/schedule_json.h"
#include "lib/export/summary.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"

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
  if (!WriteScheduleJson(schedule, first).ok()) Finding("WriteScheduleJson failed on a string");
  std::istringstream in(first.str());
  absl::StatusOr<Schedule> again = ReadScheduleJson(in, kMaxEvents);
  if (!again.ok()) {
    Finding("the JSON reader refuses what the JSON writer wrote: " +
            std::string(again.status().message()) + "\n" + first.str());
  }
  std::ostringstream second;
  if (!WriteScheduleJson(*again, second).ok()) Finding("WriteScheduleJson failed on a string");
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

void CheckLikeVerify(const Schedule& schedule) {
  absl::StatusOr<ValidationReport> report = Validate(schedule, ValidationOptions{kMaxEvents});
  if (!report.ok()) return;  // a bad header or over the limit: an answer, not a finding
  std::optional<SimulationReport> simulation;
  const int64_t n = schedule.problem.n();
  if (report->valid() && n * n <= kMaxSimulatedWork &&
      n * n * schedule.problem.d() <= kMaxSimulatedWork) {
    absl::StatusOr<SimulationReport> sim = Simulate(schedule, 1);
    if (!sim.ok()) {
      Finding("Simulate refused a schedule Validate accepted: " +
              std::string(sim.status().message()));
    }
    if (!(sim->max_rel_error <= kMaxRelError)) {
      Finding("a schedule Validate accepted computes wrong outputs: max_rel_error = " +
              std::to_string(sim->max_rel_error));
    }
    simulation = *sim;
  }
  const Summary summary = Summarize(schedule, *report, simulation);
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
