#include "lib/sat/confirm.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/sat/cms_solver.h"
#include "lib/status_macros.h"

namespace attnsched::sat {
namespace {

// Writes `cnf` with `assumptions` as unit clauses to a fresh file under $TMPDIR; its path.
absl::StatusOr<std::string> KeepDimacs(const Cnf& cnf, std::span<const int> assumptions,
                                       absl::string_view claim) {
  Cnf kept = cnf;
  for (int a : assumptions) kept.AddClause({a});
  const char* dir = std::getenv("TMPDIR");
  std::string path =
      absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp", "/attnsched-disagreement-XXXXXX");
  const int fd = mkstemp(path.data());
  if (fd < 0) return absl::DataLossError(absl::StrCat("cannot create ", path));
  close(fd);
  std::ofstream out(path);
  RETURN_IF_ERROR(kept.WriteDimacs(
      out, absl::StrCat("CaDiCaL answered UNSAT, CryptoMiniSat SAT: ", claim,
                        "\nthe assumptions are the last ", assumptions.size(), " unit clauses")));
  return path;
}

}  // namespace

std::string ConfirmingSolver() { return CmsSolver::Name(); }

absl::StatusOr<Confirmation> ConfirmUnsat(const Cnf& cnf, std::span<const int> assumptions,
                                          absl::string_view claim, absl::Duration time_limit) {
  const absl::Time began = absl::Now();
  CmsSolver solver(cnf);
  ASSIGN_OR_RETURN(const SatResult answer,
                   solver.Solve(assumptions, SolveLimits{began + time_limit, -1, nullptr}));
  Confirmation out{SatResult::kUnknown, ConfirmingSolver(),
                   absl::ToDoubleSeconds(absl::Now() - began)};
  if (answer != SatResult::kSat) {
    out.answer = answer;
    return out;
  }
  ASSIGN_OR_RETURN(const std::string kept, KeepDimacs(cnf, assumptions, claim));
  return absl::InternalError(absl::StrCat(
      "CaDiCaL and ", out.solver, " disagree: CaDiCaL answered UNSAT for ", claim, ", ", out.solver,
      " found a satisfying assignment; the formula is kept in ", kept,
      " (DIMACS, the assumptions as unit clauses; both solvers are deterministic with their "
      "default seeds): please report it with that file"));
}

}  // namespace attnsched::sat
