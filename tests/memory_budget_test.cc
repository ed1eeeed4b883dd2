// The server's memory budget (server/memory_budget.h): leases grow, refuse what does
// not fit (retryable only when it would fit once others finish) and give their bytes
// back when destroyed.
#include "server/memory_budget.h"

#include <unistd.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/retryable.h"

namespace attnsched::server {
namespace {

using ::testing::HasSubstr;

TEST(MemoryBudgetTest, LeasesGrowAndReturnTheirBytes) {
  MemoryBudget budget(1000);
  {
    MemoryBudget::Lease a = budget.Empty();
    ASSERT_TRUE(a.GrowTo(300, "a").ok());
    ASSERT_TRUE(a.GrowTo(200, "a").ok());  // smaller: kept
    EXPECT_EQ(a.bytes(), 300);
    ASSERT_TRUE(a.GrowTo(600, "a").ok());  // takes only the difference
    EXPECT_EQ(budget.in_use(), 600);
    MemoryBudget::Lease b = std::move(a);
    EXPECT_EQ(budget.in_use(), 600);       // a moved lease is returned once
  }
  EXPECT_EQ(budget.in_use(), 0);
}

TEST(MemoryBudgetTest, WhatFitsLaterIsRetryableWhatNeverFitsIsNot) {
  MemoryBudget budget(1000);
  MemoryBudget::Lease held = budget.Empty();
  ASSERT_TRUE(held.GrowTo(700, "the first").ok());
  MemoryBudget::Lease later = budget.Empty();
  const absl::Status busy = later.GrowTo(400, "a schedule of 5 events");
  EXPECT_EQ(busy.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(busy.message()), HasSubstr("a schedule of 5 events needs about 400"));
  EXPECT_THAT(std::string(busy.message()), HasSubstr("300 of 1000 bytes free"));
  EXPECT_TRUE(RetryAfterMs(busy).has_value());
  EXPECT_EQ(later.bytes(), 0);  // a refused lease holds nothing
  EXPECT_EQ(budget.in_use(), 700);

  const absl::Status never = later.GrowTo(1001, "a schedule of 13 events");
  EXPECT_EQ(never.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(never.message()), HasSubstr("whole memory budget of 1000 bytes"));
  EXPECT_THAT(std::string(never.message()), HasSubstr("--memory_budget_bytes"));
  EXPECT_FALSE(RetryAfterMs(never).has_value());
}

TEST(MemoryBudgetTest, EventBytesSaturates) {
  EXPECT_EQ(EventBytes(1000), 1000 * kBytesPerEvent);
  EXPECT_EQ(EventBytes(0), 0);
  EXPECT_EQ(EventBytes(-5), 0);
  EXPECT_EQ(EventBytes(std::numeric_limits<int64_t>::max() / 2),
            std::numeric_limits<int64_t>::max());
}

TEST(MemoryBudgetTest, TheDefaultLeavesHalfTheMemory) {
  const int64_t physical = int64_t{sysconf(_SC_PHYS_PAGES)} * sysconf(_SC_PAGE_SIZE);
  const int64_t budget = DefaultMemoryBudget();
  EXPECT_GT(budget, 0);
  EXPECT_LE(budget, physical / 2);
}

TEST(RetryableTest, MarksAndReadsTheDelay) {
  const absl::Status plain = absl::ResourceExhaustedError("full");
  EXPECT_FALSE(RetryAfterMs(plain).has_value());
  const absl::Status marked = Retryable(plain, absl::Milliseconds(250));
  EXPECT_EQ(marked.code(), plain.code());
  EXPECT_EQ(marked.message(), plain.message());
  EXPECT_EQ(RetryAfterMs(marked), 250);
}

}  // namespace
}  // namespace attnsched::server
