// SAT jobs in worker processes (server/sat_process.h): results equal the library's,
// cancellation and deadlines kill the process within 100 ms whatever CaDiCaL is
// doing, and a worker that is missing, crashes or writes garbage is a clear error.
#include "server/sat_process.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "attnsched/v1/convert.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sat/optimal_search.h"

namespace attnsched::server {
namespace {

using ::testing::HasSubstr;
using internal::SatJob;
using internal::SatJobOutput;

// The job is written before the worker reads it; a worker that exits early must give
// an error here, not kill the test (the server does the same in main.cc).
const bool kSigpipeIgnored = [] { return signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();

SatJob SolveJob(Scheme scheme, int64_t n, int64_t d, int64_t m, const Placement& placement,
                double seconds) {
  SatJob job;
  rpc::ProblemToProto(MakeProblem(scheme, n, d, m), job.mutable_solve()->mutable_problem());
  for (int32_t h : placement) job.mutable_solve()->add_placement(h);
  job.set_time_limit_seconds(seconds);
  job.set_max_variables(20'000'000);
  job.set_max_clauses(100'000'000);
  job.set_plan_evaluations(kDefaultPlanEvaluations);
  return job;
}

// A SAT search that takes far longer than any test: shared n=8, d=2 on 4 PEs, block,
// without the local search (which finds the optimum, LB_work 66, in under a second).
SatJob HardJob() {
  SatJob job = SolveJob(Scheme::kShared, 8, 2, 4, BlockPlacement(8, 4), 600);
  job.set_plan_evaluations(0);
  return job;
}

struct JobRun {
  absl::Status status;
  std::vector<SatJobOutput> outputs;
};

JobRun RunJob(const std::string& worker, const SatJob& job, const sat::CancelToken& cancel,
           absl::Time deadline = absl::InfiniteFuture()) {
  JobRun run;
  run.status = RunInWorkerProcess(worker, job, cancel, deadline,
                                  [&run](const SatJobOutput& out) { run.outputs.push_back(out); });
  return run;
}

// An executable shell script in the temporary directory, named per process (test
// runs may share the directory).
std::string Script(const std::string& name, const std::string& body) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", getpid(), "-", name);
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  chmod(path.c_str(), 0755);
  return path;
}

TEST(SatProcessTest, TheWorkerStreamsTheLibrarysAnswer) {
  const sat::CancelToken cancel;
  const SatJob job = SolveJob(Scheme::kCausal, 4, 1, 2, BlockPlacement(4, 2), 60);
  const JobRun run = RunJob(ATTNSCHED_SAT_WORKER, job, cancel);
  ASSERT_TRUE(run.status.ok()) << run.status;
  // The starting schedule, bounds tried and better witnesses, then the result.
  ASSERT_GE(run.outputs.size(), 3u);
  EXPECT_TRUE(run.outputs[0].has_provisional());
  int attempts = 0;
  for (size_t k = 0; k + 1 < run.outputs.size(); ++k) {
    EXPECT_TRUE(run.outputs[k].has_attempt() || run.outputs[k].has_provisional()) << k;
    attempts += run.outputs[k].has_attempt() ? 1 : 0;
  }
  EXPECT_GE(attempts, 1);
  ASSERT_TRUE(run.outputs.back().has_solve_result());
  const v1::SolveResult& result = run.outputs.back().solve_result();
  sat::SearchOptions options;
  options.placement = BlockPlacement(4, 2);
  const absl::StatusOr<sat::OptimalResult> local =
      sat::SolveOptimal(MakeProblem(Scheme::kCausal, 4, 1, 2), options);
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_TRUE(result.optimal());
  EXPECT_EQ(result.makespan_cycles(), local->makespan);
  EXPECT_EQ(result.lower_bound_cycles(), local->lower_bound);
  EXPECT_EQ(rpc::SolveResultFromProto(result)->proof, local->proof);
  EXPECT_EQ(result.witness().events_size(), static_cast<int>(local->witness.events.size()));
}

TEST(SatProcessTest, LibraryErrorsArriveAsTheLastOutput) {
  const sat::CancelToken cancel;
  SatJob job = SolveJob(Scheme::kCausal, 4, 1, 2, {0, 1, 9, 0}, 60);  // PE 9 of 2
  JobRun run = RunJob(ATTNSCHED_SAT_WORKER, job, cancel);
  ASSERT_TRUE(run.status.ok()) << run.status;
  ASSERT_EQ(run.outputs.size(), 1u);
  ASSERT_TRUE(run.outputs[0].has_error());
  EXPECT_EQ(run.outputs[0].error().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(run.outputs[0].error().message(), HasSubstr("placement[2] = 9"));
  run = RunJob(ATTNSCHED_SAT_WORKER, SatJob{}, cancel);  // neither solve nor prove
  ASSERT_EQ(run.outputs.size(), 1u);
  EXPECT_THAT(run.outputs[0].error().message(), HasSubstr("neither solve nor prove"));
}

TEST(SatProcessTest, CancellationKillsTheWorkerWithin100Ms) {
  // Cancelled at spread-out moments of a hard search, so that some requests fall into
  // CaDiCaL's inprocessing rounds (up to 250 ms without a terminator poll in-process).
  absl::Duration worst;
  for (int k = 0; k < 8; ++k) {
    sat::CancelToken cancel;
    absl::Time cancelled_at;
    std::thread canceller([&] {
      absl::SleepFor(absl::Milliseconds(150 + 170 * k));
      cancelled_at = absl::Now();
      cancel.Cancel();
    });
    const JobRun run = RunJob(ATTNSCHED_SAT_WORKER, HardJob(), cancel);
    const absl::Duration latency = absl::Now() - cancelled_at;
    canceller.join();
    EXPECT_TRUE(absl::IsCancelled(run.status)) << run.status;
    worst = std::max(worst, latency);
  }
  std::cout << "worst cancellation latency: " << absl::ToDoubleMilliseconds(worst) << " ms\n";
  EXPECT_LT(worst, absl::Milliseconds(100));
}

TEST(SatProcessTest, ADeadlineKillsAWorkerThatOverrunsIt) {
  const sat::CancelToken cancel;
  const std::string hang = Script("hang.sh", "cat >/dev/null; exec sleep 60");
  const absl::Time deadline = absl::Now() + absl::Milliseconds(300);
  const JobRun run = RunJob(hang, HardJob(), cancel, deadline);
  EXPECT_TRUE(absl::IsDeadlineExceeded(run.status)) << run.status;
  EXPECT_LT(absl::Now() - deadline, absl::Milliseconds(100));
}

TEST(SatProcessTest, AWorkerThatReadsNothingCannotHoldTheCaller) {
  // A job far larger than a pipe's buffer, to a worker that never reads: the write
  // must not block past the deadline or a cancellation.
  SatJob big = HardJob();
  big.set_drat_path(std::string(4 << 20, 'x'));
  const std::string deaf = Script("deaf.sh", "exec sleep 60");
  const sat::CancelToken never;
  const absl::Time deadline = absl::Now() + absl::Milliseconds(300);
  JobRun run = RunJob(deaf, big, never, deadline);
  EXPECT_TRUE(absl::IsDeadlineExceeded(run.status)) << run.status;
  EXPECT_LT(absl::Now() - deadline, absl::Milliseconds(100));
  sat::CancelToken cancel;
  std::thread canceller([&cancel] {
    absl::SleepFor(absl::Milliseconds(200));
    cancel.Cancel();
  });
  const absl::Time start = absl::Now();
  run = RunJob(deaf, big, cancel);
  canceller.join();
  EXPECT_TRUE(absl::IsCancelled(run.status)) << run.status;
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(300));
  // A worker that exits without reading a large job: its exit status, not EPIPE.
  run = RunJob(Script("exit4.sh", "exit 4"), big, never);
  EXPECT_THAT(run.status.message(), HasSubstr("exited with status 4"));
}

TEST(SatProcessTest, BrokenWorkersAreClearErrors) {
  const sat::CancelToken cancel;
  const SatJob job = HardJob();
  JobRun run = RunJob("/nonexistent/attnsched-sat-worker", job, cancel);
  EXPECT_TRUE(absl::IsUnavailable(run.status)) << run.status;
  EXPECT_THAT(run.status.message(), HasSubstr("/nonexistent/attnsched-sat-worker"));
  const std::string exit3 = Script("exit3.sh", "exit 3");
  run = RunJob(exit3, job, cancel);
  EXPECT_THAT(run.status.message(), HasSubstr("exited with status 3"));
  EXPECT_THAT(run.status.message(), HasSubstr(exit3));
  // Killed or crashed: another attempt may succeed.
  run = RunJob(Script("crash.sh", "kill -SEGV $$"), job, cancel);
  EXPECT_TRUE(absl::IsUnavailable(run.status)) << run.status;
  EXPECT_THAT(run.status.message(), HasSubstr("signal 11"));
  run = RunJob(Script("garbage.sh", "cat >/dev/null; printf '\\377\\377\\377\\377\\017'"), job,
               cancel);
  EXPECT_TRUE(absl::IsInternal(run.status)) << run.status;
  run = RunJob(Script("short.sh", "cat >/dev/null; printf '\\005ab'"), job, cancel);
  EXPECT_THAT(run.status.message(), HasSubstr("middle of a message"));
}

}  // namespace
}  // namespace attnsched::server
