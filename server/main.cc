// attnsched-server: the Scheduler gRPC service with a pool of SAT workers, standard
// health checking (NOT_SERVING while draining) and server reflection. SIGTERM or
// SIGINT: stop accepting, report NOT_SERVING, let running jobs finish for --grace
// seconds, cancel the rest, exit 0. SAT jobs run in attnsched-sat-worker processes
// (--sat_worker), killed on cancellation.
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <functional>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "httplib.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "lib/base/command_line.h"
#include "lib/base/system_memory.h"
#include "lib/status_macros.h"
#include "server/flags.h"
#include "grpc/health/v1/health.pb.h"
#include "server/reflection_v1.h"
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

ServiceOptions ServiceOptionsFromFlags(std::string sat_worker) {
  ServiceOptions options;
  options.max_unary_events = absl::GetFlag(FLAGS_max_unary_events);
  options.max_events = absl::GetFlag(FLAGS_max_events);
  options.max_operations = absl::GetFlag(FLAGS_max_operations);
  const int64_t sat_memory = absl::GetFlag(FLAGS_max_sat_memory_bytes);
  options.sat_limits = {absl::GetFlag(FLAGS_max_sat_variables), absl::GetFlag(FLAGS_max_sat_clauses),
                        sat_memory > 0 ? sat_memory
                                       : AvailableMemoryBytes() / 2 / absl::GetFlag(FLAGS_workers)};
  options.sat_worker = std::move(sat_worker);
  options.plan_evaluations = absl::GetFlag(FLAGS_plan_evaluations);
  options.search_events = absl::GetFlag(FLAGS_search_events);
  options.race_cpus = absl::GetFlag(FLAGS_sat_race) ? DefaultWorkers() : 0;
  return options;
}

// The gRPC server on --listen (and the plaintext --health_listen), with health
// checking, reflection (v1alpha from gRPC, v1 `reflection`) and the
// undecodable-request interceptor; `ports` receives the bound ports. Null when a port
// cannot be bound.
std::unique_ptr<grpc::Server> StartGrpc(grpc::Service& service, grpc::Service& reflection,
                                        const std::shared_ptr<grpc::ServerCredentials>& credentials,
                                        int ports[2]) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), credentials, &ports[0]);
  if (const std::string health = absl::GetFlag(FLAGS_health_listen); !health.empty()) {
    builder.AddListeningPort(health, grpc::InsecureServerCredentials(), &ports[1]);
  }
  // A second server on a port in use must fail, not share it (gRPC allows it by default).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.SetMaxSendMessageSize(absl::GetFlag(FLAGS_max_message_bytes));
  builder.RegisterService(&service);
  builder.RegisterService(&reflection);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<UndecodableRequestFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  const bool health_bound = absl::GetFlag(FLAGS_health_listen).empty() || ports[1] > 0;
  return server && ports[0] > 0 && health_bound ? std::move(server) : nullptr;
}

// Prometheus text on --metrics_listen (cpp-httplib), served by its own thread.
class MetricsHttp {
 public:
  ~MetricsHttp() {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }
  // Binds and starts; false (after a message) when the address cannot be bound.
  bool Start(const std::string& listen, std::function<std::string()> render) {
    const size_t colon = listen.rfind(':');
    const std::string host = listen.substr(0, colon);
    int port = std::atoi(listen.c_str() + colon + 1);
    http_.Get("/metrics", [render](const httplib::Request&, httplib::Response& response) {
      response.set_content(render(), "text/plain; version=0.0.4");
    });
    if (!(port == 0 ? (port = http_.bind_to_any_port(host)) > 0 : http_.bind_to_port(host, port))) {
      std::cerr << "attnsched-server: cannot serve metrics on " << listen << "\n";
      return false;
    }
    std::cerr << "attnsched-server metrics on " << host << ":" << port << std::endl;
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    return true;
  }

 private:
  httplib::Server http_;
  std::thread thread_;
};

