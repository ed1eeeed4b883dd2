// Where items are resident, and from which cycle: the state shared by the
// validator, the simulator and the plan compiler.
//
// Storage follows the structure of the task graph instead of one big (item, PE)
// table:
//   - input vectors: a dense (kind, token, PE) table of cycles when it has at most
//     kDenseVectorLimit entries, else a hash map (inputs at home are resident at 0);
//   - scores s(i,j): each is produced once, and only where it is produced is kept, in
//     2 bits per dot of the task graph: at the home of i, at the home of j, or
//     elsewhere (a hash map holds that PE); copies made by transfers go to a hash map
//     with their arrival cycles;
//   - p(i,*) at h(i): one cycle per row (the end of softmax(i)); copies elsewhere go
//     to the hash map.
// When a score was produced is not kept: every reader of a residency processes its
// events in start order, and a PE's own score is resident once that PE's compute
// unit has finished the dot, which the reader knows from the unit (ArrivalAt).
// Memory is O(n m + dots / 4 + transfers); lookups on the hot paths touch arrays only.
// A FREE drops a copy's record; a freed result or home input is marked in place
// (residency after a FREE: SPEC section 10.6).
// Not thread-safe.
#ifndef ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_
#define ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "absl/base/attributes.h"
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

// Index of the dot producing score s(i,j) (canonical, as ScoreItem names it) in
// [0, dots): the mask's dense index of the pair, key by key (Mask::ReaderIndex; shared:
// Mask::PairIndex), so that a ring's dots over a received block touch neighbouring
// bits.
inline int64_t DotIndex(const Instance& inst, const Item& s) {
  return inst.shared ? inst.mask.PairIndex(s.i, s.j) : inst.mask.ReaderIndex(s.i, s.j);
}

class Residency {
 public:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  // Largest dense vector table, in entries (8 bytes each).
  static constexpr int64_t kDenseVectorLimit = int64_t{1} << 25;

  // `problem` and `placement` must outlive this object and be valid.
  Residency(const Problem& problem, const Placement& placement);

  // The first cycle at which `item` is resident on `pe`, or kNever. `item` must pass
  // CheckItem for the instance. For a score that `pe` itself produced: 0, i.e.
  // resident from the end of its dot, which the caller checks against `pe`'s compute
  // unit (a unit runs one operation at a time, so only its current one can be
  // unfinished).
  ABSL_ATTRIBUTE_ALWAYS_INLINE int64_t ArrivalAt(const Item& item, int32_t pe) const {
    switch (item.kind) {  // inline: every operand of every operation asks
      case ItemKind::kS: return ScoreArrivalAt(item, pe);
      case ItemKind::kP:
        if (placement_[item.i] == pe && softmax_end_[item.i] != kNever) {
          return softmax_end_[item.i];
        }
        return CopyAt(item, pe);
      default:
        if (placement_[item.i] == pe && !HomeFreed(item)) return 0;
        if (vectors_.empty()) return CopyAt(item, pe);
        return vectors_[VectorIndex(item, pe)];
    }
  }

  // Records the result of `op` on `pe`, resident from cycle `end`: s(i,j) for a dot,
  // p(i, j) for all j in M(i) for a softmax, nothing for an axpy. Each operation
  // must be recorded at most once.
  void RecordResult(const Operation& op, int32_t pe, int64_t end);
  // RecordResult of a dot whose score is `s` (ScoreItem) at `index` (DotIndex), for a
  // caller that has both already.
  void RecordDot(const Item& s, int64_t index, int32_t pe) {  // inline: once per dot
    if (placement_[s.i] == pe) {
      SetProducerCode(index, kHomeOfI);
      if (!scores_at_home_.empty()) ++scores_at_home_[s.i];
    } else if (placement_[s.j] == pe) {
      SetProducerCode(index, kHomeOfJ);
    } else {
      RecordElsewhere(index, pe);
    }
  }

  // Records that `item` reaches `pe` at cycle `t` (a transfer), keeping the
  // earliest cycle. Returns the arrival known before the call (kNever if none).
  int64_t RecordArrival(const Item& item, int32_t pe, int64_t t);

  // Ends `item`'s residency on `pe` (a FREE event): ArrivalAt returns kNever until a
  // later RecordArrival, and a copy's record is dropped (its memory too). Returns the
  // arrival known before the call; the caller checks it is <= the FREE's cycle.
  int64_t Free(const Item& item, int32_t pe);

  void ReserveCopies(size_t entries) { copies_.reserve(entries); }

