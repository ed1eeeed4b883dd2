#include "server/scheduler_service.h"

#include <chrono>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "attnsched/v1/convert.h"
#include "lib/algorithms/generator.h"
#include "lib/export/summary.h"
#include "lib/sat/optimal_search.h"
#include "lib/sat/prove.h"
#include "lib/schedule/simulator.h"
#include "lib/status_macros.h"
#include "server/status_map.h"

namespace attnsched::server {
namespace {

absl::Time DeadlineOf(const grpc::ServerContext& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

// One structured log line per RPC (stderr) and its metrics: method, peer, code,
// duration, queue wait.
class RpcLog {
 public:
  RpcLog(absl::string_view method, const grpc::ServerContext& context, Metrics& metrics)
      : method_(method), peer_(context.peer()), metrics_(metrics) {}
  grpc::Status Done(const grpc::Status& status) {
    const absl::string_view code = GrpcCodeName(static_cast<int>(status.error_code()));
    const absl::Duration took = absl::Now() - start_;
    std::cerr << absl::StrFormat(
        "rpc method=%s peer=%s code=%s duration_ms=%.1f queue_wait_ms=%.1f\n", method_, peer_,
        code, absl::ToDoubleMilliseconds(took), absl::ToDoubleMilliseconds(queue_wait_));
    metrics_.CountRequest(method_, code, absl::ToDoubleSeconds(took));
    return status;
  }
  void set_queue_wait(absl::Duration d) { queue_wait_ = d; }

 private:
  const std::string method_, peer_;
  Metrics& metrics_;
  const absl::Time start_ = absl::Now();
  absl::Duration queue_wait_;
};

struct Generated {
  Schedule schedule;
  Summary summary;
};

absl::StatusOr<Generated> GenerateChecked(const v1::GenerateRequest& request, int64_t limit,
                                          absl::string_view over_limit_hint) {
  ASSIGN_OR_RETURN(const Problem problem, rpc::ProblemFromProto(request.problem()));
  const Generator& generator = GeneratorFor(problem.scheme());
  RETURN_IF_ERROR(generator.Supports(problem));
  const int64_t events = generator.CountEvents(problem);
  if (events > limit) {
    return absl::ResourceExhaustedError(absl::StrCat(
        Describe(problem), ": the schedule has ", events, " events, above this server's limit of ",
        limit, over_limit_hint));
  }
  ASSIGN_OR_RETURN(Schedule schedule, Generate(problem, GenerateOptions{limit}));
  ASSIGN_OR_RETURN(const ValidationReport report, Validate(schedule, ValidationOptions{limit}));
  std::optional<SimulationReport> simulation;
  if (request.simulate()) {
    ASSIGN_OR_RETURN(simulation, Simulate(schedule, request.seed()));
  }
  Summary summary = Summarize(schedule, report, simulation);
  summary.generator = std::string(generator.name());
  return Generated{std::move(schedule), std::move(summary)};
}

// Runs `fn` on the worker pool and waits, cancelling the job if the client goes away.
// `drain` is called regularly while waiting (to stream progress).
grpc::Status RunOnPool(WorkerPool& pool, grpc::ServerContext& context, RpcLog& log,
                       JobHandle::Fn fn, const std::function<void()>& drain) {
  absl::StatusOr<std::shared_ptr<JobHandle>> job = pool.Submit(std::move(fn), DeadlineOf(context));
  if (!job.ok()) return ToGrpcStatus(job.status());
  JobOutcome outcome = JobOutcome::kPending;
  while ((outcome = (*job)->WaitFor(absl::Milliseconds(10))) == JobOutcome::kPending) {
    drain();
    if (context.IsCancelled()) pool.Cancel(*job);
  }
  drain();
  log.set_queue_wait((*job)->queue_wait());
  switch (outcome) {
    case JobOutcome::kCompleted:
      return context.IsCancelled() ? grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")
                                   : grpc::Status::OK;
    case JobOutcome::kCancelled:
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client");
    case JobOutcome::kDeadlineExceeded:
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "the deadline passed while the job waited for a SAT worker");
    default:
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the server shut down before the job started; retry elsewhere");
  }
}

std::optional<Placement> PlacementOf(const v1::SolveRequest& request) {
  if (request.placement().empty()) return std::nullopt;
  return Placement(request.placement().begin(), request.placement().end());
}

absl::Duration TimeLimit(double seconds, absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  return seconds > 0 ? std::min(absl::Seconds(seconds), left) : left;
}

}  // namespace

grpc::Status SchedulerService::GenerateSchedule(grpc::ServerContext* context,
                                                const v1::GenerateRequest* request,
                                                v1::GenerateResponse* response) {
  RpcLog log("GenerateSchedule", *context, metrics_);
  absl::StatusOr<Generated> g =
      GenerateChecked(*request, std::min(options_.max_unary_events, options_.max_events),
                      " for one message; use StreamSchedule");
  if (!g.ok()) return log.Done(ToGrpcStatus(g.status()));
  rpc::SummaryToProto(g->summary, response->mutable_summary());
  rpc::ScheduleToProto(g->schedule, response->mutable_schedule());
  return log.Done(grpc::Status::OK);
}

grpc::Status SchedulerService::StreamSchedule(grpc::ServerContext* context,
                                              const v1::GenerateRequest* request,
                                              grpc::ServerWriter<v1::ScheduleChunk>* writer) {
  RpcLog log("StreamSchedule", *context, metrics_);
  absl::StatusOr<Generated> g = GenerateChecked(*request, options_.max_events, "");
  if (!g.ok()) return log.Done(ToGrpcStatus(g.status()));
  v1::ScheduleChunk chunk;
  rpc::SummaryToProto(g->summary, chunk.mutable_summary());
  rpc::ProblemToProto(g->schedule.problem, chunk.mutable_problem());
  chunk.mutable_placement()->Assign(g->schedule.placement.begin(), g->schedule.placement.end());
  const std::vector<Event>& events = g->schedule.events;
  for (size_t k = 0; k <= events.size(); ++k) {
    if (k < events.size()) rpc::EventToProto(events[k], chunk.add_events());
    const bool full = chunk.events_size() >= options_.chunk_events;
    if (!full && k < events.size()) continue;
    if (context->IsCancelled()) return log.Done(grpc::Status::CANCELLED);
    if (!writer->Write(chunk)) return log.Done(grpc::Status::CANCELLED);
    chunk.Clear();
  }
  return log.Done(grpc::Status::OK);
}

grpc::Status SchedulerService::VerifySchedule(grpc::ServerContext* context,
                                              grpc::ServerReader<v1::ScheduleChunk>* reader,
                                              v1::VerifyResponse* response) {
  RpcLog log("VerifySchedule", *context, metrics_);
  v1::ScheduleChunk chunk;
  std::optional<Schedule> s;
  while (reader->Read(&chunk)) {
    if (!s) {
      absl::StatusOr<Problem> problem = rpc::ProblemFromProto(chunk.problem());
      if (!problem.ok()) return log.Done(ToGrpcStatus(problem.status()));
      s = Schedule{*problem, {}, {}};
    }
    s->placement.insert(s->placement.end(), chunk.placement().begin(), chunk.placement().end());
    for (const v1::Event& e : chunk.events()) {
      if (static_cast<int64_t>(s->events.size()) >= options_.max_events) {
        return log.Done(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                     absl::StrCat("the schedule has more than ", options_.max_events,
                                                  " events, this server's limit")));
      }
      absl::StatusOr<Event> event = rpc::EventFromProto(e, static_cast<int64_t>(s->events.size()));
      if (!event.ok()) return log.Done(ToGrpcStatus(event.status()));
      s->events.push_back(*event);
    }
  }
  if (!s) {
    return log.Done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "problem: missing (the first chunk carries the problem)"));
  }
  absl::StatusOr<ValidationReport> report = Validate(*s, ValidationOptions{options_.max_events});
  if (!report.ok()) return log.Done(ToGrpcStatus(report.status()));
  std::optional<SimulationReport> simulation;
  if (report->valid()) {
    absl::StatusOr<SimulationReport> sim = Simulate(*s, 1);
    if (!sim.ok()) return log.Done(ToGrpcStatus(sim.status()));
    simulation = *sim;
  }
  Summary summary = Summarize(*s, *report, simulation);
  summary.generator = "request";
  rpc::SummaryToProto(summary, response->mutable_summary());
  return log.Done(grpc::Status::OK);
}

