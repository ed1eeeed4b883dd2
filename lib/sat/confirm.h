// A second, independent solver for the UNSAT answers that prove optima: CryptoMiniSat 5
// (Debian libcryptominisat5-dev, through its C++ API, cryptominisat5/cryptominisat.h;
// Soos, Nohl and Castelluccia, SAT 2009) solves the very CNF CaDiCaL answered UNSAT,
// under the same assumptions. The two solvers share no code, so an UNSAT answer both
// give does not rest on one solver's correctness (the encoding itself is checked
// elsewhere: every SAT witness is validated and simulated, docs/sat-encoding.md).
//
// A disagreement (CryptoMiniSat finds an assignment) is an error, never a result: the
// formula is kept in DIMACS, with the assumptions as unit clauses, for a bug report.
// Both solvers are deterministic with their default seeds, so the file reproduces it.
//
// Example:
//   ASSIGN_OR_RETURN(Confirmation c, ConfirmUnsat(cnf, {-above_35}, "makespan <= 35",
//                                                 absl::Seconds(60)));
//   if (c.answer == SatResult::kUnsat) Use(c.solver);  // "CryptoMiniSat 5.11.4"
#ifndef ATTNSCHED_LIB_SAT_CONFIRM_H_
#define ATTNSCHED_LIB_SAT_CONFIRM_H_

#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lib/sat/cnf.h"
#include "lib/sat/solver.h"

namespace attnsched::sat {

struct Confirmation {
  // kUnsat: confirmed; kUnknown: the time limit struck first (never kSat: that is an
  // error).
  SatResult answer = SatResult::kUnknown;
  std::string solver;  // "CryptoMiniSat 5.11.4"
  double seconds = 0;  // wall time of its solve
};

// CryptoMiniSat's answer (lib/sat/cms_solver.h) for `cnf` under `assumptions` within
// `time_limit` (wall time). A SAT answer contradicts `claim` (what CaDiCaL's UNSAT answer
// said, e.g. "makespan <= 35 with placement block"): InternalError saying so, with the
// formula written to a file under $TMPDIR (or /tmp) whose path the message gives.
absl::StatusOr<Confirmation> ConfirmUnsat(const Cnf& cnf, std::span<const int> assumptions,
                                          absl::string_view claim, absl::Duration time_limit);

// The name and version of the confirming solver, "CryptoMiniSat 5.11.4".
std::string ConfirmingSolver();

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_CONFIRM_H_
