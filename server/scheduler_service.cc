#include "server/scheduler_service.h"

#include <chrono>
#include <cmath>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "attnsched/v1/chunks.h"
#include "attnsched/v1/convert.h"
#include "lib/algorithms/generator.h"
#include "lib/base/cancellation.h"
#include "lib/export/pe_programs.h"
#include "lib/export/summary.h"
#include "lib/model/heads.h"
#include "lib/sat/prove.h"
#include "lib/schedule/check.h"
#include "lib/schedule/event_sink.h"
#include "lib/status_macros.h"
#include "server/retryable.h"
#include "server/sat_process.h"
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
  RpcLog(absl::string_view method, grpc::ServerContext& context, Metrics& metrics)
      : method_(method), context_(context), metrics_(metrics) {}
  // The library's status as the RPC's answer (status_map.h).
  grpc::Status Done(const absl::Status& status) { return Done(ToGrpcStatus(status, context_)); }
  grpc::Status Done(const grpc::Status& status) {
    const absl::string_view code = GrpcCodeName(static_cast<int>(status.error_code()));
    const absl::Duration took = absl::Now() - start_;
    std::cerr << absl::StrFormat(
        "rpc method=%s peer=%s code=%s duration_ms=%.1f queue_wait_ms=%.1f\n", method_,
        context_.peer(),
        code, absl::ToDoubleMilliseconds(took), absl::ToDoubleMilliseconds(queue_wait_));
    metrics_.CountRequest(method_, code, absl::ToDoubleSeconds(took));
    return status;
  }
  void set_queue_wait(absl::Duration d) { queue_wait_ = d; }

 private:
  const std::string method_;
  grpc::ServerContext& context_;
  Metrics& metrics_;
  const absl::Time start_ = absl::Now();
  absl::Duration queue_wait_;
};

// The schedule the request asks for, as a stream, admitted by `lease` (at
// `bytes_per_event` when held) before it is compiled, within `limit` events when it
// is held (`hold`: the caller reads it whole); CancelledError once `cancelled` (the
// call's) turns true.
absl::StatusOr<Generated> GenerateFor(const v1::GenerateRequest& request,
                                      const ServiceOptions& options, int64_t limit, bool hold,
                                      absl::string_view over_limit_hint,
                                      MemoryBudget::Lease& lease, int64_t bytes_per_event,
                                      const Cancelled& cancelled) {
  ASSIGN_OR_RETURN(const Problem problem, rpc::ProblemFromProto(request.problem()));
  GenerateOptions generate{limit, std::nullopt, options.search_events};
  generate.cancelled = cancelled;
  generate.hold = hold;
  generate.max_operations = options.max_operations;
  ASSIGN_OR_RETURN(generate.placement, rpc::PlacementFromProto(request.placement()));
  generate.admit = [&](int64_t events, bool held) {
    // A streamed schedule holds state per operation, not its events.
    return lease.GrowTo(held ? EventBytes(events, bytes_per_event) : CheckBytes(events, 0),
                        absl::StrCat("a schedule of ", events, " events"));
  };
  absl::StatusOr<Generated> g = Generate(problem, generate);
  if (absl::IsResourceExhausted(g.status()) && !RetryAfterMs(g.status())) {
    return absl::ResourceExhaustedError(absl::StrCat(g.status().message(), over_limit_hint));
  }
  return g;
}

// Validates `source` (g's events, or a tee over them), simulates it if the request
// asks, and summarises it with g's origin.
absl::StatusOr<v1::ScheduleSummary> CheckGenerated(EventSource& source, const Generated& g,
                                                   const v1::GenerateRequest& request,
                                                   int64_t max_operations,
                                                   const Cancelled& cancelled) {
  CheckOptions check{max_operations, std::nullopt, cancelled};
  if (request.simulate()) check.simulate_seed = request.seed();
  ASSIGN_OR_RETURN(const CheckReport report, CheckSchedule(source, check));
  Summary summary = Summarize(source.problem(), source.placement(), report);
  summary.generator = g.generator;
  summary.placement = g.placement;
  summary.placement_pinned = g.pinned;
  summary.note = g.note;
  v1::ScheduleSummary proto;
  rpc::SummaryToProto(summary, &proto);
  return proto;
}

