// The attnsched.v1.Scheduler service (SPEC section 7). Thin: it converts messages
// (proto/attnsched/v1/convert.h) and calls the library; SAT work runs on the worker
// pool, each job in a worker process of its own (sat_process.h), with the client's
// deadline capped by the pool's maximum and cancellation killing the process. Every
// schedule a request holds is admitted by the server's memory budget first
// (memory_budget.h). Errors are mapped in one place (status_map.h). Thread-safe.
#ifndef ATTNSCHED_SERVER_SCHEDULER_SERVICE_H_
#define ATTNSCHED_SERVER_SCHEDULER_SERVICE_H_

#include <cstdint>
#include <string>

#include "attnsched/internal/sat_job.pb.h"
#include "attnsched/v1/scheduler.grpc.pb.h"
#include "lib/sat/encoder.h"
#include "lib/algorithms/generator.h"
#include "lib/sat/optimal_search.h"
#include "lib/schedule/validator.h"
#include "server/memory_budget.h"
#include "server/metrics.h"
#include "server/worker_pool.h"

namespace attnsched::server {

struct ServiceOptions {
  // GenerateSchedule answers RESOURCE_EXHAUSTED above this many events (one message);
  // StreamSchedule has no such limit below max_events.
  int64_t max_unary_events = 2'000'000;
  int64_t max_events = kDefaultMaxEvents;  // a schedule held whole, generated or received
  int64_t max_operations = kDefaultMaxOperations;  // a task graph generated or checked
  int chunk_events = 50'000;               // events (or runs) per streamed chunk (< 2 MB)
  sat::EncodeLimits sat_limits;
  int64_t plan_evaluations = kDefaultPlanEvaluations;  // SearchOptions::plan_evaluations
  int64_t search_events = kDefaultSearchEvents;        // GenerateOptions::search_events
  // A SAT job races two solvers (SatJob.race) when it starts with at most race_cpus / 2
  // jobs running, itself included, i.e. with two cores to itself (0: never).
  int race_cpus = 0;
  // attnsched-sat-worker, which runs each SAT job in a process of its own.
  std::string sat_worker;
};

class SchedulerService final : public v1::Scheduler::Service {
 public:
  // `pool`, `budget` and `metrics` must outlive the service.
  SchedulerService(WorkerPool& pool, MemoryBudget& budget, Metrics& metrics,
                   const ServiceOptions& options)
      : pool_(pool), budget_(budget), metrics_(metrics), options_(options) {}

  grpc::Status GenerateSchedule(grpc::ServerContext* context, const v1::GenerateRequest* request,
                                v1::GenerateResponse* response) override;
  grpc::Status StreamSchedule(grpc::ServerContext* context, const v1::GenerateRequest* request,
                              grpc::ServerWriter<v1::ScheduleChunk>* writer) override;
  grpc::Status VerifySchedule(grpc::ServerContext* context,
                              grpc::ServerReader<v1::ScheduleChunk>* reader,
                              v1::VerifyResponse* response) override;
  grpc::Status SolveOptimal(grpc::ServerContext* context, const v1::SolveRequest* request,
                            grpc::ServerWriter<v1::SolveProgress>* writer) override;
  grpc::Status ProveOptimality(grpc::ServerContext* context, const v1::ProveRequest* request,
                               v1::ProveResponse* response) override;
  grpc::Status StreamPrograms(grpc::ServerContext* context, const v1::ProgramRequest* request,
                              grpc::ServerWriter<v1::ProgramChunk>* writer) override;

 private:
  // A SAT job carrying this server's formula limits.
  internal::SatJob JobWithLimits() const;

  WorkerPool& pool_;
  MemoryBudget& budget_;
  Metrics& metrics_;
  const ServiceOptions options_;
};

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_SCHEDULER_SERVICE_H_
