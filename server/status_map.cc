#include "server/status_map.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/retryable.h"

namespace attnsched::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kOk: return grpc::Status::OK;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
    case absl::StatusCode::kResourceExhausted:
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, message);
    case absl::StatusCode::kDeadlineExceeded:
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, message);
    case absl::StatusCode::kCancelled: return grpc::Status(grpc::StatusCode::CANCELLED, message);
    case absl::StatusCode::kUnavailable:
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, message);
    default: return grpc::Status(grpc::StatusCode::INTERNAL, message);
  }
}

grpc::Status ToGrpcStatus(const absl::Status& status, grpc::ServerContext& context) {
  if (const std::optional<int64_t> ms = RetryAfterMs(status)) {
    context.AddTrailingMetadata(std::string(kRetryPushbackKey), absl::StrCat(*ms));
  }
  return ToGrpcStatus(status);
}

}  // namespace attnsched::server