// Runs `fn` on the worker pool and waits, cancelling the job if the client goes away.
// `drain` is called regularly while waiting (to stream progress).
grpc::Status RunOnPool(WorkerPool& pool, grpc::ServerContext& context, RpcLog& log,
                       JobHandle::Fn fn, const std::function<void()>& drain) {
  absl::StatusOr<std::shared_ptr<JobHandle>> job = pool.Submit(std::move(fn), DeadlineOf(context));
  // A full queue or a draining server: worth retrying, and gRPC's standard pushback
  // says when (clients without a retry policy read it as a hint).
  if (!job.ok()) return ToGrpcStatus(job.status(), context);
  JobOutcome outcome = JobOutcome::kPending;
  while ((outcome = (*job)->WaitFor(absl::Milliseconds(10))) == JobOutcome::kPending) {
    drain();
    if (context.IsCancelled()) pool.Cancel(*job);
  }
  drain();
  log.set_queue_wait((*job)->queue_wait());
  switch (outcome) {
    case JobOutcome::kCompleted:
      if (!context.IsCancelled()) return grpc::Status::OK;
      if (absl::Now() >= DeadlineOf(context)) {
        return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                            "the client's deadline passed before an answer");
      }
      return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
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

// The worker's own time limit: the request's, but ending before the deadline by a
// quarter of the time left, at most 1 s (CaDiCaL's longest measured stretch between
// terminator polls is 250-360 ms, longer on a loaded machine), so that its best
// witness arrives before the kill.
absl::Duration TimeLimit(double seconds, absl::Time deadline) {
  const absl::Duration left = deadline - absl::Now();
  const absl::Duration graceful = left - std::min(left / 4, absl::Seconds(1));
  return seconds > 0 ? std::min(absl::Seconds(seconds), graceful) : graceful;
}

absl::Status CheckTimeLimit(double seconds) {
  if (std::isfinite(seconds) && seconds >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("time_limit_seconds = ", seconds,
                   ": must be a finite number of seconds >= 0 (0: the server's maximum)"));
}

// What a SAT worker process reported, shared between the pool's thread and the RPC.
struct SatJobState {
  absl::Mutex mu;
  std::deque<v1::SolveProgress::Attempt> attempts ABSL_GUARDED_BY(mu);  // not yet sent
  std::optional<internal::SatJobOutput> last ABSL_GUARDED_BY(mu);     // result or error
  std::optional<v1::SolveResult> provisional ABSL_GUARDED_BY(mu);     // best so far
  double attempt_seconds ABSL_GUARDED_BY(mu) = 0;                      // their sum
  absl::Status process ABSL_GUARDED_BY(mu);
};

// The worker is stopped this long before the deadline when it has not stopped
// itself, so that the best schedule so far still reaches the client in time.
constexpr absl::Duration kAnswerMargin = absl::Milliseconds(100);

// Runs `job` in a SAT worker process (sat_process.h) on the pool and waits; OK when
// the worker delivered a result (state.last), else the status to answer with.
grpc::Status RunSatJob(WorkerPool& pool, const ServiceOptions& options, Metrics& metrics,
                       grpc::ServerContext& context, RpcLog& log, internal::SatJob job,
                       double seconds, const std::shared_ptr<SatJobState>& state,
                       const std::function<void()>& drain) {
  grpc::Status status = RunOnPool(
      pool, context, log,
      [state, job = std::move(job), worker = options.sat_worker, seconds,
       race_cpus = options.race_cpus, &pool,
       &metrics](const sat::CancelToken& cancel, absl::Time deadline) mutable {
        job.set_time_limit_seconds(absl::ToDoubleSeconds(TimeLimit(seconds, deadline)));
        // Two cores to itself: at most half the CPUs busy with jobs, this one included.
        job.set_race(race_cpus > 0 && pool.stats().busy * 2 <= race_cpus);
        if (job.race()) metrics.CountRaceAllowedJob();
        absl::Status process = RunInWorkerProcess(
            worker, job, cancel, deadline - kAnswerMargin,
            [&state](const internal::SatJobOutput& out) {
              absl::MutexLock lock(&state->mu);
              if (out.has_attempt()) {
                state->attempts.push_back(out.attempt());
                state->attempt_seconds += out.attempt().seconds();
              } else if (out.has_provisional()) {
                state->provisional = out.provisional();
              } else {
                state->last = out;
              }
            });
        absl::MutexLock lock(&state->mu);
        state->process = std::move(process);
      },
      drain);
  if (!status.ok()) return status;
  absl::MutexLock lock(&state->mu);
  // Stopped at the deadline, cancelled by the pool at the end of a shutdown's grace
  // period (the client did not cancel: RunOnPool answered OK), or killed (the
  // out-of-memory killer): the best schedule so far is the answer.
  const absl::Status& process = state->process;
  const bool deadline = absl::IsDeadlineExceeded(process);
  const bool killed = absl::IsUnavailable(process);
  if ((deadline || killed || absl::IsCancelled(process)) && state->provisional) {
    state->last.emplace();
    v1::SolveResult* result = state->last->mutable_solve_result();
    *result = *std::move(state->provisional);
    result->set_status(v1::SolveResult::STATUS_UNKNOWN);
    result->set_stop_reason(deadline ? v1::STOP_REASON_DEADLINE
                            : killed ? v1::STOP_REASON_WORKER_KILLED
                                     : v1::STOP_REASON_SERVER_SHUTDOWN);
    result->set_solve_seconds(state->attempt_seconds);
    return grpc::Status::OK;
  }
  if (absl::IsCancelled(state->process)) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the server is shutting down and stopped this SAT job at the end of "
                        "its grace period; retry elsewhere");
  }
  if (!state->process.ok()) return ToGrpcStatus(state->process);
  if (!state->last) {
    return grpc::Status(grpc::StatusCode::INTERNAL,
                        absl::StrCat("the SAT worker ", options.sat_worker,
                                     " ended without a result (is --sat_worker an "
                                     "attnsched-sat-worker of this version?)"));
  }
  if (state->last->has_error()) {
    const internal::SatJobOutput::Error& e = state->last->error();
    return ToGrpcStatus(absl::Status(static_cast<absl::StatusCode>(e.code()), e.message()));
  }
  return grpc::Status::OK;
}

