// The CaDiCaL wrapper's states (lib/sat/solver.h): answers and values, incremental
// solving under assumptions, the three ways a Solve stops early and the reason it
// reports, statistics, and the DRAT proof's life cycle (published on CloseProof only,
// a failed write an error with no file).
#include "lib/sat/solver.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sat/cnf.h"

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

TEST(SatSolverTest, ADratProofAppearsOnlyWhenClosed) {
  const std::string dir = ::testing::TempDir() + "/solver_test_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/php.drat";
  {
    SatSolver solver(Pigeonhole(4), path);
    ASSERT_TRUE(solver.status().ok()) << solver.status();
    ASSERT_EQ(solver.Solve({}), SatResult::kUnsat);
    EXPECT_FALSE(std::filesystem::exists(path));  // still being written elsewhere
    ASSERT_TRUE(solver.CloseProof().ok());
  }
  EXPECT_GT(std::filesystem::file_size(path), 0u);
  {
    SatSolver solver(Pigeonhole(4), "/dev/full");  // every write fails
    ASSERT_TRUE(solver.status().ok());
    ASSERT_EQ(solver.Solve({}), SatResult::kUnsat);
    const absl::Status closed = solver.CloseProof();
    EXPECT_EQ(closed.code(), absl::StatusCode::kDataLoss) << closed;
  }
  const SatSolver unwritable(Pigeonhole(2), "/nonexistent/dir/p.drat");
  EXPECT_FALSE(unwritable.status().ok());
  EXPECT_THAT(std::string(unwritable.status().message()), ::testing::HasSubstr("--proof"));
}

}  // namespace
}  // namespace attnsched::sat
