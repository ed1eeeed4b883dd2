// Service metrics in the Prometheus text exposition format (version 0.0.4), served by
// attnsched-server on --metrics_listen (cpp-httplib): requests by method and gRPC
// code, request seconds, SAT solve seconds, SAT jobs allowed to race two solvers, the worker pool's
// queue depth, busy workers and refusals, and the memory budget and its leased bytes. Thread-safe.
#ifndef ATTNSCHED_SERVER_METRICS_H_
#define ATTNSCHED_SERVER_METRICS_H_

#include <map>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/memory_budget.h"
#include "server/worker_pool.h"

namespace attnsched::server {

class Metrics {
 public:
  // One finished RPC: method name, gRPC status code (as a name, e.g. "OK"), seconds.
  void CountRequest(absl::string_view method, absl::string_view code, double seconds);
  // Seconds the SAT solver ran for one request.
  void AddSolveSeconds(double seconds);
  // One SAT job started with a race allowed (ServiceOptions::race_cpus); it races the
  // formulas it solves (none when a bound decides it), when they fit twice in memory.
  void CountRaceAllowedJob();
  // The exposition text, with the pool's and the memory budget's gauges as of now.
  std::string Render(const PoolStats& pool, int workers, const MemoryBudget& memory) const;

 private:
  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, int64_t> requests_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, double> request_seconds_ ABSL_GUARDED_BY(mu_);
  double solve_seconds_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t race_allowed_jobs_ ABSL_GUARDED_BY(mu_) = 0;
};

// "OK", "INVALID_ARGUMENT", ... for a gRPC status code number.
absl::string_view GrpcCodeName(int code);

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_METRICS_H_