// When a schedule handler (generate, stream, verify) stops: at the client's
// cancellation, or after this server's --max_deadline from the start of the call, as
// SAT jobs do in the pool: a few bytes of a compact stream may stand for hours of
// checking.
class HandlerStop {
 public:
  HandlerStop(const grpc::ServerContext& context, absl::Duration limit, absl::string_view what)
      : context_(context), limit_(limit), stop_at_(absl::Now() + limit), what_(what) {}

  Cancelled cancelled() const {
    return [this] { return context_.IsCancelled() || absl::Now() > stop_at_; };
  }
  // `status`, named by why the handler stopped: CANCELLED when the client went away
  // (whatever the stream looked like then), RESOURCE_EXHAUSTED when the time limit
  // struck (the same request would strike it again).
  absl::Status Named(const absl::Status& status) const {
    if (context_.IsCancelled()) return StoppedError(what_);
    if (!absl::IsCancelled(status)) return status;
    return absl::ResourceExhaustedError(absl::StrCat(
        what_, " took longer than this server's time limit of ",
        absl::ToDoubleSeconds(limit_), " s (--max_deadline); run it locally, or ask for a "
        "smaller schedule"));
  }

 private:
  const grpc::ServerContext& context_;
  const absl::Duration limit_;
  const absl::Time stop_at_;
  const std::string what_;
};

}  // namespace

