// Runs a SAT job in a child process (attnsched-sat-worker, server/sat_worker_main.cc)
// so that cancellation is immediate. CaDiCaL 1.5.3 polls its terminator only between
// inprocessing steps; rounds of elimination, subsumption, vivification, reduction and
// compaction ran up to 250 ms without a poll on 10^5-variable formulas (measured,
// docs/service.md). A child process is stopped by SIGKILL instead: the worker thread
// is free, and the solver's memory returned, within milliseconds. It also keeps a
// solver crash or a runaway allocation out of the server.
//
//   absl::Status s = RunInWorkerProcess(path, job, cancel, deadline,
//                                       [&](const internal::SatJobOutput& out) {...});
//
// Thread-safe (each call owns its child). The server ignores SIGPIPE (main.cc), so a
// worker that dies early gives an error here, not a signal.
#ifndef ATTNSCHED_SERVER_SAT_PROCESS_H_
#define ATTNSCHED_SERVER_SAT_PROCESS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "attnsched/internal/sat_job.pb.h"
#include "lib/sat/solver.h"

namespace attnsched::server {

// Starts `worker_path` with `job` on its stdin and calls `on_output` (on this
// thread) for every message it writes, until it exits. Polls `cancel` and the
// deadline every few milliseconds and kills the child (SIGKILL, then waits for it)
// when either fires. Returns OK after a normal exit; CancelledError or
// DeadlineExceededError after a kill; UnavailableError when the worker cannot be
// started; InternalError when it crashed or wrote garbage (the message says how).
absl::Status RunInWorkerProcess(
    const std::string& worker_path, const internal::SatJob& job, const sat::CancelToken& cancel,
    absl::Time deadline, const std::function<void(const internal::SatJobOutput&)>& on_output);

// A start-up check of `worker_path`: it is run with an empty job, which an
// attnsched-sat-worker answers with one error output; anything else (not a program,
// another program, no answer within 5 s) is an InvalidArgumentError saying what
// happened.
absl::Status CheckWorker(const std::string& worker_path);

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_SAT_PROCESS_H_
