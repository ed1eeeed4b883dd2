#include "server/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace attnsched::server {

absl::string_view GrpcCodeName(int code) {
  static constexpr absl::string_view kNames[] = {
      "OK",          "CANCELLED",          "UNKNOWN",          "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",    "ALREADY_EXISTS",   "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",  "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",         "UNAVAILABLE",      "DATA_LOSS",
      "UNAUTHENTICATED"};
  return code >= 0 && code < 17 ? kNames[code] : "UNKNOWN";
}

void Metrics::CountRequest(absl::string_view method, absl::string_view code, double seconds) {
  absl::MutexLock lock(&mu_);
  ++requests_[{std::string(method), std::string(code)}];
  request_seconds_[std::string(method)] += seconds;
}

void Metrics::AddSolveSeconds(double seconds) {
  absl::MutexLock lock(&mu_);
  solve_seconds_ += seconds;
}

void Metrics::CountRaceAllowedJob() {
  absl::MutexLock lock(&mu_);
  ++race_allowed_jobs_;
}

std::string Metrics::Render(const PoolStats& pool, int workers,
                            const MemoryBudget& memory) const {
  absl::MutexLock lock(&mu_);
  std::string out =
      "# HELP attnsched_requests_total RPCs answered, by method and gRPC code.\n"
      "# TYPE attnsched_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    absl::StrAppend(&out, absl::StrFormat("attnsched_requests_total{method=\"%s\",code=\"%s\"} %d\n",
                                          key.first, key.second, count));
  }
  absl::StrAppend(&out,
                  "# HELP attnsched_request_seconds_total Wall seconds spent answering, by method.\n"
                  "# TYPE attnsched_request_seconds_total counter\n");
  for (const auto& [method, seconds] : request_seconds_) {
    absl::StrAppend(&out, absl::StrFormat("attnsched_request_seconds_total{method=\"%s\"} %.6f\n",
                                          method, seconds));
  }
  absl::StrAppend(
      &out,
      absl::StrFormat(
          "# HELP attnsched_sat_solve_seconds_total Seconds inside the SAT solver.\n"
          "# TYPE attnsched_sat_solve_seconds_total counter\n"
          "attnsched_sat_solve_seconds_total %.6f\n"
          "# HELP attnsched_sat_race_allowed_jobs_total SAT jobs started with two cores free, "
          "allowed to race CryptoMiniSat against CaDiCaL (a job races only the formulas it "
          "solves that fit twice in memory).\n"
          "# TYPE attnsched_sat_race_allowed_jobs_total counter\n"
          "attnsched_sat_race_allowed_jobs_total %d\n"
          "# HELP attnsched_queue_depth SAT jobs waiting for a worker.\n"
          "# TYPE attnsched_queue_depth gauge\n"
          "attnsched_queue_depth %d\n"
          "# HELP attnsched_busy_workers SAT workers running a job.\n"
          "# TYPE attnsched_busy_workers gauge\n"
          "attnsched_busy_workers %d\n"
          "# HELP attnsched_workers SAT worker threads.\n"
          "# TYPE attnsched_workers gauge\n"
          "attnsched_workers %d\n"
          "# HELP attnsched_rejected_total SAT jobs refused (full queue or shutting down).\n"
          "# TYPE attnsched_rejected_total counter\n"
          "attnsched_rejected_total %d\n"
          "# HELP attnsched_memory_budget_bytes The memory budget for schedules.\n"
          "# TYPE attnsched_memory_budget_bytes gauge\n"
          "attnsched_memory_budget_bytes %d\n"
          "# HELP attnsched_memory_leased_bytes Bytes of the budget running requests hold.\n"
          "# TYPE attnsched_memory_leased_bytes gauge\n"
          "attnsched_memory_leased_bytes %d\n",
          solve_seconds_, race_allowed_jobs_, pool.queued, pool.busy, workers, pool.rejected,
          memory.total(), memory.in_use()));
  return out;
}

}  // namespace attnsched::server