grpc::Status SchedulerService::GenerateSchedule(grpc::ServerContext* context,
                                                const v1::GenerateRequest* request,
                                                v1::GenerateResponse* response) {
  RpcLog log("GenerateSchedule", *context, metrics_);
  MemoryBudget::Lease lease = budget_.Empty();
  const int64_t limit = std::min(options_.max_unary_events, options_.max_events);
  const HandlerStop stop(*context, pool_.max_deadline(), "generation");
  const Cancelled cancelled = stop.cancelled();
  absl::StatusOr<Generated> g =
      GenerateFor(*request, options_, limit, true,
                  " (this server's limit for one message; use StreamSchedule)", lease,
                  kBytesPerEvent + kResponseBytesPerEvent, cancelled);
  if (!g.ok()) return log.Done(stop.Named(g.status()));
  // One message: the schedule is held to be sent.
  absl::StatusOr<Schedule> schedule = ReadWhole(*g->events, g->event_count);
  if (!schedule.ok()) return log.Done(stop.Named(schedule.status()));
  VectorEventSource source(*schedule);
  absl::StatusOr<v1::ScheduleSummary> summary =
      CheckGenerated(source, *g, *request, options_.max_operations, cancelled);
  if (!summary.ok()) return log.Done(stop.Named(summary.status()));
  *response->mutable_summary() = *std::move(summary);
  rpc::ScheduleToProto(*schedule, response->mutable_schedule());
  return log.Done(grpc::Status::OK);
}

grpc::Status SchedulerService::StreamSchedule(grpc::ServerContext* context,
                                              const v1::GenerateRequest* request,
                                              grpc::ServerWriter<v1::ScheduleChunk>* writer) {
  RpcLog log("StreamSchedule", *context, metrics_);
  MemoryBudget::Lease lease = budget_.Empty();
  const HandlerStop stop(*context, pool_.max_deadline(), "generation");
  const Cancelled cancelled = stop.cancelled();
  absl::StatusOr<Generated> g = GenerateFor(*request, options_, options_.max_events, false, "",
                                            lease, kBytesPerEvent, cancelled);
  if (!g.ok()) return log.Done(stop.Named(g.status()));
  // One pass: the check reads the schedule as it is compiled, and each chunk is sent
  // as it fills; the summary, known at the end, goes in the last chunk.
  rpc::ChunkWriter chunks(g->events->problem(), g->events->placement(), g->event_count,
                          options_.chunk_events,
                          [&](const v1::ScheduleChunk& chunk) {
                            return !context->IsCancelled() && writer->Write(chunk);
                          },
                          request->compact() ? rpc::ChunkForm::kRuns : rpc::ChunkForm::kEvents);
  TeeEventSource tee(*g->events, chunks);
  absl::StatusOr<v1::ScheduleSummary> summary =
      CheckGenerated(tee, *g, *request, options_.max_operations, cancelled);
  if (!summary.ok()) return log.Done(stop.Named(summary.status()));
  tee.Drain();
  chunks.set_summary(*std::move(summary));
  return log.Done(chunks.Finish(tee.status()));
}

namespace {

// Fills ProgramChunks of at most `chunk_instructions` instructions and sends each as
// it fills: the first with the problem and the placement, the last with the summary.
class ProgramChunks {
 public:
  using Send = std::function<bool(const v1::ProgramChunk&)>;
  ProgramChunks(const Problem& problem, const Placement& placement, int chunk_instructions,
                Send send)
      : problem_(problem), chunk_instructions_(chunk_instructions), send_(std::move(send)) {
    rpc::ProblemToProto(problem, chunk_.mutable_problem());
    const Placement homes = HeadPlacement(problem.instance, placement);
    chunk_.mutable_placement()->Assign(homes.begin(), homes.end());
  }
  absl::Status Add(const Instruction& in) {
    rpc::InstructionToProto(in, problem_, chunk_.add_instructions());
    return chunk_.instructions_size() < chunk_instructions_ ? absl::OkStatus() : SendChunk();
  }
  absl::Status Finish(v1::ScheduleSummary summary) {
    *chunk_.mutable_summary() = std::move(summary);
    chunk_.set_last(true);
    return SendChunk();
  }

 private:
  absl::Status SendChunk() {
    chunk_.set_chunk_index(index_++);
    if (!send_(chunk_)) return StoppedError("streaming the programs");
    chunk_.Clear();
    return absl::OkStatus();
  }

  const Problem& problem_;
  const int chunk_instructions_;
  const Send send_;
  v1::ProgramChunk chunk_;
  int64_t index_ = 0;
};

}  // namespace

