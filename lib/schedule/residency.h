// Where items are resident, and from which cycle: the state shared by the
// validator, the simulator's bookkeeping and the plan compiler.
//
// Memory is proportional to the residencies that actually occur (one entry per
// produced scalar and per transfer), never a dense (item, PE) table: inputs at their
// home and p(i,*) at h(i) after softmax(i) are derived, not stored.
// Not thread-safe.
#ifndef ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_
#define ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lib/model/placement.h"
#include "lib/model/problem.h"
#include "lib/model/task_graph.h"

namespace attnsched {

// A 64-bit key for (item, PE): kind 3 bits, i and j 20 bits each, PE 16 bits
// (the limits kMaxTokens and kMaxPes of problem.h).
inline uint64_t ResidencyKey(const Item& item, int32_t pe) {
  return (uint64_t{static_cast<uint8_t>(item.kind)} << 56) |
         (uint64_t(static_cast<uint32_t>(item.i)) << 36) |
         (uint64_t(static_cast<uint32_t>(item.j)) << 16) | uint64_t(static_cast<uint32_t>(pe));
}

class Residency {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  // `problem` and `placement` must outlive this object and be valid.
  Residency(const Problem& problem, const Placement& placement);

  // The first cycle at which `item` is resident on `pe`, or kNever.
  int64_t ArrivalAt(const Item& item, int32_t pe) const;

  // Records that `item` is resident on `pe` from cycle `t`, keeping the earliest
  // cycle. Returns the arrival known before the call (kNever if none).
  int64_t Record(const Item& item, int32_t pe, int64_t t);

  // Records that softmax(row) ends at cycle t: p(row, j) for every j in M(row) is
  // resident on h(row) from t.
  void RecordSoftmax(int32_t row, int64_t t) { softmax_end_[row] = t; }

  void Reserve(size_t entries) { arrival_.reserve(entries); }

 private:
  const Instance& instance_;
  const Placement& placement_;
  std::vector<int64_t> softmax_end_;
  absl::flat_hash_map<uint64_t, int64_t> arrival_;
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_
