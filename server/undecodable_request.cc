#include "server/undecodable_request.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace attnsched::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

class UndecodableRequest final : public grpc::experimental::Interceptor {
 public:
  explicit UndecodableRequest(std::string method) : method_(std::move(method)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      undecodable_ = methods->GetRecvMessage() == nullptr;
    }
    if (undecodable_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        methods->GetSendStatus().error_code() == grpc::StatusCode::INTERNAL) {
      methods->ModifySendStatus(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          absl::StrCat("the request to ", method_,
                       " does not decode as the method's Protobuf request message: send "
                       "that message, serialized")));
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  bool undecodable_ = false;
};

}  // namespace

grpc::experimental::Interceptor* UndecodableRequestFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  if (info->type() != Type::UNARY && info->type() != Type::SERVER_STREAMING) return nullptr;
  return new UndecodableRequest(info->method());
}

}  // namespace attnsched::server
