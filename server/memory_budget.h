// The server-wide memory budget: the bytes that the schedules of running requests may
// hold at once (GenerateSchedule, StreamSchedule, VerifySchedule, ProveOptimality).
// A request leases its estimate before it allocates: the exact event count of a
// schedule about to be compiled, the announced event count of a stream about to be
// received, the size of a schedule about to be proven, at kBytesPerEvent bytes per
// event (measured, docs/performance.md). A lease that would exceed the budget is
// refused with ResourceExhaustedError: marked retryable (retryable.h) when the
// request would fit once others finish, not when it exceeds the whole budget.
//
// Example:
//   MemoryBudget::Lease lease = budget.Empty();
//   RETURN_IF_ERROR(lease.GrowTo(EventBytes(events), "a schedule of 17297472 events"));
//   ... the lease returns its bytes when it is destroyed.
// Thread-safe.
#ifndef ATTNSCHED_SERVER_MEMORY_BUDGET_H_
#define ATTNSCHED_SERVER_MEMORY_BUDGET_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace attnsched::server {

// Peak bytes per event, measured on the server (VmHWM over idle) for GPT-2's causal
// head on 16 PEs (1,080,384 events) and rounded up: StreamSchedule 67 (generate,
// validate, simulate; 65 for the 17.3 M events of Llama-2-7B), VerifySchedule 58;
// a unary GenerateSchedule 145, its response holding the events once more
// (kResponseBytesPerEvent); ProveOptimality 301 in the server (the request, its
// schedule, the job's copy for the worker) and 177 in the SAT worker process.
inline constexpr int64_t kBytesPerEvent = 80;
inline constexpr int64_t kResponseBytesPerEvent = 80;
inline constexpr int64_t kProveBytesPerEvent = 480;

// Bytes per operation of the task graph that checking a streamed schedule holds, and
// generating one as it is streamed (the generator's and validator's bits per
// operation, the simulator's score and p values: 8 + 8 bytes per dot), estimated from
// those data structures and rounded up.
inline constexpr int64_t kCheckBytesPerOperation = 24;

// events * per_event, saturating at INT64_MAX.
int64_t EventBytes(int64_t events, int64_t per_event = kBytesPerEvent);

// What checking a schedule of `operations` operations costs when `events_held` of
// its events are held in memory (0 for a stream checked as it arrives), saturating.
int64_t CheckBytes(int64_t operations, int64_t events_held);

class MemoryBudget {
 public:
  // `bytes` >= 1: the budget (--memory_budget_bytes).
  explicit MemoryBudget(int64_t bytes) : total_(bytes) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Bytes leased from a budget, returned on destruction. Move-only.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    // Grows the lease to `bytes` for `what` (named in the error); a smaller value
    // keeps it. Errors: ResourceExhaustedError, retryable when `bytes` fits the
    // budget but not beside the other leases now.
    absl::Status GrowTo(int64_t bytes, absl::string_view what);
    int64_t bytes() const { return bytes_; }

   private:
    friend class MemoryBudget;
    explicit Lease(MemoryBudget* budget) : budget_(budget) {}
    MemoryBudget* budget_;
    int64_t bytes_ = 0;
  };

  Lease Empty() { return Lease(this); }
  int64_t total() const { return total_; }
  int64_t in_use() const;

 private:
  absl::Status Take(int64_t bytes, absl::string_view what, int64_t asked);
  void Give(int64_t bytes);

  const int64_t total_;
  mutable absl::Mutex mu_;
  int64_t in_use_ ABSL_GUARDED_BY(mu_) = 0;
};

// The default budget: half of this process's memory limit (the cgroup v2 memory.max
// of its container, or the physical memory when lower or unlimited), leaving the
// other half to SAT worker processes, gRPC's buffers and the allocator.
int64_t DefaultMemoryBudget();

}  // namespace attnsched::server

#endif  // ATTNSCHED_SERVER_MEMORY_BUDGET_H_
