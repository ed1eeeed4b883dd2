// attnsched-server: the Scheduler gRPC service with a pool of SAT workers, standard
// health checking (NOT_SERVING while draining) and server reflection. SIGTERM or
// SIGINT: stop accepting, report NOT_SERVING, let running jobs finish for --grace
// seconds, cancel the rest, exit 0. SAT jobs run in attnsched-sat-worker processes
// (--sat_worker), killed on cancellation.
#include <signal.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "httplib.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "lib/base/command_line.h"
#include "lib/status_macros.h"
#include "server/flags.h"
#include "server/sat_process.h"
#include "server/scheduler_service.h"
#include "server/tls_credentials.h"
#include "server/undecodable_request.h"

namespace attnsched::server {
namespace {

// --sat_worker, or attnsched-sat-worker in the directory of this executable.
absl::StatusOr<std::string> SatWorkerPath() {
  std::string path = absl::GetFlag(FLAGS_sat_worker);
  if (path.empty()) {
    std::error_code error;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) return absl::InternalError("cannot find this executable (/proc/self/exe)");
    path = (self.parent_path() / "attnsched-sat-worker").string();
  }
  RETURN_IF_ERROR(CheckWorker(path));
  return path;
}

int Run() {
  absl::StatusOr<std::unique_ptr<WorkerPool>> pool = WorkerPool::Create(
      PoolOptions{absl::GetFlag(FLAGS_workers), absl::GetFlag(FLAGS_queue),
                  absl::Seconds(absl::GetFlag(FLAGS_max_deadline))});
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ServerCredentials(absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key));
  absl::StatusOr<std::string> sat_worker = SatWorkerPath();
  for (const absl::Status& s : {pool.status(), credentials.status(), sat_worker.status()}) {
    if (!s.ok()) {
      std::cerr << "attnsched-server: " << s.message() << "\n";
      return 2;
    }
  }
  ServiceOptions options;
  options.max_unary_events = absl::GetFlag(FLAGS_max_unary_events);
  options.max_events = absl::GetFlag(FLAGS_max_events);
  options.sat_limits = {absl::GetFlag(FLAGS_max_sat_variables), absl::GetFlag(FLAGS_max_sat_clauses)};
  options.sat_worker = *sat_worker;
  options.plan_evaluations = absl::GetFlag(FLAGS_plan_evaluations);
  options.search_events = absl::GetFlag(FLAGS_search_events);
  Metrics metrics;
  MemoryBudget budget(absl::GetFlag(FLAGS_memory_budget_bytes));
  SchedulerService service(**pool, budget, metrics, options);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), *credentials, &port);
  // A second server on a port in use must fail, not share it (gRPC allows it by default).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.SetMaxSendMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.RegisterService(&service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<UndecodableRequestFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "attnsched-server: cannot listen on " << absl::GetFlag(FLAGS_listen)
              << " (address in use, or not an address of this host)\n";
    return 2;
  }
  httplib::Server http;
  std::thread http_thread;
  if (const std::string listen = absl::GetFlag(FLAGS_metrics_listen); !listen.empty()) {
    const size_t colon = listen.rfind(':');
    const std::string metrics_host = listen.substr(0, colon);
    int metrics_port = colon == std::string::npos ? 0 : std::atoi(listen.c_str() + colon + 1);
    http.Get("/metrics", [&](const httplib::Request&, httplib::Response& response) {
      response.set_content(metrics.Render((*pool)->stats(), absl::GetFlag(FLAGS_workers), budget),
                           "text/plain; version=0.0.4");
    });
    const bool bound = metrics_port == 0
                           ? (metrics_port = http.bind_to_any_port(metrics_host)) > 0
                           : http.bind_to_port(metrics_host, metrics_port);
    if (!bound) {
      std::cerr << "attnsched-server: cannot serve metrics on " << listen << "\n";
      server->Shutdown();
      return 2;
    }
    std::cerr << "attnsched-server metrics on " << metrics_host << ":" << metrics_port
              << std::endl;
    http_thread = std::thread([&http] { http.listen_after_bind(); });
  }
  // Printed last: the line that tells scripts and tests the server is ready.
  const std::string host = absl::GetFlag(FLAGS_listen).substr(0, absl::GetFlag(FLAGS_listen).rfind(':'));
  std::cerr << "attnsched-server listening on " << host << ":" << port << std::endl;

  // Signals are taken by one thread with sigwait (blocked everywhere else).
  std::thread stopper([&] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    std::cerr << "attnsched-server: signal " << sig << ", draining\n";
    server->GetHealthCheckService()->SetServingStatus(false);
    const absl::Duration grace = absl::Seconds(absl::GetFlag(FLAGS_grace));
    std::thread drain_pool([&] { (*pool)->Shutdown(grace); });
    server->Shutdown(absl::ToChronoTime(absl::Now() + grace + absl::Seconds(1)));
    drain_pool.join();
  });
  server->Wait();
  stopper.join();
  http.stop();
  if (http_thread.joinable()) http_thread.join();
  std::cerr << "attnsched-server: stopped\n";
  return 0;
}

}  // namespace
}  // namespace attnsched::server

int main(int argc, char** argv) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts
  signal(SIGPIPE, SIG_IGN);  // a SAT worker that dies early is an error, not a signal
  constexpr attnsched::Program kProgram{
      "attnsched-server",
      "attnsched-server: the attnsched.v1.Scheduler gRPC service\n"
      "\n"
      "usage: attnsched-server [--listen HOST:PORT] [--workers N] [--queue N] ...\n"
      "  SIGTERM or SIGINT drains: NOT_SERVING, running jobs finish for --grace seconds,\n"
      "  exit 0. Bad flags: exit 2.\n"
      "\n"
      "flags (dashes or underscores):\n",
      "server/flags.cc"};
  absl::StatusOr<attnsched::ParsedArgs> args = attnsched::ParseArgs(argc, argv, kProgram);
  absl::Status status = args.status();
  if (status.ok() && !args->positional.empty() && !args->help) {
    status = absl::InvalidArgumentError(absl::StrCat(
        "takes no operands (\"", args->positional.front(), "\"); flags start with --"));
  }
  if (status.ok() && (args->help || args->version)) {
    std::cout << (args->help ? attnsched::HelpText(kProgram) : attnsched::VersionText(kProgram));
    return 0;
  }
  if (status.ok()) status = attnsched::server::CheckServerFlags();
  if (!status.ok()) {
    std::cerr << "attnsched-server: " << status.message() << "\n";
    return 2;
  }
  return attnsched::server::Run();
}
