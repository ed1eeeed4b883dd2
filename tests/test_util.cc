#include "tests/test_util.h"

#include "gtest/gtest.h"

namespace attnsched::testing {

Schedule MustGenerate(Scheme scheme, int64_t n, int64_t d, int64_t pes) {
  absl::StatusOr<Schedule> s = Generate(MakeProblem(scheme, n, d, pes));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : Schedule{};
}

}  // namespace attnsched::testing
