// Requests whose bytes do not decode as their Protobuf message. gRPC's synchronous
// server answers them itself, before any handler runs, with INTERNAL and an empty
// message (proto3 has no initialization errors to report). This server interceptor
// rewrites that answer to INVALID_ARGUMENT naming the method and the message type,
// for every method with one request message (unary and server-streaming; a client
// stream's undecodable chunk ends the stream, which VerifySchedule detects from the
// announced event count, proto/attnsched/v1/chunks.h).
//
// Technique: at the POST_RECV_MESSAGE hook gRPC passes a null message when decoding
// failed; at PRE_SEND_STATUS the status is replaced (grpc::experimental::Interceptor).
#ifndef ATTNSCHED_SERVER_UNDECODABLE_REQUEST_H_
#define ATTNSCHED_SERVER_UNDECODABLE_REQUEST_H_

#include "grpcpp/support/server_interceptor.h"

namespace attnsched::server {

class UndecodableRequestFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_UNDECODABLE_REQUEST_H_
