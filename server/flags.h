// Flags of attnsched-server (defined in flags.cc; `attnsched-server --help` lists
// them), and their checks.
#ifndef ATTNSCHED_SERVER_FLAGS_H_
#define ATTNSCHED_SERVER_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/status.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(int, workers);
ABSL_DECLARE_FLAG(int, queue);
ABSL_DECLARE_FLAG(double, max_deadline);
ABSL_DECLARE_FLAG(double, grace);
ABSL_DECLARE_FLAG(double, drain_delay);
ABSL_DECLARE_FLAG(std::string, health_listen);
ABSL_DECLARE_FLAG(int64_t, max_unary_events);
ABSL_DECLARE_FLAG(int64_t, max_events);
ABSL_DECLARE_FLAG(int64_t, max_operations);
ABSL_DECLARE_FLAG(int64_t, max_sat_variables);
ABSL_DECLARE_FLAG(int64_t, max_sat_clauses);
ABSL_DECLARE_FLAG(int64_t, max_sat_memory_bytes);
ABSL_DECLARE_FLAG(int64_t, plan_evaluations);
ABSL_DECLARE_FLAG(int64_t, search_events);
ABSL_DECLARE_FLAG(bool, sat_race);
ABSL_DECLARE_FLAG(int64_t, memory_budget_bytes);
ABSL_DECLARE_FLAG(int, max_message_bytes);
ABSL_DECLARE_FLAG(std::string, metrics_listen);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, sat_worker);

namespace attnsched::server {

// OK, or InvalidArgumentError naming the first flag out of its range with its value
// and the rule ("--workers = 100000: must be in [1, 1024]", "--listen = 0.0.0.0: needs
// a port (HOST:PORT)", "--max_deadline = nan: must be finite and in (0, 604800]").
absl::Status CheckServerFlags();

// SAT worker threads when --workers is not given: the CPUs this process may use,
// the container's CPU quota (cgroup v2 cpu.max, rounded up) when that is lower.
int DefaultWorkers();

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_FLAGS_H_
