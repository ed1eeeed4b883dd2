// The SAT worker pool: a full queue, cancellation, deadlines, and shutdown, also
// under load, with real SAT searches as jobs where timing matters.
#include "server/worker_pool.h"

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sat/optimal_search.h"

namespace attnsched::server {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<WorkerPool> MustCreate(int workers, int queue, absl::Duration max_deadline) {
  absl::StatusOr<std::unique_ptr<WorkerPool>> pool =
      WorkerPool::Create(PoolOptions{workers, queue, max_deadline});
  EXPECT_TRUE(pool.ok()) << pool.status();
  return std::move(*pool);
}

// A job that runs until cancelled or past its deadline, polling every millisecond.
JobHandle::Fn Spin(std::atomic<int>* started = nullptr) {
  return [started](const sat::CancelToken& cancel, absl::Time deadline) {
    if (started != nullptr) ++*started;
    while (!cancel.cancelled() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  };
}

TEST(WorkerPoolTest, BadOptionsAreRefused) {
  EXPECT_THAT(std::string(WorkerPool::Create({0, 1, absl::Seconds(1)}).status().message()),
              HasSubstr("workers = 0"));
  EXPECT_THAT(std::string(WorkerPool::Create({1, -1, absl::Seconds(1)}).status().message()),
              HasSubstr("queue_capacity = -1"));
}

TEST(WorkerPoolTest, FullQueueIsRefusedAtOnce) {
  auto pool = MustCreate(1, 1, absl::Minutes(1));
  std::atomic<int> started{0};
  auto running = pool->Submit(Spin(&started), absl::InfiniteFuture());
  ASSERT_TRUE(running.ok());
  while (started == 0) absl::SleepFor(absl::Milliseconds(1));
  auto queued = pool->Submit(Spin(), absl::InfiniteFuture());
  ASSERT_TRUE(queued.ok());
  const absl::Time before = absl::Now();
  auto refused = pool->Submit(Spin(), absl::InfiniteFuture());
  EXPECT_LT(absl::Now() - before, absl::Milliseconds(10));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("queue of 1 is full"));
  EXPECT_EQ(pool->stats().rejected, 1);
  pool->Cancel(*queued);
  EXPECT_EQ((*queued)->Wait(), JobOutcome::kCancelled);
  pool->Cancel(*running);
  EXPECT_EQ((*running)->Wait(), JobOutcome::kCompleted);
}

TEST(WorkerPoolTest, CancellingARunningSatSearchFreesTheWorker) {
  // One worker runs a SAT search that takes minutes; after Cancel the next job must
  // start promptly (CaDiCaL polls the terminator; docs/sat-encoding.md).
  auto pool = MustCreate(1, 4, absl::Minutes(5));
  std::atomic<bool> solving{false};
  auto search = pool->Submit(
      [&solving](const sat::CancelToken& cancel, absl::Time deadline) {
        sat::SearchOptions options;
        options.placement = BlockPlacement(8, 4);
        options.cancel = &cancel;
        options.time_limit = deadline - absl::Now();
        solving = true;
        (void)sat::SolveOptimal(MakeProblem(Scheme::kShared, 8, 2, 4), options);
      },
      absl::InfiniteFuture());
  ASSERT_TRUE(search.ok());
  std::atomic<int> next_started{0};
  auto next = pool->Submit(Spin(&next_started), absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(next.ok());
  while (!solving) absl::SleepFor(absl::Milliseconds(1));
  absl::SleepFor(absl::Milliseconds(300));
  const absl::Time cancelled_at = absl::Now();
  pool->Cancel(*search);
  while (next_started == 0) absl::SleepFor(absl::Microseconds(200));
  const absl::Duration latency = absl::Now() - cancelled_at;
  EXPECT_LT(latency, absl::Milliseconds(500)) << latency;
  EXPECT_EQ((*search)->Wait(), JobOutcome::kCompleted);
  pool->Cancel(*next);
  EXPECT_EQ((*next)->Wait(), JobOutcome::kCompleted);
}

TEST(WorkerPoolTest, DeadlineIsCappedAndExpiredJobsNeverRun) {
  auto pool = MustCreate(1, 2, absl::Milliseconds(200));
  auto capped = pool->Submit(Spin(), absl::InfiniteFuture());
  ASSERT_TRUE(capped.ok());
  EXPECT_LE((*capped)->deadline(), absl::Now() + absl::Milliseconds(200));
  std::atomic<int> ran{0};
  auto expired = pool->Submit(Spin(&ran), absl::Now() + absl::Milliseconds(50));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ((*capped)->Wait(), JobOutcome::kCompleted);  // ends at its capped deadline
  EXPECT_EQ((*expired)->Wait(), JobOutcome::kDeadlineExceeded);
  EXPECT_EQ(ran, 0);
}

TEST(WorkerPoolTest, ShutdownLetsJobsFinishThenCancels) {
  auto pool = MustCreate(2, 4, absl::Minutes(1));
  std::atomic<int> finished{0};
  auto quick = pool->Submit(
      [&finished](const sat::CancelToken&, absl::Time) {
        absl::SleepFor(absl::Milliseconds(50));
        ++finished;
      },
      absl::InfiniteFuture());
  auto stubborn = pool->Submit(Spin(), absl::InfiniteFuture());  // runs until cancelled
  auto waiting = pool->Submit(Spin(), absl::InfiniteFuture());
  auto last = pool->Submit(Spin(), absl::InfiniteFuture());
  ASSERT_TRUE(quick.ok() && stubborn.ok() && waiting.ok() && last.ok());
  const absl::Time start = absl::Now();
  pool->Shutdown(absl::Milliseconds(300));
  const absl::Duration took = absl::Now() - start;
  EXPECT_GE(took, absl::Milliseconds(250));  // the grace period was honoured
  EXPECT_LT(took, absl::Seconds(2));         // and then everything was cancelled
  EXPECT_EQ(finished, 1);
  EXPECT_EQ((*stubborn)->Wait(), JobOutcome::kCompleted);
  auto after = pool->Submit(Spin(), absl::InfiniteFuture());
  EXPECT_EQ(after.status().code(), absl::StatusCode::kUnavailable);
  pool->Shutdown(absl::ZeroDuration());  // idempotent
}

TEST(WorkerPoolTest, ShutdownUnderLoadAnswersEverySubmit) {
  auto pool = MustCreate(2, 4, absl::Seconds(1));
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      for (int k = 0; k < 50; ++k) {
        auto job = pool->Submit(
            [](const sat::CancelToken& cancel, absl::Time) {
              for (int spin = 0; spin < 5 && !cancel.cancelled(); ++spin) {
                absl::SleepFor(absl::Milliseconds(1));
              }
            },
            absl::Now() + absl::Seconds(1));
        if (job.ok()) {
          const JobOutcome outcome = (*job)->Wait();
          (outcome == JobOutcome::kCompleted || outcome == JobOutcome::kShutdown ? ok : other)++;
        } else if (job.status().code() == absl::StatusCode::kResourceExhausted ||
                   job.status().code() == absl::StatusCode::kUnavailable) {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(100));
  pool->Shutdown(absl::Milliseconds(100));
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok + refused, 400);
  EXPECT_EQ(other, 0);
  EXPECT_GT(ok, 0);
  EXPECT_GT(refused, 0);
  const PoolStats s = pool->stats();
  EXPECT_EQ(s.queued + s.busy, 0);
}

}  // namespace
}  // namespace attnsched::server
