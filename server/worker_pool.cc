#include "server/worker_pool.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/retryable.h"

namespace attnsched::server {

void JobHandle::Finish(JobOutcome outcome) {
  absl::MutexLock lock(&mu_);
  outcome_ = outcome;
}

JobOutcome JobHandle::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](JobOutcome* o) { return *o != JobOutcome::kPending; }, &outcome_));
  return outcome_;
}

JobOutcome JobHandle::WaitFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(
      absl::Condition(+[](JobOutcome* o) { return *o != JobOutcome::kPending; }, &outcome_),
      timeout);
  return outcome_;
}

absl::Duration JobHandle::queue_wait() const {
  absl::MutexLock lock(&mu_);
  return (started_at_ == absl::InfiniteFuture() ? absl::Now() : started_at_) - queued_at_;
}

absl::StatusOr<std::unique_ptr<WorkerPool>> WorkerPool::Create(const PoolOptions& options) {
  if (options.workers < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("workers = ", options.workers, ": must be >= 1"));
  }
  if (options.queue_capacity < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("queue_capacity = ", options.queue_capacity, ": must be >= 0"));
  }
  return std::unique_ptr<WorkerPool>(new WorkerPool(options));
}

WorkerPool::WorkerPool(const PoolOptions& options) : options_(options) {
  for (int k = 0; k < options.workers; ++k) threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::shared_ptr<JobHandle>> WorkerPool::Submit(JobHandle::Fn fn,
                                                              absl::Time client_deadline) {
  const absl::Time deadline = std::min(client_deadline, absl::Now() + options_.max_deadline);
  absl::MutexLock lock(&mu_);
  if (!accepting_) {
    ++stats_.rejected;
    return Retryable(
        absl::UnavailableError("the server is shutting down; retry on another replica"));
  }
  const int64_t idle = options_.workers - static_cast<int64_t>(running_.size());
  const int64_t waiting = static_cast<int64_t>(queue_.size()) + 1 - idle;
  if (waiting > options_.queue_capacity) {
    ++stats_.rejected;
    return Retryable(absl::ResourceExhaustedError(absl::StrCat(
        "all ", options_.workers, " SAT workers are busy and the queue of ",
        options_.queue_capacity, " is full; retry later")));
  }
  std::shared_ptr<JobHandle> job(new JobHandle(std::move(fn), deadline));
  queue_.push_back(job);
  return job;
}

void WorkerPool::Cancel(const std::shared_ptr<JobHandle>& job) {
  absl::MutexLock lock(&mu_);
  auto it = std::find(queue_.begin(), queue_.end(), job);
  if (it != queue_.end()) {
    queue_.erase(it);
    ++stats_.dropped;
    job->Finish(JobOutcome::kCancelled);
    return;
  }
  job->cancel_.Cancel();
}

std::shared_ptr<JobHandle> WorkerPool::Next() {
  absl::MutexLock lock(&mu_);
  while (true) {
    mu_.Await(absl::Condition(
        +[](WorkerPool* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
          return !p->queue_.empty() || p->stopping_;
        },
        this));
    if (stopping_) return nullptr;
    std::shared_ptr<JobHandle> job = std::move(queue_.front());
    queue_.pop_front();
    if (absl::Now() >= job->deadline_) {
      ++stats_.dropped;
      job->Finish(JobOutcome::kDeadlineExceeded);
      continue;
    }
    {
      absl::MutexLock job_lock(&job->mu_);
      job->started_at_ = absl::Now();
    }
    running_.push_back(job);
    return job;
  }
}

void WorkerPool::Work() {
  while (std::shared_ptr<JobHandle> job = Next()) {
    job->fn_(job->cancel_, job->deadline_);
    {
      absl::MutexLock lock(&mu_);
      running_.erase(std::find(running_.begin(), running_.end(), job));
      ++stats_.completed;
    }
    job->Finish(JobOutcome::kCompleted);
  }
}

void WorkerPool::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    accepting_ = false;
    mu_.AwaitWithTimeout(
        absl::Condition(
            +[](WorkerPool* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
              return p->queue_.empty() && p->running_.empty();
            },
            this),
        grace);
    stopping_ = true;
    for (const std::shared_ptr<JobHandle>& job : queue_) {
      ++stats_.dropped;
      job->Finish(JobOutcome::kShutdown);
    }
    queue_.clear();
    for (const std::shared_ptr<JobHandle>& job : running_) job->cancel_.Cancel();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

PoolStats WorkerPool::stats() const {
  absl::MutexLock lock(&mu_);
  PoolStats s = stats_;
  s.queued = static_cast<int64_t>(queue_.size());
  s.busy = static_cast<int64_t>(running_.size());
  return s;
}

}  // namespace attnsched::server
