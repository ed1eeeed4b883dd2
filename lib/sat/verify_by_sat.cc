#include "lib/sat/verify_by_sat.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "lib/status_macros.h"

namespace attnsched::sat {

absl::StatusOr<bool> SatAccepts(const Schedule& s, const EncodeLimits& limits,
                                absl::Duration time_limit) {
  RETURN_IF_ERROR(ValidateProblem(s.problem));
  RETURN_IF_ERROR(ValidatePlacement(s.placement, s.problem.n(), s.problem.pes()));
  int64_t horizon = 1;
  bool moves_p = false;
  for (const Event& e : s.events) {
    if (e.is_op() && !CheckIndices(s.problem.instance, e.op()).empty()) return false;
    const int64_t duration =
        e.is_op() ? Duration(s.problem, e.op()) : TransferDuration(s.problem, e.item());
    horizon = std::max(horizon, e.start + duration);
    moves_p = moves_p || (!e.is_op() && e.item().kind == ItemKind::kP);
  }
  // Symmetry breaking would cut valid schedules; windows are implied by validity.
  const EncodeOptions options{horizon, s.placement, true, false, moves_p};
  ASSIGN_OR_RETURN(Encoding encoding, Encode(s.problem, options, limits));
  absl::flat_hash_set<int> chosen;
  for (const Event& e : s.events) {
    const int v = e.is_op() ? encoding.OpVar(e.op(), e.pe, e.start)
                            : encoding.XferVar(e.item(), e.pe, e.start);
    if (v == 0 || !chosen.insert(v).second) return false;
  }
  Cnf& cnf = encoding.mutable_cnf();
  encoding.ForEachEventVar([&](int v) { cnf.AddClause({chosen.contains(v) ? v : -v}); });
  SatSolver solver(cnf);
  const SatResult r = solver.Solve({}, SolveLimits{absl::Now() + time_limit, -1, nullptr});
  if (r == SatResult::kUnknown) {
    return absl::DeadlineExceededError("verify by SAT: the solver reached the time limit");
  }
  return r == SatResult::kSat;
}

}  // namespace attnsched::sat
