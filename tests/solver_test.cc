// The CaDiCaL wrapper's states (lib/sat/solver.h): answers and values, incremental
// solving under assumptions, the three ways a Solve stops early and the reason it
// reports, statistics, and the DRAT proof's life cycle (published on CloseProof only,
// a failed write an error with no file). The same for CryptoMiniSat
// (lib/sat/cms_solver.h) and the portfolio racing both (lib/sat/portfolio.h): either
// solver's answer and model, the loser stopped, deadlines and cancellation.
#include "lib/sat/solver.h"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sat/cms_solver.h"
#include "lib/sat/cnf.h"
#include "lib/sat/portfolio.h"

namespace attnsched::sat {
namespace {

// Pigeonhole: `holes` + 1 pigeons in `holes` holes, UNSAT and hard for resolution
// (a few thousand conflicts at 8 holes).
Cnf Pigeonhole(int holes) {
  Cnf cnf;
  const int pigeons = holes + 1;
  auto var = [&](int p, int h) { return p * holes + h + 1; };
  for (int v = 0; v < pigeons * holes; ++v) cnf.NewVar();
  for (int p = 0; p < pigeons; ++p) {
    std::vector<int> some;
    for (int h = 0; h < holes; ++h) some.push_back(var(p, h));
    cnf.AddClause(some);
  }
  for (int h = 0; h < holes; ++h) {
    for (int p = 0; p < pigeons; ++p) {
      for (int q = p + 1; q < pigeons; ++q) cnf.AddClause({-var(p, h), -var(q, h)});
    }
  }
  return cnf;
}

TEST(SatSolverTest, AnswersValuesAndAssumptions) {
  Cnf cnf;
  const int a = cnf.NewVar(), b = cnf.NewVar();
  cnf.AddClause({a, b});
  cnf.AddClause({-a, b});
  SatSolver solver(cnf);
  ASSERT_TRUE(solver.status().ok());
  EXPECT_EQ(solver.stats().variables, 2);
  EXPECT_EQ(solver.stats().clauses, 2);
  ASSERT_EQ(solver.Solve({}), SatResult::kSat);
  EXPECT_TRUE(solver.Value(b));
  EXPECT_EQ(solver.stop_reason(), StopReason::kNone);
  // Assumptions hold for one call only.
  const int not_b[] = {-b};
  EXPECT_EQ(solver.Solve(not_b), SatResult::kUnsat);
  const int with_a[] = {a};
  ASSERT_EQ(solver.Solve(with_a), SatResult::kSat);
  EXPECT_TRUE(solver.Value(a));
  EXPECT_EQ(SatResultName(SatResult::kUnsat), "UNSAT");
}

TEST(SatSolverTest, EachEarlyStopSaysWhy) {
  const Cnf hard = Pigeonhole(9);
  {
    SatSolver solver(hard);
    CancelToken cancel;
    cancel.Cancel();
    EXPECT_EQ(solver.Solve({}, {absl::InfiniteFuture(), -1, &cancel}), SatResult::kUnknown);
    EXPECT_EQ(solver.stop_reason(), StopReason::kCancelled);
    // A later call without the token starts over: the reason is not sticky.
    EXPECT_EQ(solver.Solve({}, {absl::InfiniteFuture(), 10, nullptr}), SatResult::kUnknown);
    EXPECT_EQ(solver.stop_reason(), StopReason::kConflictLimit);
  }
  {
    SatSolver solver(hard);
    EXPECT_EQ(solver.Solve({}, {absl::Now() + absl::Milliseconds(50), -1, nullptr}),
              SatResult::kUnknown);
    EXPECT_EQ(solver.stop_reason(), StopReason::kTimeLimit);
    EXPECT_GT(solver.stats().conflicts, 0);
    EXPECT_GT(solver.stats().seconds, 0);
  }
  EXPECT_EQ(StopReasonName(StopReason::kConflictLimit), "conflict limit");
}

// Each solver sets up its variables in one call that cannot be stopped (1-2 s for 2
// million variables here), so a first Solve() whose deadline is nearer than the
// solver's rate (kCadicalVariablesPerSecond, kCmsVariablesPerSecond) says stops
// before it, on time; the next Solve() sets them up and answers.
template <typename Solver>
void ExpectTheSetupToWaitForTime(const Cnf& cnf) {
  Solver solver(cnf);
  const absl::Time deadline = absl::Now() + absl::Milliseconds(300);
  absl::StatusOr<SatResult> r = solver.Solve({}, {deadline, -1, nullptr});
  EXPECT_LT(absl::Now(), deadline);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, SatResult::kUnknown);
  EXPECT_EQ(solver.stop_reason(), StopReason::kTimeLimit);
  r = solver.Solve({}, SolveLimits{});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(*r, SatResult::kSat);
  EXPECT_FALSE(solver.Value(1));
  EXPECT_TRUE(solver.Value(cnf.num_vars()));
}

TEST(LoadClausesTest, VariablesAreSetUpOnlyWhenTheDeadlineLeavesTimeForThem) {
  Cnf cnf;
  for (int v = 0; v < 2'000'000; ++v) cnf.NewVar();
  cnf.AddClause({1, cnf.num_vars()});
  cnf.AddClause({-1});
  ExpectTheSetupToWaitForTime<SatSolver>(cnf);
  ExpectTheSetupToWaitForTime<CmsSolver>(cnf);
}

TEST(SatSolverTest, ADratProofAppearsOnlyWhenClosed) {
  const std::string dir = ::testing::TempDir() + "/solver_test_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/php.drat";
  const Cnf php4 = Pigeonhole(4), php2 = Pigeonhole(2);
  {
    SatSolver solver(php4, path);
    ASSERT_TRUE(solver.status().ok()) << solver.status();
    ASSERT_EQ(solver.Solve({}), SatResult::kUnsat);
    EXPECT_FALSE(std::filesystem::exists(path));  // still being written elsewhere
    ASSERT_TRUE(solver.CloseProof().ok());
  }
  EXPECT_GT(std::filesystem::file_size(path), 0u);
  {
    SatSolver solver(php4, "/dev/full");  // every write fails
    ASSERT_TRUE(solver.status().ok());
    ASSERT_EQ(solver.Solve({}), SatResult::kUnsat);
    const absl::Status closed = solver.CloseProof();
    EXPECT_EQ(closed.code(), absl::StatusCode::kDataLoss) << closed;
  }
  const SatSolver unwritable(php2, "/nonexistent/dir/p.drat");
  EXPECT_FALSE(unwritable.status().ok());
  EXPECT_THAT(std::string(unwritable.status().message()), ::testing::HasSubstr("--proof"));
}

// Two clauses over a, b and an assumption list that is SAT, UNSAT, then SAT again:
// every member answers it under every call, with a model satisfying the clauses.
template <typename Solver>
void ExpectIncrementalAnswers(Solver& solver) {
  const int not_b[] = {-2};
  const int with_a[] = {1};
  absl::StatusOr<SatResult> r = solver.Solve({}, SolveLimits{});
  ASSERT_TRUE(r.ok() && *r == SatResult::kSat);
  EXPECT_TRUE(solver.Value(2));
  r = solver.Solve(not_b, SolveLimits{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, SatResult::kUnsat);
  r = solver.Solve(with_a, SolveLimits{});
  ASSERT_TRUE(r.ok() && *r == SatResult::kSat);
  EXPECT_TRUE(solver.Value(1) && solver.Value(2));
}

Cnf TwoClauses() {
  Cnf cnf;
  const int a = cnf.NewVar(), b = cnf.NewVar();
  cnf.AddClause({a, b});
  cnf.AddClause({-a, b});
  return cnf;
}

TEST(CmsSolverTest, AnswersValuesAssumptionsAndLimits) {
  const Cnf two = TwoClauses(), php11 = Pigeonhole(11);
  CmsSolver solver(two);
  ExpectIncrementalAnswers(solver);
  EXPECT_EQ(CmsSolver::Name().rfind("CryptoMiniSat 5.", 0), 0u) << CmsSolver::Name();
  CmsSolver hard(php11);  // beyond minutes for CryptoMiniSat
  const absl::Time start = absl::Now();
  absl::StatusOr<SatResult> r = hard.Solve({}, {start + absl::Milliseconds(100), -1, nullptr});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, SatResult::kUnknown);
  EXPECT_EQ(hard.stop_reason(), StopReason::kTimeLimit);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_GT(hard.conflicts(), 0);
  CancelToken cancel;
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.Cancel();
  });
  r = hard.Solve({}, {absl::InfiniteFuture(), -1, &cancel});
  canceller.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, SatResult::kUnknown);
  EXPECT_EQ(hard.stop_reason(), StopReason::kCancelled);
  EXPECT_EQ(hard.Solve({}, {absl::InfiniteFuture(), 10, nullptr}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// x1, x1 -> x2, ..., x(n-1) -> xn: SAT with every variable true, UNSAT under -xn,
// and a clause lost or added twice out of order would show in one of the two.
Cnf Chain(int n) {
  Cnf cnf;
  for (int v = 0; v < n; ++v) cnf.NewVar();
  cnf.AddClause({1});
  for (int v = 1; v < n; ++v) cnf.AddClause({-v, v + 1});
  return cnf;
}

TEST(LoadClausesTest, PollsEveryKLoadPollClausesAndResumesWhereItStopped) {
  const Cnf cnf = Chain(3 * static_cast<int>(kLoadPollClauses));
  CancelToken cancel;
  const SolveLimits limits{absl::InfiniteFuture(), -1, &cancel};
  std::vector<int> firsts;  // each added clause's first literal
  auto add = [&](std::span<const int> clause) {
    firsts.push_back(clause[0]);
    if (firsts.size() == 10) cancel.Cancel();
  };
  size_t cursor = 0;
  EXPECT_EQ(LoadClauses(cnf, limits, cursor, add), StopReason::kCancelled);
  // Cancelled during the 10th clause: the poll before the next kLoadPollClauses stops it.
  ASSERT_EQ(firsts.size(), static_cast<size_t>(kLoadPollClauses));
  EXPECT_EQ(cursor, 1 + 3 * (kLoadPollClauses - 1) + 1);  // {1, 0}, then {-v, v + 1, 0} each
  EXPECT_EQ(LoadClauses(cnf, SolveLimits{}, cursor, add), StopReason::kNone);
  ASSERT_EQ(firsts.size(), static_cast<size_t>(cnf.num_clauses()));
  EXPECT_EQ(firsts[0], 1);
  for (size_t c = 1; c < firsts.size(); ++c) ASSERT_EQ(firsts[c], -static_cast<int>(c));
  EXPECT_EQ(cursor, cnf.literals().size());
  EXPECT_EQ(LoadClauses(cnf, limits, cursor, add), StopReason::kNone);  // nothing left
  const SolveLimits past{absl::Now() - absl::Seconds(1), -1, nullptr};
  cursor = 0;
  EXPECT_EQ(LoadClauses(cnf, past, cursor, add), StopReason::kTimeLimit);
  EXPECT_EQ(cursor, 0u);
}

// Each solver loads its formula in its first Solve(), under that call's deadline;
// stopped part way (a 300,000-clause chain loads in about 0.2 s), it loads the rest
// in the next call and answers as if it had loaded it at once.
template <typename Solver>
void ExpectALoadStoppedAtTheDeadlineToResume(Solver& solver, int n) {
  absl::StatusOr<SatResult> r = solver.Solve({}, {absl::Now() + absl::Milliseconds(1)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, SatResult::kUnknown);
  EXPECT_EQ(solver.stop_reason(), StopReason::kTimeLimit);
  const int not_last[] = {-n};
  r = solver.Solve(not_last, SolveLimits{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, SatResult::kUnsat);
  r = solver.Solve({}, SolveLimits{});
  ASSERT_TRUE(r.ok() && *r == SatResult::kSat);
  EXPECT_TRUE(solver.Value(1) && solver.Value(n / 2) && solver.Value(n));
}

TEST(LoadClausesTest, EverySolverResumesALoadStoppedAtTheDeadline) {
  constexpr int kVars = 300'000;
  const Cnf chain = Chain(kVars);
  SatSolver cadical(chain);
  ExpectALoadStoppedAtTheDeadlineToResume(cadical, kVars);
  CmsSolver cms(chain);
  ExpectALoadStoppedAtTheDeadlineToResume(cms, kVars);
  PortfolioSolver race(chain, true);
  ExpectALoadStoppedAtTheDeadlineToResume(race, kVars);
}

TEST(CancelTokenTest, AChildIsCancelledWithItsParentNotTheOtherWay) {
  CancelToken parent;
  CancelToken child(&parent);
  CancelToken orphan(nullptr);
  child.Cancel();
  EXPECT_TRUE(child.cancelled());
  EXPECT_FALSE(parent.cancelled());
  CancelToken sibling(&parent);
  parent.Cancel();
  EXPECT_TRUE(sibling.cancelled());
  EXPECT_FALSE(orphan.cancelled());
}

TEST(PortfolioSolverTest, EitherMemberAnswersIncrementally) {
  const Cnf two = TwoClauses(), php4 = Pigeonhole(4);
  for (const bool race : {false, true}) {
    PortfolioSolver solver(two, race);
    EXPECT_EQ(solver.racing(), race);
    ExpectIncrementalAnswers(solver);
    const std::string& by = solver.answered_by();
    EXPECT_TRUE(by == "CaDiCaL" || (race && by == CmsSolver::Name())) << by;
    EXPECT_EQ(solver.stats().variables, 2);
  }
  // A DRAT proof is CaDiCaL's: no race then.
  const std::string path = ::testing::TempDir() + "/portfolio_" + std::to_string(getpid());
  PortfolioSolver proving(php4, true, path);
  EXPECT_FALSE(proving.racing());
  absl::StatusOr<SatResult> r = proving.Solve({}, SolveLimits{});
  ASSERT_TRUE(r.ok() && *r == SatResult::kUnsat);
  EXPECT_EQ(proving.answered_by(), "CaDiCaL");
  EXPECT_TRUE(proving.CloseProof().ok());
  EXPECT_TRUE(std::filesystem::exists(path));
}

// Pigeonhole at 7 and 8 holes: UNSAT after thousands of conflicts in both solvers, so
// both are busy when the first answers; at 11 holes neither answers for minutes.
TEST(PortfolioSolverTest, TheRaceReturnsTheFirstAnswerAndStopsTheLoser) {
  for (const int holes : {7, 8}) {
    const Cnf php = Pigeonhole(holes);
    PortfolioSolver solver(php, true);
    const absl::Time start = absl::Now();
    absl::StatusOr<SatResult> r = solver.Solve({}, SolveLimits{});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, SatResult::kUnsat) << holes;
    EXPECT_FALSE(solver.answered_by().empty());
    EXPECT_LE(solver.stats().seconds, absl::ToDoubleSeconds(absl::Now() - start));
  }
  const Cnf php11 = Pigeonhole(11);
  PortfolioSolver hard(php11, true);
  absl::StatusOr<SatResult> r =
      hard.Solve({}, {absl::Now() + absl::Milliseconds(200), -1, nullptr});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, SatResult::kUnknown);
  EXPECT_EQ(hard.stop_reason(), StopReason::kTimeLimit);
  CancelToken cancel;
  std::thread canceller([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.Cancel();
  });
  const absl::Time start = absl::Now();
  r = hard.Solve({}, {absl::InfiniteFuture(), -1, &cancel});
  canceller.join();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, SatResult::kUnknown);
  EXPECT_EQ(hard.stop_reason(), StopReason::kCancelled);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << "both members stop on the caller's token";
  // A conflict limit is CaDiCaL's: that call runs it alone.
  r = hard.Solve({}, {absl::InfiniteFuture(), 10, nullptr});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(hard.stop_reason(), StopReason::kConflictLimit);
}

}  // namespace
}  // namespace attnsched::sat
