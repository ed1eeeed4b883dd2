#include "server/flags.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/algorithms/generator.h"
#include "lib/algorithms/plan_search.h"
#include "lib/schedule/validator.h"
#include "lib/status_macros.h"
#include "server/memory_budget.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "address to listen on (HOST:PORT; port 0 picks a free one; 0.0.0.0:PORT for all "
          "interfaces, e.g. in a container); refused when another process holds it");
ABSL_FLAG(int, workers, attnsched::server::DefaultWorkers(),
          "SAT worker threads, 1..1024 (default: the CPUs this process may use, the "
          "container's CPU quota when lower)");
ABSL_FLAG(int, queue, 16, "SAT jobs that may wait for a worker, 0..1000000; more are refused");
ABSL_FLAG(double, max_deadline, 600,
          "seconds: the longest a SAT job, a generation or a verification may run, "
          "(0, 604800]");
ABSL_FLAG(double, grace, 10, "seconds running jobs may finish after SIGTERM, [0, 3600]");
ABSL_FLAG(double, drain_delay, 5,
          "seconds the listener stays open after SIGTERM, answering health NOT_SERVING so "
          "load balancers stop sending (at most --grace), [0, 3600]");
ABSL_FLAG(std::string, health_listen, "",
          "a second, plaintext listener on a loopback address (127.0.0.1:PORT, [::1]:PORT) "
          "for health probes inside the pod when --tls_cert is set; it serves every "
          "service; empty: none");
ABSL_FLAG(int64_t, max_unary_events, 2'000'000,
          "GenerateSchedule refuses larger schedules (use StreamSchedule); >= 1");
ABSL_FLAG(int64_t, max_events, attnsched::kDefaultMaxEvents,
          "largest schedule held whole, in events (small instances, storage limits, "
          "verification streams not in start order, ProveOptimality); streamed schedules "
          "hold no events; >= 1");
ABSL_FLAG(int64_t, max_operations, attnsched::kDefaultMaxOperations,
          "largest task graph to generate or check, in operations (about 1 byte each, 24 "
          "with simulation, leased from --memory_budget_bytes); >= 1");
ABSL_FLAG(int64_t, max_sat_variables, 20'000'000, "largest SAT formula, in variables; >= 1");
ABSL_FLAG(int64_t, max_sat_clauses, 100'000'000, "largest SAT formula, in clauses; >= 1");
ABSL_FLAG(int64_t, max_sat_memory_bytes, 0,
          "bytes one SAT job's formula and solver may take, estimated before encoding at 72 "
          "bytes per estimated clause; 0: half the memory this process may use (the other "
          "half is the --memory_budget_bytes default) divided by --workers");
ABSL_FLAG(int64_t, plan_evaluations, attnsched::kDefaultPlanEvaluations,
          "plans the local search for a better first schedule compiles at most per SAT job "
          "(0: none)");
ABSL_FLAG(bool, sat_race, true,
          "a SAT job that starts with two cores free (at most half the CPUs busy with SAT "
          "jobs, itself included) races CryptoMiniSat against CaDiCaL on a second thread");
ABSL_FLAG(int64_t, search_events, attnsched::kDefaultSearchEvents,
          "GenerateSchedule, StreamSchedule: events the local search over plans compiles at "
          "most per schedule (small instances only; 0: none)");
ABSL_FLAG(int64_t, memory_budget_bytes, attnsched::server::DefaultMemoryBudget(),
          "bytes the schedules of running requests may hold at once, about 80 per event; "
          "larger requests get RESOURCE_EXHAUSTED (default: half the container's memory "
          "limit, or of the physical memory)");
ABSL_FLAG(int, max_message_bytes, 64 << 20,
          "largest gRPC message received or sent, 4096..2147483647 bytes (a GenerateSchedule "
          "response or a ProveOptimality request: about 18 bytes per event)");
ABSL_FLAG(std::string, metrics_listen, "",
          "serve Prometheus text metrics at http://HOST:PORT/metrics (port 0 picks one); "
          "empty: off");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain (with --tls_key: serve TLS)");
ABSL_FLAG(std::string, tls_key, "", "PEM private key");
ABSL_FLAG(std::string, sat_worker, "",
          "the attnsched-sat-worker program that runs each SAT job in a process of its own; "
          "empty: the one beside this server's executable");

namespace attnsched::server {
namespace {

absl::Status OutOfRange(absl::string_view flag, absl::string_view value, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, " = ", value, ": ", rule));
}

absl::Status CheckInt(absl::string_view flag, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return OutOfRange(flag, absl::StrCat(value),
                    hi == INT64_MAX ? absl::StrCat("must be >= ", lo)
                                    : absl::StrCat("must be in [", lo, ", ", hi, "]"));
}

