// One SAT job of the service (a SolveOptimal or ProveOptimality request with the
// server's limits), run by the library in the calling process. attnsched-sat-worker
// runs it in a process of its own (server/sat_process.h), so that cancelling a job
// never waits for the solver.
#ifndef ATTNSCHED_SERVER_SAT_JOB_H_
#define ATTNSCHED_SERVER_SAT_JOB_H_

#include <functional>

#include "attnsched/internal/sat_job.pb.h"

namespace attnsched::server {

// Runs `job` and calls `emit` for every output: solve: one attempt per bound tried,
// then the solve_result; prove: the prove_result; on failure (bad request, formula
// over the limits, an internal error) an error with the absl::StatusCode and message
// as the last output. A DRAT proof goes to job.drat_path, which the caller removes.
void RunSatJob(const internal::SatJob& job,
               const std::function<void(const internal::SatJobOutput&)>& emit);

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_SAT_JOB_H_