// Waits for SIGTERM or SIGINT (blocked in every thread), then drains: health answers
// NOT_SERVING on the still open listener for --drain_delay seconds (at most --grace)
// while new SAT jobs are refused as worth retrying elsewhere and running ones finish;
// then the listener closes, RPCs in flight get the rest of --grace (plus a second),
// and jobs still running are cancelled. gRPC cancels the calls still running then and
// waits for their handlers to return; handlers stop at their next cancellation poll
// (lib/base/cancellation.h), and should one still be computing a second later (a phase
// without polls), the process exits 0 without it, skipping the rest of the shutdown.
void WaitAndDrain(grpc::Server& server, WorkerPool& pool) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  std::cerr << "attnsched-server: signal " << sig << ", draining\n";
  const absl::Time start = absl::Now();
  const absl::Duration grace = absl::Seconds(absl::GetFlag(FLAGS_grace));
  server.GetHealthCheckService()->SetServingStatus(false);
  std::thread([deadline = start + grace + absl::Seconds(2)] {
    absl::SleepFor(deadline - absl::Now());
    std::cerr << "attnsched-server: calls still computing after --grace; exiting without "
                 "them\n";
    std::_Exit(0);
  }).detach();
  std::thread drain_pool([&] { pool.Shutdown(grace); });
  absl::SleepFor(std::min(absl::Seconds(absl::GetFlag(FLAGS_drain_delay)), grace));
  server.Shutdown(absl::ToChronoTime(start + grace + absl::Seconds(1)));
  drain_pool.join();
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
  Metrics metrics;
  MemoryBudget budget(absl::GetFlag(FLAGS_memory_budget_bytes));
  SchedulerService service(**pool, budget, metrics, ServiceOptionsFromFlags(*sat_worker));
  ReflectionV1Service reflection(
      {v1::GenerateRequest::descriptor()->file()->FindServiceByName("Scheduler"),
       grpc::health::v1::HealthCheckRequest::descriptor()->file()->FindServiceByName("Health")});
  int ports[2] = {0, 0};
  std::unique_ptr<grpc::Server> server = StartGrpc(service, reflection, *credentials, ports);
  if (!server) {
    std::cerr << "attnsched-server: cannot listen on " << absl::GetFlag(FLAGS_listen)
              << (absl::GetFlag(FLAGS_health_listen).empty()
                      ? ""
                      : absl::StrCat(" and ", absl::GetFlag(FLAGS_health_listen)))
              << " (address in use, or not an address of this host)\n";
    return 2;
  }
  MetricsHttp http;
  if (const std::string listen = absl::GetFlag(FLAGS_metrics_listen); !listen.empty()) {
    const int workers = absl::GetFlag(FLAGS_workers);
    if (!http.Start(listen, [&] { return metrics.Render((*pool)->stats(), workers, budget); })) {
      server->Shutdown();
      return 2;
    }
  }
  const auto host = [](const std::string& address) { return address.substr(0, address.rfind(':')); };
  if (ports[1] > 0) {
    std::cerr << "attnsched-server plaintext health on " << host(absl::GetFlag(FLAGS_health_listen))
              << ":" << ports[1] << std::endl;
  }
  // Printed last: the line that tells scripts and tests the server is ready.
  std::cerr << "attnsched-server listening on " << host(absl::GetFlag(FLAGS_listen)) << ":"
            << ports[0] << std::endl;
  std::thread stopper([&] { WaitAndDrain(*server, **pool); });
  server->Wait();
  stopper.join();
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
  constexpr attnsched::CommandLineSpec kProgram{
      "attnsched-server",
      "attnsched-server: the attnsched.v1.Scheduler gRPC service\n"
      "\n"
      "usage: attnsched-server [--listen HOST:PORT] [--workers N] [--queue N] ...\n"
      "  SIGTERM or SIGINT drains: health NOT_SERVING for --drain-delay seconds, running\n"
      "  jobs finish for --grace seconds, exit 0. Bad flags: exit 2.\n"
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