absl::Status CheckSeconds(absl::string_view flag, double value, bool zero_allowed, double hi) {
  if (std::isfinite(value) && (zero_allowed ? value >= 0 : value > 0) && value <= hi) {
    return absl::OkStatus();
  }
  return OutOfRange(flag, absl::StrCat(value),
                    absl::StrCat("must be finite and in ", zero_allowed ? "[0, " : "(0, ", hi, "]"));
}

// HOST:PORT with a port in [0, 65535] (IPv6 hosts in brackets: [::]:50051).
absl::Status CheckAddress(absl::string_view flag, const std::string& address) {
  const size_t colon = address.rfind(':');
  const absl::string_view port =
      colon == std::string::npos ? "" : absl::string_view(address).substr(colon + 1);
  int value = -1;
  if (colon == std::string::npos || colon == 0 || !absl::SimpleAtoi(port, &value) ||
      value < 0 || value > 65535 || port.empty() || port.front() == '+' || port.front() == '-') {
    return OutOfRange(flag, address, "needs HOST:PORT with a port in [0, 65535]");
  }
  return absl::OkStatus();
}

// Plaintext listeners serve every service, so they stay inside the host (or pod).
absl::Status CheckLoopback(absl::string_view flag, const std::string& address) {
  const std::string host = address.substr(0, address.rfind(':'));
  if (host == "localhost" || host == "[::1]" || absl::StartsWith(host, "127.")) {
    return absl::OkStatus();
  }
  return OutOfRange(flag, address,
                    "must be a loopback address (127.0.0.1:PORT, localhost:PORT or [::1]:PORT): "
                    "it serves without TLS");
}

}  // namespace

absl::Status CheckServerFlags() {
  RETURN_IF_ERROR(CheckAddress("listen", absl::GetFlag(FLAGS_listen)));
  if (const std::string metrics = absl::GetFlag(FLAGS_metrics_listen); !metrics.empty()) {
    RETURN_IF_ERROR(CheckAddress("metrics_listen", metrics));
  }
  RETURN_IF_ERROR(CheckInt("workers", absl::GetFlag(FLAGS_workers), 1, 1024));
  RETURN_IF_ERROR(CheckInt("queue", absl::GetFlag(FLAGS_queue), 0, 1'000'000));
  RETURN_IF_ERROR(CheckSeconds("max_deadline", absl::GetFlag(FLAGS_max_deadline), false, 604800));
  RETURN_IF_ERROR(CheckSeconds("grace", absl::GetFlag(FLAGS_grace), true, 3600));
  RETURN_IF_ERROR(CheckSeconds("drain_delay", absl::GetFlag(FLAGS_drain_delay), true, 3600));
  if (const std::string health = absl::GetFlag(FLAGS_health_listen); !health.empty()) {
    RETURN_IF_ERROR(CheckAddress("health_listen", health));
    RETURN_IF_ERROR(CheckLoopback("health_listen", health));
  }
  for (const auto& [flag, value] :
       {std::pair{"max_unary_events", absl::GetFlag(FLAGS_max_unary_events)},
        {"max_events", absl::GetFlag(FLAGS_max_events)},
        {"max_operations", absl::GetFlag(FLAGS_max_operations)},
        {"max_sat_variables", absl::GetFlag(FLAGS_max_sat_variables)},
        {"max_sat_clauses", absl::GetFlag(FLAGS_max_sat_clauses)},
        {"memory_budget_bytes", absl::GetFlag(FLAGS_memory_budget_bytes)}}) {
    RETURN_IF_ERROR(CheckInt(flag, value, 1, INT64_MAX));
  }
  for (const auto& [flag, value] :
       {std::pair{"plan_evaluations", absl::GetFlag(FLAGS_plan_evaluations)},
        {"search_events", absl::GetFlag(FLAGS_search_events)}}) {
    if (value < 0) return OutOfRange(flag, absl::StrCat(value), "must be >= 0 (0: off)");
  }
  if (const int64_t bytes = absl::GetFlag(FLAGS_max_sat_memory_bytes); bytes < 0) {
    return OutOfRange("max_sat_memory_bytes", absl::StrCat(bytes), "must be >= 0 (0: automatic)");
  }
  return CheckInt("max_message_bytes", absl::GetFlag(FLAGS_max_message_bytes), 4096, INT32_MAX);
}

int DefaultWorkers() {
  int cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::ifstream max("/sys/fs/cgroup/cpu.max");
  std::string quota, period;
  int64_t q = 0, p = 0;
  if (max >> quota >> period && absl::SimpleAtoi(quota, &q) && absl::SimpleAtoi(period, &p) &&
      q > 0 && p > 0) {
    cpus = static_cast<int>(std::min<int64_t>(cpus, std::max<int64_t>(1, (q + p - 1) / p)));
  }
  return std::clamp(cpus, 1, 1024);
}

}  // namespace attnsched::server
