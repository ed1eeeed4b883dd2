// The one place where the library's absl::Status codes become gRPC status codes
// (SPEC section 7): InvalidArgument, NotFound and FailedPrecondition of a request are
// INVALID_ARGUMENT; ResourceExhausted, DeadlineExceeded, Cancelled, Unavailable keep
// their codes; everything else is INTERNAL. Messages pass through unchanged.
#ifndef ATTNSCHED_SERVER_STATUS_MAP_H_
#define ATTNSCHED_SERVER_STATUS_MAP_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace attnsched::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

// Trailing metadata that marks a refusal worth retrying (a full SAT queue or memory
// budget, a draining server), with the milliseconds to wait: gRPC's own retry
// pushback key.
inline constexpr absl::string_view kRetryPushbackKey = "grpc-retry-pushback-ms";

// ToGrpcStatus, adding kRetryPushbackKey to `context`'s trailing metadata when
// `status` is marked retryable (retryable.h).
grpc::Status ToGrpcStatus(const absl::Status& status, grpc::ServerContext& context);

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_STATUS_MAP_H_
