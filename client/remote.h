// The CLI's remote mode: the same requests as local mode, sent to attnsched-server
// (--server HOST:PORT, --tls-ca, --deadline), with answers converted back to the
// library's types so that every subcommand prints exactly what local mode prints.
#ifndef ATTNSCHED_CLIENT_REMOTE_H_
#define ATTNSCHED_CLIENT_REMOTE_H_

#include <functional>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "lib/export/summary.h"
#include "lib/sat/optimal_search.h"
#include "lib/sat/prove.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/schedule.h"

namespace attnsched::cli {

// True when --server was given.
bool Remote();

// The gRPC service config of the CLI's channels: round_robin over every address the
// target resolves to (dns:///NAME:PORT for a headless Service, or
// ipv4:HOST:PORT,HOST:PORT,...), and retries on UNAVAILABLE (up to 5 attempts,
// exponential backoff from 0.1 s) for the idempotent RPCs: GenerateSchedule,
// StreamSchedule, VerifySchedule, ProveOptimality, and SolveOptimal (gRPC retries a
// streaming call only before it has received anything).
const char* ClientServiceConfig();

// Reads a schedule's events (and how many the stream announces) as they stream in.
using ConsumeEvents = std::function<absl::Status(EventSource& source, int64_t events)>;

// StreamSchedule: the server's summary, once `consume` has read the schedule's events
// (it must read the source to its end, or return an error, which cancels the call).
// Errors: the server's, else `consume`'s or the stream's.
absl::StatusOr<Summary> RemoteGenerate(const Problem& problem,
                                       const std::optional<PlacementSpec>& placement,
                                       bool simulate, uint64_t seed, const ConsumeEvents& consume);
// VerifySchedule, streaming the `events_total` events of `source` (rpc::kUnknownTotal
// when not known in advance) in chunks (with their indices, so that violations name
// the same event_index as locally), simulated with `seed` when `simulate`.
absl::StatusOr<Summary> RemoteVerify(EventSource& source, int64_t events_total, bool simulate,
                                     uint64_t seed);
// SolveOptimal; `on_progress` is called for each bound as it streams in.
// `confirm`: SolveRequest.confirm.
absl::StatusOr<sat::OptimalResult> RemoteSolve(
    const Problem& problem, const std::optional<Placement>& placement, double time_limit_seconds,
    bool confirm, const std::function<void(const sat::BoundAttempt&)>& on_progress);
// grpc.health.v1.Health/Check for the whole server: true when SERVING.
absl::StatusOr<bool> RemoteHealth();

// ProveOptimality.
absl::StatusOr<sat::ProofResult> RemoteProve(const Schedule& schedule, double time_limit_seconds,
                                             bool confirm);

}  // namespace attnsched::cli

#endif  // ATTNSCHED_CLIENT_REMOTE_H_