grpc::Status SchedulerService::StreamPrograms(grpc::ServerContext* context,
                                              const v1::ProgramRequest* request,
                                              grpc::ServerWriter<v1::ProgramChunk>* writer) {
  RpcLog log("StreamPrograms", *context, metrics_);
  MemoryBudget::Lease lease = budget_.Empty();
  const HandlerStop stop(*context, pool_.max_deadline(), "generation");
  const Cancelled cancelled = stop.cancelled();
  const v1::GenerateRequest& generate = request->generate();
  absl::StatusOr<Generated> g = GenerateFor(generate, options_, options_.max_events, false, "",
                                            lease, kBytesPerEvent, cancelled);
  if (!g.ok()) return log.Done(stop.Named(g.status()));
  const Problem& problem = g->events->problem();
  std::optional<int32_t> pe;
  if (request->has_pe()) {
    if (request->pe() < 0 || request->pe() >= problem.pes()) {
      return log.Done(absl::InvalidArgumentError(
          absl::StrCat("pe = ", request->pe(), ": out of range [0, ", problem.pes(),
                       "): the problem has ", problem.pes(), " PEs (unset: every PE)")));
    }
    pe = request->pe();
  }
  // One pass, as StreamSchedule: the check reads the schedule as it is compiled and
  // each chunk of instructions is sent as it fills.
  ProgramChunks chunks(problem, g->events->placement(), options_.chunk_events,
                       [&](const v1::ProgramChunk& chunk) {
                         return !context->IsCancelled() && writer->Write(chunk);
                       });
  ProgramSplitter split(problem, pe, request->loops(),
                        [&chunks](const Instruction& in) { return chunks.Add(in); });
  TeeEventSource tee(*g->events, split);
  v1::GenerateRequest unsimulated = generate;
  unsimulated.set_simulate(false);
  absl::StatusOr<v1::ScheduleSummary> summary =
      CheckGenerated(tee, *g, unsimulated, options_.max_operations, cancelled);
  if (!summary.ok()) return log.Done(stop.Named(summary.status()));
  tee.Drain();
  if (absl::Status s = split.Finish(tee.status()); !s.ok()) return log.Done(stop.Named(s));
  return log.Done(stop.Named(chunks.Finish(*std::move(summary))));
}

grpc::Status SchedulerService::VerifySchedule(grpc::ServerContext* context,
                                              grpc::ServerReader<v1::ScheduleChunk>* reader,
                                              v1::VerifyResponse* response) {
  RpcLog log("VerifySchedule", *context, metrics_);
  MemoryBudget::Lease lease = budget_.Empty();
  // A stream in start order is checked as it arrives: the lease covers the checker's
  // state; one in any other order is held and sorted first: its events too.
  const rpc::ChunkEventSource::Admit admit = [&lease](const Problem& problem, int64_t held) {
    const int64_t operations = CountOperations(problem.instance).total();
    return lease.GrowTo(
        CheckBytes(operations, held),
        absl::StrCat("checking a schedule of ", held > 0 ? absl::StrCat(held, " events held and ") : "",
                     operations, " operations"));
  };
  // A stream that ends early because the client went away is a cancellation, not a
  // malformed request (HandlerStop::Named).
  const HandlerStop stop(*context, pool_.max_deadline(), "verification");
  absl::StatusOr<std::unique_ptr<rpc::ChunkEventSource>> source = rpc::ChunkEventSource::Open(
      [reader](v1::ScheduleChunk& chunk) -> absl::StatusOr<bool> { return reader->Read(&chunk); }, options_.max_events,
      admit);
  if (!source.ok()) return log.Done(stop.Named(source.status()));
  CheckOptions check{options_.max_operations, std::nullopt, stop.cancelled()};
  if ((*source)->simulate()) check.simulate_seed = (*source)->seed();
  absl::StatusOr<CheckReport> report = CheckSchedule(**source, check);
  if (!report.ok()) return log.Done(stop.Named(report.status()));
  Summary summary = Summarize((*source)->problem(), (*source)->placement(), *report);
  summary.generator = "request";
  rpc::SummaryToProto(summary, response->mutable_summary());
  return log.Done(grpc::Status::OK);
}