grpc::Status SchedulerService::SolveOptimal(grpc::ServerContext* context,
                                            const v1::SolveRequest* request,
                                            grpc::ServerWriter<v1::SolveProgress>* writer) {
  RpcLog log("SolveOptimal", *context, metrics_);
  absl::StatusOr<Problem> problem = rpc::ProblemFromProto(request->problem());
  if (!problem.ok()) return log.Done(ToGrpcStatus(problem.status()));
  struct Shared {
    absl::Mutex mu;
    std::deque<sat::BoundAttempt> attempts ABSL_GUARDED_BY(mu);
    std::optional<absl::StatusOr<sat::OptimalResult>> result ABSL_GUARDED_BY(mu);
  };
  auto shared = std::make_shared<Shared>();
  sat::SearchOptions options;
  options.placement = PlacementOf(*request);
  options.limits = options_.sat_limits;
  options.on_progress = [shared](const sat::BoundAttempt& a) {
    absl::MutexLock lock(&shared->mu);
    shared->attempts.push_back(a);
  };
  const Problem p = *problem;
  const double seconds = request->time_limit_seconds();
  auto drain = [&] {
    std::deque<sat::BoundAttempt> attempts;
    {
      absl::MutexLock lock(&shared->mu);
      attempts.swap(shared->attempts);
    }
    for (const sat::BoundAttempt& a : attempts) {
      v1::SolveProgress progress;
      progress.mutable_attempt()->set_bound_cycles(a.bound);
      progress.mutable_attempt()->set_answer(std::string(sat::SatResultName(a.result)));
      progress.mutable_attempt()->set_seconds(a.seconds);
      writer->Write(progress);
    }
  };
  grpc::Status status = RunOnPool(
      pool_, *context, log,
      [shared, options, p, seconds](const sat::CancelToken& cancel, absl::Time deadline) mutable {
        options.cancel = &cancel;
        options.time_limit = TimeLimit(seconds, deadline);
        absl::StatusOr<sat::OptimalResult> r = sat::SolveOptimal(p, options);
        absl::MutexLock lock(&shared->mu);
        shared->result = std::move(r);
      },
      drain);
  if (!status.ok()) return log.Done(status);
  absl::MutexLock lock(&shared->mu);
  if (!shared->result->ok()) return log.Done(ToGrpcStatus(shared->result->status()));
  const sat::OptimalResult& r = **shared->result;
  metrics_.AddSolveSeconds(r.stats.seconds);
  v1::SolveProgress progress;
  v1::SolveResult* out = progress.mutable_result();
  out->set_status(r.optimal ? "OPTIMAL" : "UNKNOWN");
  out->set_optimal(r.optimal);
  out->set_makespan_cycles(r.makespan);
  out->set_lower_bound_cycles(r.lower_bound);
  out->set_upper_bound_cycles(r.upper_bound);
  out->set_proof(r.proof);
  out->set_unknown_reason(r.unknown_reason);
  out->set_solve_seconds(r.stats.seconds);
  out->set_variables(r.stats.variables);
  out->set_clauses(r.stats.clauses);
  out->set_conflicts(r.stats.conflicts);
  rpc::ScheduleToProto(r.witness, out->mutable_witness());
  writer->Write(progress);
  return log.Done(grpc::Status::OK);
}

