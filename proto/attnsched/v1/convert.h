// Conversions between the service's messages (scheduler.proto) and the library's
// types: the one place where both meet, so lib/ never sees Protobuf and the server
// and the CLI's remote mode share one mapping. Every FromProto validates and returns
// InvalidArgumentError naming the field path ("problem.instance.scheme: unspecified",
// "events[3].op.kind: unspecified") and the rule.
#ifndef ATTNSCHED_PROTO_ATTNSCHED_V1_CONVERT_H_
#define ATTNSCHED_PROTO_ATTNSCHED_V1_CONVERT_H_

#include <optional>

#include "absl/status/statusor.h"
#include "attnsched/v1/scheduler.pb.h"
#include "lib/export/pe_programs.h"
#include "lib/export/summary.h"
#include "lib/sat/optimal_search.h"
#include "lib/sat/prove.h"
#include "lib/schedule/event_runs.h"
#include "lib/schedule/schedule.h"

namespace attnsched::rpc {

// Zero costs and link speed mean the SPEC defaults; the result is validated.
absl::StatusOr<Problem> ProblemFromProto(const v1::Problem& proto);
void ProblemToProto(const Problem& problem, v1::Problem* proto);

// The problem and placement are validated; event indices are left to the validator
// (rule violations, not malformed requests).
absl::StatusOr<Schedule> ScheduleFromProto(const v1::Schedule& proto);
void ScheduleToProto(const Schedule& schedule, v1::Schedule* proto);

// An event of `problem`: with heads the proto's (head, i, j) become the layer's rows
// (lib/model/heads.h), and a head or index outside the instance is an error naming
// the field ("events[4].item: head 1 is out of range [0, 1): the instance has 1
// key/value head"). With one head, indices are left to the validator. The derived
// fields end, to_pe and arrival are output only: not read (as AIP-203's OUTPUT_ONLY
// fields; the problem's cost rules give them, TimingOf in lib/schedule/schedule.h).
absl::StatusOr<Event> EventFromProto(const v1::Event& proto, int64_t index, const Instance& inst);
// Sets every field, the derived ones too.
void EventToProto(const Event& event, const Problem& problem, v1::Event* proto);

// A run of the compact form (lib/schedule/event_runs.h), checked with CheckRun and,
// with heads, kept inside its first event's head; errors name it "runs[index]..."
// ("runs[3].count = -1: a run has at least one event"). The first event's derived
// fields describe that event only.
absl::StatusOr<EventRun> RunFromProto(const v1::EventRun& proto, int64_t index,
                                      const Instance& inst);
void RunToProto(const EventRun& run, const Problem& problem, v1::EventRun* proto);

// An instruction of a per-PE program (lib/export/pe_programs.h).
void InstructionToProto(const Instruction& in, const Problem& problem, v1::Instruction* proto);

// nullopt for KIND_UNSPECIFIED (the generator chooses); explicit homes are checked
// against n and m later (MakePlacement names the entry).
absl::StatusOr<std::optional<PlacementSpec>> PlacementFromProto(const v1::Placement& proto);
void PlacementToProto(const std::optional<PlacementSpec>& spec, v1::Placement* proto);

void SummaryToProto(const Summary& summary, v1::ScheduleSummary* proto);
// InvalidArgumentError for a bad problem or an unknown rule name.
absl::StatusOr<Summary> SummaryFromProto(const v1::ScheduleSummary& proto);

// SAT results (convert_sat.cc): SolveOptimal's result and attempts, ProveOptimality's
// response. Enums map one to one; FromProto refuses unspecified or unknown enum
// values (InvalidArgumentError naming the field) and validates the schedules.
void SolveResultToProto(const sat::OptimalResult& result, v1::SolveResult* proto);
absl::StatusOr<sat::OptimalResult> SolveResultFromProto(const v1::SolveResult& proto);
void AttemptToProto(const sat::BoundAttempt& attempt, v1::SolveProgress::Attempt* proto);
absl::StatusOr<sat::BoundAttempt> AttemptFromProto(const v1::SolveProgress::Attempt& proto);
void ProveResultToProto(const sat::ProofResult& result, v1::ProveResponse* proto);
absl::StatusOr<sat::ProofResult> ProveResultFromProto(const v1::ProveResponse& proto);

}  // namespace attnsched::rpc

#endif  // ATTNSCHED_PROTO_ATTNSCHED_V1_CONVERT_H_
