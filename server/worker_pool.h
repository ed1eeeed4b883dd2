// The SAT worker pool of the service (SPEC section 7): a fixed set of threads and a
// bounded queue. Submit() answers at once: RESOURCE_EXHAUSTED when the queue is full,
// UNAVAILABLE once shutdown began. A job's deadline is the client's capped by the
// pool's maximum; a job still queued at its deadline, or cancelled while queued, never
// runs. Running jobs get a CancelToken (cancelled by JobHandle::Cancel() or at
// shutdown after the grace period) and their deadline, to pass to the SAT solver.
//
//   WorkerPool pool({.workers = 2, .queue_capacity = 4, .max_deadline = absl::Minutes(5)});
//   auto job = pool.Submit([](const sat::CancelToken& cancel, absl::Time deadline) {...},
//                          client_deadline);
//   if (job.ok()) (*job)->Wait();   // or pool.Cancel(*job) when the client goes away
//
// Thread-safe. The destructor shuts down with a zero grace period.
#ifndef ATTNSCHED_SERVER_WORKER_POOL_H_
#define ATTNSCHED_SERVER_WORKER_POOL_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/sat/solver.h"

namespace attnsched::server {

struct PoolOptions {
  int workers = 1;                 // >= 1 threads
  int queue_capacity = 16;         // >= 0 jobs waiting for a thread
  absl::Duration max_deadline = absl::Minutes(10);
};

// How a job ended.
enum class JobOutcome {
  kPending,           // not ended yet
  kCompleted,         // the function ran (it may have stopped early on cancellation)
  kCancelled,         // cancelled before it started
  kDeadlineExceeded,  // its deadline passed before it started
  kShutdown,          // the pool shut down before it started
};

class JobHandle {
 public:
  using Fn = std::function<void(const sat::CancelToken& cancel, absl::Time deadline)>;

  // Blocks until the job ended; returns how.
  JobOutcome Wait();
  // Waits up to `timeout`; kPending if the job has not ended by then.
  JobOutcome WaitFor(absl::Duration timeout);
  absl::Time deadline() const { return deadline_; }
  // Time spent in the queue (until it started or was dropped).
  absl::Duration queue_wait() const;

 private:
  friend class WorkerPool;
  JobHandle(Fn fn, absl::Time deadline) : fn_(std::move(fn)), deadline_(deadline) {}
  void Finish(JobOutcome outcome);

  Fn fn_;
  const absl::Time deadline_;
  const absl::Time queued_at_ = absl::Now();
  sat::CancelToken cancel_;
  mutable absl::Mutex mu_;
  JobOutcome outcome_ ABSL_GUARDED_BY(mu_) = JobOutcome::kPending;
  absl::Time started_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
};

struct PoolStats {
  int64_t queued = 0;     // waiting now
  int64_t busy = 0;       // running now
  int64_t completed = 0;  // ran to the end
  int64_t rejected = 0;   // refused by Submit (full queue or shutting down)
  int64_t dropped = 0;    // cancelled, expired or shut down while queued
};

class WorkerPool {
 public:
  // InvalidArgumentError from Create() for workers < 1 or queue_capacity < 0.
  static absl::StatusOr<std::unique_ptr<WorkerPool>> Create(const PoolOptions& options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `fn` with deadline min(client_deadline, now + max_deadline).
  absl::StatusOr<std::shared_ptr<JobHandle>> Submit(JobHandle::Fn fn, absl::Time client_deadline);

  // Cancels `job`: a queued job leaves the queue at once and never runs (kCancelled);
  // a running one sees its CancelToken set. No effect on an ended job.
  void Cancel(const std::shared_ptr<JobHandle>& job);

  // Stops accepting, lets queued and running jobs finish for up to `grace`, then
  // cancels what is left (queued jobs never start) and joins the threads. Idempotent.
  void Shutdown(absl::Duration grace);

  PoolStats stats() const;
  // The longest a job may run (PoolOptions::max_deadline).
  absl::Duration max_deadline() const { return options_.max_deadline; }

 private:
  explicit WorkerPool(const PoolOptions& options);
  void Work();
  // The next job to run, or null when the pool stops.
  std::shared_ptr<JobHandle> Next();

  const PoolOptions options_;
  mutable absl::Mutex mu_;
  std::deque<std::shared_ptr<JobHandle>> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<JobHandle>> running_ ABSL_GUARDED_BY(mu_);
  bool accepting_ ABSL_GUARDED_BY(mu_) = true;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  PoolStats stats_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_WORKER_POOL_H_