grpc::Status SchedulerService::ProveOptimality(grpc::ServerContext* context,
                                               const v1::ProveRequest* request,
                                               v1::ProveResponse* response) {
  RpcLog log("ProveOptimality", *context, metrics_);
  absl::StatusOr<Schedule> schedule = rpc::ScheduleFromProto(request->schedule());
  if (!schedule.ok()) return log.Done(ToGrpcStatus(schedule.status()));
  auto result = std::make_shared<std::optional<absl::StatusOr<sat::ProofResult>>>();
  const double seconds = request->time_limit_seconds();
  const sat::EncodeLimits limits = options_.sat_limits;
  const bool drat = request->drat_proof();
  grpc::Status status = RunOnPool(
      pool_, *context, log,
      [result, s = *std::move(schedule), seconds, limits, drat](const sat::CancelToken& cancel,
                                                                 absl::Time deadline) {
        sat::ProveOptions options;
        options.cancel = &cancel;
        options.limits = limits;
        options.time_limit = TimeLimit(seconds, deadline);
        if (drat) {
          options.drat_path = absl::StrCat("/tmp/attnsched-proof-", absl::ToUnixNanos(absl::Now()),
                                           ".drat");
        }
        *result = sat::Prove(s, options);
        if (drat) std::remove(options.drat_path.c_str());
      },
      [] {});
  if (!status.ok()) return log.Done(status);
  if (!(*result)->ok()) return log.Done(ToGrpcStatus((*result)->status()));
  const sat::ProofResult& r = ***result;
  metrics_.AddSolveSeconds(r.stats.seconds);
  response->set_status(std::string(sat::ProofStatusName(r.status)));
  response->set_optimal(r.status == sat::ProofStatus::kOptimal);
  response->set_makespan_cycles(r.makespan);
  response->set_lower_bound_cycles(r.lower_bound);
  response->set_proof(r.proof);
  response->set_detail(r.detail);
  if (r.better) rpc::ScheduleToProto(*r.better, response->mutable_better());
  response->set_solve_seconds(r.stats.seconds);
  response->set_variables(r.stats.variables);
  response->set_clauses(r.stats.clauses);
  response->set_conflicts(r.stats.conflicts);
  return log.Done(grpc::Status::OK);
}

}  // namespace attnsched::server
