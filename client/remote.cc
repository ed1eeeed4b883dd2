#include "client/remote.h"

#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "attnsched/v1/chunks.h"
#include "attnsched/v1/convert.h"
#include "attnsched/v1/scheduler.grpc.pb.h"
#include "client/flags.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "lib/model/heads.h"
#include "lib/status_macros.h"

namespace attnsched::cli {
namespace {

constexpr int kChunkEvents = 50'000;

// gRPC status -> absl::Status (the exit statuses follow the codes), with the server
// address in the message.
// The library's status for an RPC's, prefixed with the server. Refusals worth
// retrying (unreachable, UNAVAILABLE, a passed deadline, RESOURCE_EXHAUSTED with the
// server's retry pushback: a full queue) become UnavailableError, which the command
// reports with exit status 4; other limits stay ResourceExhaustedError (exit 2).
absl::Status FromGrpc(const grpc::Status& s, const grpc::ClientContext& context) {
  if (s.ok()) return absl::OkStatus();
  const std::string message =
      absl::StrCat(absl::GetFlag(FLAGS_server), ": ", s.error_message());
  const auto& trailers = context.GetServerTrailingMetadata();
  const bool pushback = trailers.find("grpc-retry-pushback-ms") != trailers.end();
  switch (s.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT: return absl::InvalidArgumentError(message);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return pushback ? absl::UnavailableError(message) : absl::ResourceExhaustedError(message);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(absl::StrCat(message, " (the --deadline passed; raise it)"));
    case grpc::StatusCode::CANCELLED: return absl::CancelledError(message);
    case grpc::StatusCode::UNAVAILABLE:
      return absl::UnavailableError(absl::StrCat(
          "--server = ", absl::GetFlag(FLAGS_server),
          ": the server is unavailable (not running or not reachable at that address, or "
          "shutting down; check --server and try again). gRPC says: ",
          s.error_message()));
    default: return absl::InternalError(message);
  }
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials() {
  const std::string ca = absl::GetFlag(FLAGS_tls_ca);
  if (ca.empty()) return grpc::InsecureChannelCredentials();
  std::ifstream in(ca);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--tls-ca = ", ca, ": cannot read"));
  std::stringstream pem;
  pem << in.rdbuf();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pem.str();
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel() {
  ASSIGN_OR_RETURN(auto credentials, Credentials());
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(ClientServiceConfig());
  args.SetMaxReceiveMessageSize(256 << 20);
  args.SetMaxSendMessageSize(256 << 20);
  return grpc::CreateCustomChannel(absl::GetFlag(FLAGS_server), credentials, args);
}

absl::StatusOr<std::unique_ptr<v1::Scheduler::Stub>> Connect() {
  ASSIGN_OR_RETURN(auto channel, Channel());
  return v1::Scheduler::NewStub(channel);
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_deadline))));
}

}  // namespace

bool Remote() { return !absl::GetFlag(FLAGS_server).empty(); }

const char* ClientServiceConfig() {
  return R"json({
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [{"service": "attnsched.v1.Scheduler"}],
    "retryPolicy": {
      "maxAttempts": 5,
      "initialBackoff": "0.1s",
      "maxBackoff": "1s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
})json";
}

absl::StatusOr<Summary> RemoteGenerate(const Problem& problem,
                                       const std::optional<PlacementSpec>& placement,
                                       bool simulate, uint64_t seed,
                                       const ConsumeEvents& consume) {
  ASSIGN_OR_RETURN(auto stub, Connect());
  v1::GenerateRequest request;
  rpc::ProblemToProto(problem, request.mutable_problem());
  rpc::PlacementToProto(placement, request.mutable_placement());
  request.set_simulate(simulate);
  request.set_seed(seed);
  request.set_compact(true);  // expanded as it is read: the events the runs stand for
  grpc::ClientContext context;
  SetDeadline(context);
  auto reader = stub->StreamSchedule(&context, request);
  bool ended = false;  // the server ended the stream (its status says how)
  absl::StatusOr<std::unique_ptr<rpc::ChunkEventSource>> source = rpc::ChunkEventSource::Open(
      [&reader, &ended](v1::ScheduleChunk& chunk) -> absl::StatusOr<bool> {
        ended = !reader->Read(&chunk);
        return !ended;
      },
      absl::GetFlag(FLAGS_max_events));
  const absl::Status consumed =
      source.ok() ? consume(**source, (*source)->events_total()) : source.status();
  if (!consumed.ok()) {
    // A refusal ends the stream with the server's error; otherwise the stream broke
    // here: stop the call, and report why.
    if (!ended) context.TryCancel();
    const grpc::Status call = reader->Finish();
    if (!call.ok() && (ended || call.error_code() != grpc::StatusCode::CANCELLED)) {
      return FromGrpc(call, context);
    }
    return consumed;
  }
  RETURN_IF_ERROR(FromGrpc(reader->Finish(), context));
  if (!(*source)->summary()) return absl::InternalError("the server sent no summary");
  return rpc::SummaryFromProto(*(*source)->summary());
}

