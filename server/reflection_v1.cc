#include "server/reflection_v1.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"

namespace attnsched::server {
namespace {

namespace pb = google::protobuf;
namespace rv1 = grpc::reflection::v1;

constexpr char kV1Alpha[] = "grpc.reflection.v1alpha.ServerReflection";

void SetError(rv1::ServerReflectionResponse& response, grpc::StatusCode code,
              std::string message) {
  response.mutable_error_response()->set_error_code(static_cast<int32_t>(code));
  response.mutable_error_response()->set_error_message(std::move(message));
}

// `file` and its imports, depth first, each once.
void AddFile(const pb::FileDescriptor* file, std::set<std::string>& sent,
             rv1::FileDescriptorResponse& out) {
  if (!sent.insert(file->name()).second) return;
  pb::FileDescriptorProto proto;
  file->CopyTo(&proto);
  out.add_file_descriptor_proto(proto.SerializeAsString());
  for (int k = 0; k < file->dependency_count(); ++k) AddFile(file->dependency(k), sent, out);
}

// The file that declares `symbol` (a service, a method, a message, an enum, a field).
const pb::FileDescriptor* FileOfSymbol(const pb::DescriptorPool& pool, const std::string& symbol) {
  if (const pb::FileDescriptor* file = pool.FindFileContainingSymbol(symbol)) return file;
  // A method: package.Service.Method.
  const size_t dot = symbol.rfind('.');
  if (dot == std::string::npos) return nullptr;
  const pb::ServiceDescriptor* service = pool.FindServiceByName(symbol.substr(0, dot));
  return service && service->FindMethodByName(symbol.substr(dot + 1)) ? service->file() : nullptr;
}

void Answer(const std::vector<std::string>& names, const rv1::ServerReflectionRequest& request,
            rv1::ServerReflectionResponse& response) {
  const pb::DescriptorPool& pool = *pb::DescriptorPool::generated_pool();
  using Request = rv1::ServerReflectionRequest;
  const pb::FileDescriptor* file = nullptr;
  std::string name;
  switch (request.message_request_case()) {
    case Request::kListServices:
      for (const std::string& n : names) response.mutable_list_services_response()->add_service()->set_name(n);
      return;
    case Request::kFileByFilename:
      name = request.file_by_filename();
      file = pool.FindFileByName(name);
      break;
    case Request::kFileContainingSymbol:
      name = request.file_containing_symbol();
      file = FileOfSymbol(pool, name);
      break;
    case Request::kFileContainingExtension: {
      const pb::Descriptor* type = pool.FindMessageTypeByName(request.file_containing_extension().containing_type());
      const pb::FieldDescriptor* extension =
          type ? pool.FindExtensionByNumber(type, request.file_containing_extension().extension_number())
               : nullptr;
      name = absl::StrCat(request.file_containing_extension().containing_type(), " extension ",
                          request.file_containing_extension().extension_number());
      file = extension ? extension->file() : nullptr;
      break;
    }
    case Request::kAllExtensionNumbersOfType: {
      const pb::Descriptor* type = pool.FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) {
        SetError(response, grpc::StatusCode::NOT_FOUND,
                 absl::StrCat("no message type ", request.all_extension_numbers_of_type()));
        return;
      }
      std::vector<const pb::FieldDescriptor*> extensions;
      pool.FindAllExtensions(type, &extensions);
      rv1::ExtensionNumberResponse* out = response.mutable_all_extension_numbers_response();
      out->set_base_type_name(type->full_name());
      for (const pb::FieldDescriptor* e : extensions) out->add_extension_number(e->number());
      return;
    }
    default:
      SetError(response, grpc::StatusCode::INVALID_ARGUMENT,
               "the request sets none of the message_request fields");
      return;
  }
  if (file == nullptr) {
    SetError(response, grpc::StatusCode::NOT_FOUND, absl::StrCat("not found: ", name));
    return;
  }
  std::set<std::string> sent;
  AddFile(file, sent, *response.mutable_file_descriptor_response());
}

}  // namespace

ReflectionV1Service::ReflectionV1Service(const std::vector<const pb::ServiceDescriptor*>& services) {
  for (const pb::ServiceDescriptor* s : services) names_.push_back(s->full_name());
  names_.push_back(rv1::ServerReflection::service_full_name());
  names_.push_back(kV1Alpha);
  std::sort(names_.begin(), names_.end());
}

grpc::Status ReflectionV1Service::ServerReflectionInfo(
    grpc::ServerContext*,
    grpc::ServerReaderWriter<rv1::ServerReflectionResponse, rv1::ServerReflectionRequest>* stream) {
  rv1::ServerReflectionRequest request;
  while (stream->Read(&request)) {
    rv1::ServerReflectionResponse response;
    response.set_valid_host(request.host());
    *response.mutable_original_request() = request;
    Answer(names_, request, response);
    if (!stream->Write(response)) break;
  }
  return grpc::Status::OK;
}

}  // namespace attnsched::server
