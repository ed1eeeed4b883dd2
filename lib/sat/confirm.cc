#include "lib/sat/confirm.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cryptominisat5/cryptominisat.h"
#include "lib/status_macros.h"

namespace attnsched::sat {
namespace {

CMSat::Lit LitOf(int literal) {
  return CMSat::Lit(static_cast<uint32_t>(std::abs(literal) - 1), literal < 0);
}

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

std::string ConfirmingSolver() {
  return absl::StrCat("CryptoMiniSat ", CMSat::SATSolver::get_version());
}

absl::StatusOr<Confirmation> ConfirmUnsat(const Cnf& cnf, std::span<const int> assumptions,
                                          absl::string_view claim, absl::Duration time_limit) {
  const absl::Time began = absl::Now();
  CMSat::SATSolver solver;
  solver.set_max_time(absl::ToDoubleSeconds(time_limit));
  solver.new_vars(static_cast<size_t>(cnf.num_vars()));
  std::vector<CMSat::Lit> clause;
  for (int literal : cnf.literals()) {
    if (literal != 0) {
      clause.push_back(LitOf(literal));
      continue;
    }
    solver.add_clause(clause);
    clause.clear();
  }
  std::vector<CMSat::Lit> assume;
  for (int a : assumptions) assume.push_back(LitOf(a));
  const CMSat::lbool answer = solver.solve(&assume);
  Confirmation out{SatResult::kUnknown, ConfirmingSolver(),
                   absl::ToDoubleSeconds(absl::Now() - began)};
  if (answer == CMSat::l_False) out.answer = SatResult::kUnsat;
  if (answer != CMSat::l_True) return out;
  ASSIGN_OR_RETURN(const std::string kept, KeepDimacs(cnf, assumptions, claim));
  return absl::InternalError(absl::StrCat(
      "CaDiCaL and ", out.solver, " disagree: CaDiCaL answered UNSAT for ", claim, ", ", out.solver,
      " found a satisfying assignment; the formula is kept in ", kept,
      " (DIMACS, the assumptions as unit clauses; both solvers are deterministic with their "
      "default seeds): please report it with that file"));
}

}  // namespace attnsched::sat
