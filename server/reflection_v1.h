// gRPC server reflection v1 (grpc.reflection.v1.ServerReflection), beside the v1alpha
// service that Debian 12's gRPC 1.51 provides (grpc++_reflection): current tools ask
// for v1 first. Answers from the process's generated descriptor pool, so every
// message of the listed services and of their imports is described, the health
// service's included (grpc/health/v1/health.proto is linked in through `services`).
//
// Requests and answers (proto/grpc/reflection/v1/reflection.proto): list_services
// lists `services`, this service and v1alpha; file_by_filename and
// file_containing_symbol answer the file and its imports;
// file_containing_extension and all_extension_numbers_of_type answer from the pool's
// extensions (none in these protocols); an unknown name is an ErrorResponse with
// NOT_FOUND, a request with no field set one with INVALID_ARGUMENT.
#ifndef ATTNSCHED_SERVER_REFLECTION_V1_H_
#define ATTNSCHED_SERVER_REFLECTION_V1_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace attnsched::server {

class ReflectionV1Service final : public grpc::reflection::v1::ServerReflection::Service {
 public:
  // `services`: the descriptors of the other services the server registers.
  explicit ReflectionV1Service(const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<grpc::reflection::v1::ServerReflectionResponse,
                               grpc::reflection::v1::ServerReflectionRequest>* stream) override;

 private:
  std::vector<std::string> names_;  // services listed, sorted
};

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_REFLECTION_V1_H_