absl::StatusOr<Summary> RemoteVerify(EventSource& source, int64_t events_total, bool simulate,
                                     uint64_t seed) {
  ASSIGN_OR_RETURN(auto stub, Connect());
  grpc::ClientContext context;
  SetDeadline(context);
  v1::VerifyResponse response;
  auto writer = stub->VerifySchedule(&context, &response);
  absl::Status read;
  const bool sent = rpc::WriteChunks(
      source, events_total, kChunkEvents, nullptr,
      [&](const v1::ScheduleChunk& chunk) {
        if (chunk.chunk_index() > 0) return writer->Write(chunk);
        v1::ScheduleChunk first = chunk;  // the request's options ride on the first chunk
        first.set_simulate(simulate);
        first.set_seed(seed);
        return writer->Write(first);
      },
      &read);
  if (!read.ok()) {  // the file broke off: stop the call, report why
    context.TryCancel();
    (void)writer->Finish();
    return read;
  }
  if (sent) writer->WritesDone();
  RETURN_IF_ERROR(FromGrpc(writer->Finish(), context));
  return rpc::SummaryFromProto(response.summary());
}

absl::StatusOr<sat::OptimalResult> RemoteSolve(
    const Problem& problem, const std::optional<Placement>& placement, double time_limit_seconds,
    bool confirm, const std::function<void(const sat::BoundAttempt&)>& on_progress) {
  ASSIGN_OR_RETURN(auto stub, Connect());
  v1::SolveRequest request;
  rpc::ProblemToProto(problem, request.mutable_problem());
  if (placement) {
    const Placement homes = HeadPlacement(problem.instance, *placement);
    request.mutable_placement()->Assign(homes.begin(), homes.end());
  }
  request.set_time_limit_seconds(time_limit_seconds);
  request.set_confirm(confirm);
  grpc::ClientContext context;
  SetDeadline(context);
  auto reader = stub->SolveOptimal(&context, request);
  v1::SolveProgress progress;
  std::vector<sat::BoundAttempt> attempts;
  std::optional<v1::SolveResult> result;
  absl::Status bad;  // a malformed message; the stream is still drained
  while (reader->Read(&progress)) {
    if (progress.has_attempt() && bad.ok()) {
      absl::StatusOr<sat::BoundAttempt> a = rpc::AttemptFromProto(progress.attempt());
      if (!a.ok()) {
        bad = a.status();
        continue;
      }
      attempts.push_back(*a);
      if (on_progress) on_progress(attempts.back());
    }
    if (progress.has_result()) result = progress.result();
  }
  RETURN_IF_ERROR(FromGrpc(reader->Finish(), context));
  RETURN_IF_ERROR(bad);
  if (!result) return absl::InternalError("the server sent no result");
  ASSIGN_OR_RETURN(sat::OptimalResult out, rpc::SolveResultFromProto(*result));
  out.attempts = std::move(attempts);
  return out;
}

absl::StatusOr<bool> RemoteHealth() {
  ASSIGN_OR_RETURN(auto channel, Channel());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::health::v1::HealthCheckResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->Check(&context, {}, &response), context));
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

absl::StatusOr<sat::ProofResult> RemoteProve(const Schedule& schedule, double time_limit_seconds,
                                             bool confirm) {
  ASSIGN_OR_RETURN(auto stub, Connect());
  v1::ProveRequest request;
  rpc::ScheduleToProto(schedule, request.mutable_schedule());
  request.set_time_limit_seconds(time_limit_seconds);
  request.set_confirm(confirm);
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ProveResponse response;
  RETURN_IF_ERROR(FromGrpc(stub->ProveOptimality(&context, request, &response), context));
  return rpc::ProveResultFromProto(response);
}

}  // namespace attnsched::cli
