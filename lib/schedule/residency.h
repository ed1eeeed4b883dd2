// Where items are resident, and from which cycle: the state shared by the
// validator, the simulator and the plan compiler.
//
// Storage follows the structure of the task graph instead of one big (item, PE)
// table:
//   - input vectors: a dense (kind, token, PE) table of cycles when it has at most
//     kDenseVectorLimit entries, else a hash map (inputs at home are resident at 0);
//   - scores s(i,j): each is produced once, so its producer PE and cycle sit in a
//     dense array indexed by the dot (one entry per dot of the task graph); copies
//     made by transfers go to a hash map;
//   - p(i,*) at h(i): one cycle per row (the end of softmax(i)); copies elsewhere go
//     to the hash map.
// Memory is O(n m + dots + transfers); lookups on the hot paths touch arrays only.
// A FREE drops a copy's record; a freed result or home input is marked in place
// (residency after a FREE: SPEC section 10.6).
// Not thread-safe.
#ifndef ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_
#define ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
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

// Index of score s(i,j) (canonical, as ScoreItem names it) in [0, dots): the mask's
// dense index of the pair (Mask::ScoreIndex; shared: Mask::PairIndex).
inline int64_t ScoreIndex(const Instance& inst, const Item& s) {
  return inst.shared ? inst.mask.PairIndex(s.i, s.j) : inst.mask.ScoreIndex(s.i, s.j);
}

class Residency {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  // Largest dense vector table, in entries (8 bytes each).
  static constexpr int64_t kDenseVectorLimit = int64_t{1} << 25;

  // `problem` and `placement` must outlive this object and be valid.
  Residency(const Problem& problem, const Placement& placement);

  // The first cycle at which `item` is resident on `pe`, or kNever. `item` must pass
  // CheckItem for the instance.
  int64_t ArrivalAt(const Item& item, int32_t pe) const;

  // Records the result of `op` on `pe`, resident from cycle `end`: s(i,j) for a dot,
  // p(i, j) for all j in M(i) for a softmax, nothing for an axpy. Each operation
  // must be recorded at most once.
  void RecordResult(const Operation& op, int32_t pe, int64_t end);

  // Records that `item` reaches `pe` at cycle `t` (a transfer), keeping the
  // earliest cycle. Returns the arrival known before the call (kNever if none).
  int64_t RecordArrival(const Item& item, int32_t pe, int64_t t);

  // Ends `item`'s residency on `pe` (a FREE event): ArrivalAt returns kNever until a
  // later RecordArrival, and a copy's record is dropped (its memory too). Returns the
  // arrival known before the call; the caller checks it is <= the FREE's cycle.
  int64_t Free(const Item& item, int32_t pe);

  void ReserveCopies(size_t entries) { copies_.reserve(entries); }

  // Where and when a recorded operation's result appeared.
  struct Result {
    int32_t pe;
    int64_t end;
  };
  // The result of `op` if RecordResult recorded it: a dot's score, a softmax's row of
  // p; nullopt for an axpy (it has no result) or an operation not recorded.
  std::optional<Result> ResultOf(const Operation& op) const;

 private:
  int64_t* DenseVectorSlot(const Item& item, int32_t pe);
  int64_t CopyAt(const Item& item, int32_t pe) const;
  // True when the input `item` (a vector) was freed on its home.
  bool HomeFreed(const Item& item) const {
    return !home_freed_.empty() && home_freed_.contains(ResidencyKey(item, placement_[item.i]));
  }

  const Instance& instance_;
  const Placement& placement_;
  const int64_t pes_;
  std::vector<int64_t> vectors_;       // dense (kind, token, PE) table, or empty
  std::vector<int32_t> score_pe_;      // producer of each score, -1 before
  std::vector<int64_t> score_end_;     // cycle it is resident there from
  std::vector<int64_t> softmax_end_;   // p(i, *) resident on h(i) from
  absl::flat_hash_map<uint64_t, int64_t> copies_;  // everything else
  absl::flat_hash_set<uint64_t> home_freed_;       // inputs freed on their home
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_