  // Prefetches (into the cache, without waiting) what ArrivalAt(item, pe) reads, and
  // what Produced and RecordDot read for the dot at `index`: a checker that knows its
  // coming events overlaps these loads with its work (about a fifth of validation).
  void Prefetch(const Item& item, int32_t pe) const {
    if (item.kind == ItemKind::kS) return PrefetchDot(DotIndex(instance_, item));
    if (item.kind == ItemKind::kP) return __builtin_prefetch(&softmax_end_[item.i]);
    if (!vectors_.empty()) __builtin_prefetch(&vectors_[VectorIndex(item, pe)]);
  }
  void PrefetchDot(int64_t index) const { __builtin_prefetch(&producers_[index >> 5]); }

  // Whether the dot at `index` (DotIndex) was recorded: a dot's score records where
  // it ran, so the validator needs no other set of dots run.
  bool Produced(int64_t index) const { return ProducerCode(index) != kNone; }

  // Scores s(i, *) of row i produced at the home of i and not freed there (not shared
  // inputs: 0 there).
  int64_t ScoresAtHomeOfRow(int32_t i) const {
    return scores_at_home_.empty() ? 0 : scores_at_home_[i];
  }

  // The operands of `op` on `pe` to look up one by one, from the first (Operand's
  // order): none for a softmax on the home of its row when every score of the row was
  // produced there (ScoresAtHomeOfRow: resident once the unit has finished its dots),
  // else all.
  int64_t FirstOperandToLookUp(const Operation& op, int32_t pe) const {
    if (op.kind != OpKind::kSoftmax || placement_[op.i] != pe) return 0;
    const int64_t row = instance_.mask.RowLength(op.i);
    return ScoresAtHomeOfRow(op.i) == row ? row : 0;
  }

  // The PE where a recorded operation ran, found from its result: a dot's score (while
  // not freed there), a softmax's row of p; nullopt for an axpy (it has no result) or
  // an operation not recorded.
  std::optional<int32_t> WhereRan(const Operation& op) const;

 private:
  // Where a score was produced, 2 bits per dot.
  enum Producer : uint8_t { kNone = 0, kHomeOfI = 1, kHomeOfJ = 2, kElsewhere = 3 };
  static constexpr int32_t kFreedThere = -1;  // in elsewhere_: freed on its producer

  Producer ProducerCode(int64_t index) const {
    return static_cast<Producer>((producers_[index >> 5] >> ((index & 31) * 2)) & 3);
  }
  void SetProducerCode(int64_t index, Producer code) {
    uint64_t& word = producers_[index >> 5];
    const int shift = static_cast<int>(index & 31) * 2;
    word = (word & ~(uint64_t{3} << shift)) | (uint64_t{code} << shift);
  }
  // The PE holding the score at `index` (DotIndex; `s` canonical) where it was produced, or -1
  // when not produced or freed there.
  int32_t ProducerOf(const Item& s, int64_t index) const;
  int64_t* DenseVectorSlot(const Item& item, int32_t pe);
  // The dense table's index of input `item` on `pe`: q, k, v (or x) by token and PE.
  int64_t VectorIndex(const Item& item, int32_t pe) const {
    const int64_t slot = item.kind == ItemKind::kX ? 0 : static_cast<int64_t>(item.kind);
    return (slot * instance_.n() + item.i) * pes_ + pe;
  }
  int64_t ScoreArrivalAt(const Item& s, int32_t pe) const;
  void RecordElsewhere(int64_t index, int32_t pe);
  int64_t CopyAt(const Item& item, int32_t pe) const {
    if (copies_.empty()) return kNever;
    auto it = copies_.find(ResidencyKey(item, pe));
    return it == copies_.end() ? kNever : it->second;
  }
  // True when the input `item` (a vector) was freed on its home.
  bool HomeFreed(const Item& item) const {
    return !home_freed_.empty() && home_freed_.contains(ResidencyKey(item, placement_[item.i]));
  }

  const Instance& instance_;
  const Placement& placement_;
  const int64_t pes_;
  std::vector<int64_t> vectors_;       // dense (kind, token, PE) table, or empty
  std::vector<uint64_t> producers_;    // Producer of each score, 32 per word
  absl::flat_hash_map<int64_t, int32_t> elsewhere_;  // kElsewhere scores: their PE
  std::vector<int64_t> softmax_end_;   // p(i, *) resident on h(i) from
  std::vector<int32_t> scores_at_home_;  // ScoresAtHomeOfRow; empty for shared inputs
  absl::flat_hash_map<uint64_t, int64_t> copies_;  // everything else
  absl::flat_hash_set<uint64_t> home_freed_;       // inputs freed on their home
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_RESIDENCY_H_
