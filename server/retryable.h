// Refusals worth retrying: a full SAT queue, a full memory budget, a draining server.
// They are marked with a status payload, so the one place that answers an RPC
// (status_map.h) can add gRPC's retry pushback (trailing metadata
// "grpc-retry-pushback-ms", the milliseconds to wait) without knowing who refused.
#ifndef ATTNSCHED_SERVER_RETRYABLE_H_
#define ATTNSCHED_SERVER_RETRYABLE_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace attnsched::server {

// `status` marked as worth retrying after `after` (rounded to milliseconds).
absl::Status Retryable(absl::Status status, absl::Duration after = absl::Seconds(1));

// The milliseconds to wait before a retry, if `status` is marked; nullopt if not.
std::optional<int64_t> RetryAfterMs(const absl::Status& status);

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_RETRYABLE_H_
