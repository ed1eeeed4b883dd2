// The second solver: CryptoMiniSat confirms CaDiCaL's UNSAT answers, and a claim it
// refutes (a clause removed, a wrong bound) is an error that keeps the formula.
#include "lib/sat/confirm.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sat/encoder.h"
#include "lib/sat/prove.h"
#include "tests/test_util.h"

namespace attnsched::sat {
namespace {

using ::testing::HasSubstr;

// The DIMACS file a disagreement message names.
// The text of the DIMACS file a disagreement's message says it kept; the file is removed.
std::string TakeKeptFile(absl::string_view message) {
  const size_t at = message.find("kept in ");
  const size_t end = message.find(' ', at + 8);
  const std::string kept(message.substr(at + 8, end - at - 8));
  std::stringstream text;
  text << std::ifstream(kept).rdbuf();
  std::filesystem::remove(kept);
  return text.str();
}

// Causal n = 4, d = 2 on 2 PEs with block homes: optimal by UNSAT (CaDiCaL alone).
Problem Small() { return MakeProblem(Scheme::kCausal, 4, 2, 2); }
Placement Block() { return BlockPlacement(4, 2); }
absl::StatusOr<OptimalResult> SolveSmall() {
  SearchOptions search;
  search.placement = Block();
  return SolveOptimal(Small(), search);
}

TEST(ConfirmTest, AnUnsatFormulaIsConfirmedAndOneWithAClauseRemovedIsCaught) {
  Cnf cnf;  // x or y, not x, not y: UNSAT
  const int x = cnf.NewVar(), y = cnf.NewVar();
  cnf.AddClause({x, y});
  cnf.AddClause({-x});
  Cnf without = cnf;  // the same without "not y": SAT (y)
  cnf.AddClause({-y});
  absl::StatusOr<Confirmation> c = ConfirmUnsat(cnf, {}, "a 3-clause formula", absl::Seconds(10));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->answer, SatResult::kUnsat);
  EXPECT_THAT(c->solver, HasSubstr("CryptoMiniSat 5."));
  absl::StatusOr<Confirmation> wrong =
      ConfirmUnsat(without, {}, "a formula with a clause removed", absl::Seconds(10));
  ASSERT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
  const std::string message(wrong.status().message());
  EXPECT_THAT(message, HasSubstr("CaDiCaL and CryptoMiniSat"));
  EXPECT_THAT(message,
              HasSubstr("disagree: CaDiCaL answered UNSAT for a formula with a clause removed"));
  EXPECT_THAT(TakeKeptFile(message), HasSubstr("p cnf 2 2"));
}

// The scheduling formula: makespan <= optimum - 1 is UNSAT and confirmed; claiming the
// optimum itself UNSAT (a wrong claim, as a buggy solver would make) is caught, with the
// assumption kept as a unit clause.
TEST(ConfirmTest, TheSchedulingFormulaBelowTheOptimumIsConfirmedAndAWrongBoundCaught) {
  absl::StatusOr<OptimalResult> r = SolveSmall();
  ASSERT_TRUE(r.ok() && r->optimal && r->proof == ProofKind::kUnsat) << r.status();
  absl::StatusOr<Encoding> e = Encode(Small(), {r->makespan + 1, Block(), true, true, false, 1});
  ASSERT_TRUE(e.ok());
  const int below[] = {-e->MakespanAbove(r->makespan - 1)};
  absl::StatusOr<Confirmation> c = ConfirmUnsat(e->cnf(), below, "below", absl::Seconds(60));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->answer, SatResult::kUnsat);
  const int at[] = {-e->MakespanAbove(r->makespan)};
  absl::StatusOr<Confirmation> wrong = ConfirmUnsat(e->cnf(), at, "the optimum", absl::Seconds(60));
  ASSERT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(TakeKeptFile(wrong.status().message()), HasSubstr(absl::StrCat("\n", at[0], " 0\n")));
}

// solve and prove's path: BackUnsat names the confirming solver; a time limit too short
// to confirm leaves the result unconfirmed and not optimal.
TEST(ConfirmTest, BackUnsatNamesTheSecondSolverOrWithdrawsTheClaim) {
  absl::StatusOr<OptimalResult> r = SolveSmall();
  ASSERT_TRUE(r.ok() && r->proof == ProofKind::kUnsat);
  OptimalResult confirmed = *r;
  ProveOptions options;
  options.confirm = true;
  options.time_limit = absl::Seconds(60);
  ASSERT_TRUE(BackUnsat(confirmed, Block(), options).ok());
  EXPECT_TRUE(confirmed.optimal);
  EXPECT_THAT(confirmed.confirmed_by, HasSubstr("CryptoMiniSat"));
  OptimalResult rushed = *r;
  options.time_limit = absl::Microseconds(1);
  ASSERT_TRUE(BackUnsat(rushed, Block(), options).ok());
  EXPECT_FALSE(rushed.optimal);
  EXPECT_TRUE(rushed.confirmed_by.empty());
  EXPECT_TRUE(rushed.unsat_by.empty());
  EXPECT_EQ(rushed.proof, ProofKind::kNone);
  EXPECT_EQ(rushed.stopped, StopReason::kTimeLimit);
}

// One time limit covers the search, the fresh formula's UNSAT answer and the
// confirmation. Causal n = 8, d = 1 on 4 PEs, block: the search proves 36 in about
// 1 s, and CryptoMiniSat then takes about 10 s to confirm, so with 4 s the claim is
// withdrawn on time (when each phase had the whole limit, this took 6.4 s).
TEST(ConfirmTest, TheSearchAndTheConfirmationShareOneTimeLimit) {
  SearchOptions search;
  search.placement = BlockPlacement(8, 4);
  search.time_limit = absl::Seconds(4);
  ProveOptions prove;
  prove.confirm = true;
  const absl::Time start = absl::Now();
  absl::StatusOr<OptimalResult> r =
      SolveOptimalBacked(MakeProblem(Scheme::kCausal, 8, 1, 4), search, prove);
  const absl::Duration wall = absl::Now() - start;
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_LT(wall, search.time_limit * 1.05 + absl::Milliseconds(100));
  EXPECT_EQ(r->makespan, 36);
  if (r->optimal) {
    EXPECT_THAT(r->confirmed_by, HasSubstr("CryptoMiniSat"));
  } else {
    EXPECT_EQ(r->stopped, StopReason::kTimeLimit);
    EXPECT_TRUE(r->confirmed_by.empty());
  }
  std::cout << "search and confirmation under a 4 s limit: " << wall << "\n";
}

}  // namespace
}  // namespace attnsched::sat
