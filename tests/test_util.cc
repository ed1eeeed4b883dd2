#include "tests/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace attnsched::testing {

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

CommandResult RunCommand(const std::string& command) {
  static int calls = 0;
  const std::string base = absl::StrCat(
      ::testing::TempDir(), "/", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
      "_", getpid(), "_", ++calls);
  const std::string out = base + ".out", err = base + ".err";
  const int status = std::system(
      absl::StrCat(command, " >", out, " 2>", err, " </dev/null").c_str());
  return CommandResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
}

Schedule MustGenerate(const Problem& problem, const GenerateOptions& options) {
  absl::StatusOr<Generated> g = Generate(problem, options);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? std::move(g->schedule) : Schedule{};
}

Schedule MustGenerateOn(const Problem& problem, const Placement& homes) {
  return MustGenerate(problem, {kDefaultMaxEvents, PlacementSpec{PlacementKind::kExplicit, homes}, 0});
}

Schedule MustGenerate(Scheme scheme, int64_t n, int64_t d, int64_t pes) {
  GenerateOptions options;
  options.search_events = 0;
  return MustGenerate(MakeProblem(scheme, n, d, pes), options);
}

}  // namespace attnsched::testing