grpc::Status SchedulerService::SolveOptimal(grpc::ServerContext* context,
                                            const v1::SolveRequest* request,
                                            grpc::ServerWriter<v1::SolveProgress>* writer) {
  RpcLog log("SolveOptimal", *context, metrics_);
  // Bad problems and placements are refused here, without starting a worker process.
  absl::StatusOr<Problem> problem = rpc::ProblemFromProto(request->problem());
  if (!problem.ok()) return log.Done(problem.status());
  if (!request->placement().empty()) {
    const Placement homes(request->placement().begin(), request->placement().end());
    if (absl::Status s = CheckedLayerPlacement(problem->instance, homes, problem->pes()).status();
        !s.ok()) {
      return log.Done(s);
    }
  }
  if (absl::Status s = CheckTimeLimit(request->time_limit_seconds()); !s.ok()) {
    return log.Done(s);
  }
  auto state = std::make_shared<SatJobState>();
  auto drain = [&] {
    std::deque<v1::SolveProgress::Attempt> attempts;
    {
      absl::MutexLock lock(&state->mu);
      attempts.swap(state->attempts);
    }
    for (v1::SolveProgress::Attempt& a : attempts) {
      v1::SolveProgress progress;
      *progress.mutable_attempt() = std::move(a);
      writer->Write(progress);
    }
  };
  internal::SatJob job = JobWithLimits();
  *job.mutable_solve() = *request;
  grpc::Status status = RunSatJob(pool_, options_, metrics_, *context, log, std::move(job),
                                  request->time_limit_seconds(), state, drain);
  if (!status.ok()) return log.Done(status);
  absl::MutexLock lock(&state->mu);
  metrics_.AddSolveSeconds(state->last->solve_result().solve_seconds());
  v1::SolveProgress progress;
  *progress.mutable_result() = state->last->solve_result();
  writer->Write(progress);
  return log.Done(grpc::Status::OK);
}

grpc::Status SchedulerService::ProveOptimality(grpc::ServerContext* context,
                                               const v1::ProveRequest* request,
                                               v1::ProveResponse* response) {
  RpcLog log("ProveOptimality", *context, metrics_);
  // The request, its schedule, and their copies for the worker process.
  MemoryBudget::Lease lease = budget_.Empty();
  const int64_t events = request->schedule().events_size();
  if (absl::Status s = lease.GrowTo(EventBytes(events, kProveBytesPerEvent),
                                    absl::StrCat("proving a schedule of ", events, " events"));
      !s.ok()) {
    return log.Done(s);
  }
  absl::StatusOr<Schedule> schedule = rpc::ScheduleFromProto(request->schedule());
  if (!schedule.ok()) return log.Done(schedule.status());
  // Repeated events are refused here, before the request is copied to a worker.
  for (const absl::Status& s :
       {CheckTimeLimit(request->time_limit_seconds()), sat::CheckProvable(*schedule)}) {
    if (!s.ok()) return log.Done(s);
  }
  internal::SatJob job = JobWithLimits();
  *job.mutable_prove() = *request;
  auto state = std::make_shared<SatJobState>();
  grpc::Status status = RunSatJob(pool_, options_, metrics_, *context, log, std::move(job),
                                  request->time_limit_seconds(), state, [] {});
  if (!status.ok()) return log.Done(status);
  absl::MutexLock lock(&state->mu);
  *response = state->last->prove_result();
  metrics_.AddSolveSeconds(response->solve_seconds());
  return log.Done(grpc::Status::OK);
}

internal::SatJob SchedulerService::JobWithLimits() const {
  internal::SatJob job;
  // A requested DRAT proof is checked online by CaDiCaL (checkproof) as it is
  // written; the server keeps no proof files, which could grow by gigabytes.
  job.set_drat_path("/dev/null");
  job.set_max_variables(options_.sat_limits.max_variables);
  job.set_max_clauses(options_.sat_limits.max_clauses);
  job.set_max_bytes(options_.sat_limits.max_bytes);
  job.set_plan_evaluations(options_.plan_evaluations);
  return job;
}

}  // namespace attnsched::server
