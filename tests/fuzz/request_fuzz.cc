// libFuzzer harness: the server's checks of a request, from its raw Protobuf bytes,
// up to (not including) any generating or solving. The first byte chooses the
// message; the rest is its encoding:
//   0 GenerateRequest (GenerateSchedule, StreamSchedule): rpc::ProblemFromProto,
//     rpc::PlacementFromProto, then the placement the generator would use
//     (MakePlacement) and the schedule header checks and lower bounds Generate starts
//     with;
//   1 SolveRequest (SolveOptimal): rpc::ProblemFromProto, ValidatePlacement of the
//     homes, the time limit, then what the SAT worker checks before searching:
//     sat::SearchLowerBound and sat::CheckEstimate;
//   2 ProveRequest (ProveOptimality): rpc::ScheduleFromProto, the time limit,
//     sat::CheckProvable, then what sat::Prove does before solving: Validate and the
//     lower bounds of a valid schedule.
// Everything past the server's own checks runs only for small problems (kMaxTokens
// tokens, kMaxCells = n * m), so that no input spends its time where the server would
// be generating or solving. Conversions back to Protobuf must round-trip.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "attnsched/v1/convert.h"
#include "lib/algorithms/generator.h"
#include "lib/model/bounds.h"
#include "lib/sat/encoder.h"
#include "lib/sat/optimal_search.h"
#include "lib/sat/prove.h"
#include "lib/schedule/validator.h"
#include "tests/fuzz/fuzz_util.h"

namespace attnsched::fuzz {
namespace {

constexpr int64_t kMaxTokens = 256;
constexpr int64_t kMaxCells = 4096;

bool Small(const Problem& p) { return p.n() <= kMaxTokens && p.n() * p.pes() <= kMaxCells; }

// The server refuses other time limits (scheduler_service.cc, CheckTimeLimit).
bool TimeLimitAccepted(double seconds) { return std::isfinite(seconds) && seconds >= 0; }

void CheckProblemRoundTrip(const Problem& problem) {
  v1::Problem first;
  rpc::ProblemToProto(problem, &first);
  absl::StatusOr<Problem> again = rpc::ProblemFromProto(first);
  if (!again.ok()) {
    Finding("ProblemFromProto refuses what ProblemToProto wrote: " +
            std::string(again.status().message()));
  }
  v1::Problem second;
  rpc::ProblemToProto(*again, &second);
  if (first.SerializeAsString() != second.SerializeAsString()) {
    Finding("a Problem round trip changed it:\n" + first.DebugString() + second.DebugString());
  }
}

void Generate(const uint8_t* data, size_t size) {
  v1::GenerateRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  absl::StatusOr<Problem> problem = rpc::ProblemFromProto(request.problem());
  if (!problem.ok()) return;
  CheckProblemRoundTrip(*problem);
  absl::StatusOr<std::optional<PlacementSpec>> spec = rpc::PlacementFromProto(request.placement());
  if (!spec.ok()) return;
  {
    v1::Placement first;
    rpc::PlacementToProto(*spec, &first);
    absl::StatusOr<std::optional<PlacementSpec>> again = rpc::PlacementFromProto(first);
    if (!again.ok()) {
      Finding("PlacementFromProto refuses what PlacementToProto wrote: " +
              std::string(again.status().message()));
    }
  }
  if (!Small(*problem)) return;
  const PlacementSpec chosen =
      spec->value_or(PlacementSpec{GeneratorFor(problem->instance).placement, {}});
  absl::StatusOr<Placement> homes = MakePlacement(chosen, problem->n(), problem->pes());
  if (!homes.ok()) return;
  if (!CheckScheduleHeader(*problem, *homes, 0, kMaxEvents).ok()) return;
  (void)ComputeLowerBounds(*problem, *homes);
}

void Solve(const uint8_t* data, size_t size) {
  v1::SolveRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  absl::StatusOr<Problem> problem = rpc::ProblemFromProto(request.problem());
  if (!problem.ok()) return;
  std::optional<Placement> homes;
  if (!request.placement().empty()) {
    homes.emplace(request.placement().begin(), request.placement().end());
    if (!ValidatePlacement(*homes, problem->n(), problem->pes()).ok()) return;
  }
  if (!TimeLimitAccepted(request.time_limit_seconds())) return;
  if (!Small(*problem)) return;
  const int64_t lower_bound = sat::SearchLowerBound(*problem, homes);
  if (lower_bound < 1) Finding("a lower bound below one cycle: " + std::to_string(lower_bound));
  sat::EncodeOptions encode;
  encode.horizon = lower_bound;
  encode.placement = homes;
  (void)sat::CheckEstimate(*problem, encode, sat::EncodeLimits{});
}

void Prove(const uint8_t* data, size_t size) {
  v1::ProveRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return;
  absl::StatusOr<Schedule> schedule = rpc::ScheduleFromProto(request.schedule());
  if (!schedule.ok()) return;
  if (!TimeLimitAccepted(request.time_limit_seconds())) return;
  if (!sat::CheckProvable(*schedule).ok()) return;
  if (!Small(schedule->problem)) return;
  VectorEventSource events(*schedule);
  absl::StatusOr<ValidationReport> report = Validate(events, ValidationOptions{kMaxEvents});
  if (!report.ok() || !report->valid()) return;
  const LowerBounds bounds = ComputeLowerBounds(schedule->problem, schedule->placement);
  if (bounds.Max() > report->stats.makespan) {
    Finding("a valid schedule beats a lower bound: makespan " +
            std::to_string(report->stats.makespan) + " < " + std::to_string(bounds.Max()));
  }
}

}  // namespace
}  // namespace attnsched::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  switch (data[0] % 3) {
    case 0: attnsched::fuzz::Generate(data + 1, size - 1); break;
    case 1: attnsched::fuzz::Solve(data + 1, size - 1); break;
    default: attnsched::fuzz::Prove(data + 1, size - 1); break;
  }
  return 0;
}
