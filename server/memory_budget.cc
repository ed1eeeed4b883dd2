#include "server/memory_budget.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_format.h"
#include "lib/base/system_memory.h"
#include "server/retryable.h"

namespace attnsched::server {

int64_t CheckBytes(int64_t operations, int64_t events_held) {
  const int64_t state = EventBytes(operations, kCheckBytesPerOperation);
  const int64_t held = EventBytes(events_held);
  return held > std::numeric_limits<int64_t>::max() - state ? std::numeric_limits<int64_t>::max()
                                                            : state + held;
}

int64_t EventBytes(int64_t events, int64_t per_event) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (events <= 0 || per_event <= 0) return 0;
  return events > kMax / per_event ? kMax : events * per_event;
}

MemoryBudget::Lease::Lease(Lease&& other) noexcept
    : budget_(other.budget_), bytes_(other.bytes_) {
  other.bytes_ = 0;
}

MemoryBudget::Lease::~Lease() {
  if (bytes_ > 0) budget_->Give(bytes_);
}

absl::Status MemoryBudget::Lease::GrowTo(int64_t bytes, absl::string_view what) {
  if (bytes <= bytes_) return absl::OkStatus();
  absl::Status taken = budget_->Take(bytes - bytes_, what, bytes);
  if (taken.ok()) bytes_ = bytes;
  return taken;
}

int64_t MemoryBudget::in_use() const {
  absl::MutexLock lock(&mu_);
  return in_use_;
}

absl::Status MemoryBudget::Take(int64_t bytes, absl::string_view what, int64_t asked) {
  if (asked > total_) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s needs about %d bytes, more than this server's whole memory budget of %d bytes "
        "(--memory_budget_bytes); ask for a smaller schedule or use a server with more "
        "memory",
        what, asked, total_));
  }
  absl::MutexLock lock(&mu_);
  if (bytes > total_ - in_use_) {
    return Retryable(absl::ResourceExhaustedError(absl::StrFormat(
        "%s needs about %d bytes and this server's memory budget has %d of %d bytes free "
        "while other requests run; retry later or on another replica",
        what, asked, total_ - in_use_, total_)));
  }
  in_use_ += bytes;
  return absl::OkStatus();
}

void MemoryBudget::Give(int64_t bytes) {
  absl::MutexLock lock(&mu_);
  in_use_ -= bytes;
}

int64_t DefaultMemoryBudget() { return std::max<int64_t>(AvailableMemoryBytes() / 2, 1); }

}  // namespace attnsched::server
