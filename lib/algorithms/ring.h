// Helpers shared by the ring plans: distances on the one-way ring and the
// round-by-round operation orders of ring rotation.
#ifndef ATTNSCHED_LIB_ALGORITHMS_RING_H_
#define ATTNSCHED_LIB_ALGORITHMS_RING_H_

#include <cstdint>
#include <vector>

#include "lib/model/placement.h"
#include "lib/model/task_graph.h"

namespace attnsched {

// The PE r links behind p: the home of the block p receives in round r.
inline int32_t Behind(int64_t p, int64_t r, int64_t m) { return Ahead(r, p, m); }

// The tokens of each PE (ascending) and the PEs that hold any (ascending): the blocks
// of a ring rotation. O(n + m) to build.
struct RingBlocks {
  RingBlocks(const Placement& placement, int64_t m);
  std::vector<std::vector<int32_t>> tokens;
  std::vector<int32_t> occupied;
};

// The operations op(i, j) of rounds r = 0..m-1 of ring rotation on PE p, one at a
// time (a loop nest expanded on demand): j over the tokens of PE p - r (the block
// that reaches p in round r), i over `rows` (ascending), for the j in M(i). Rounds
// whose PE holds no token are skipped without a visit, and in each block only the
// keys some row of `rows` attends are visited, so sparse masks and rings of many PEs
// cost about their operations: O(occupied (log tokens) + keys visited log |rows| +
// operations) for the whole nest.
// With shared inputs a dot is named dot(min, max) and yielded for row i only when row
// i is the one to compute it: a pair read by one row at that row's home, a pair read
// by both rows (they attend each other) at the home of the later token.
// `rows`, `blocks` and `inst` must outlive the cursor.
class RingRoundsCursor {
 public:
  RingRoundsCursor(OpKind kind, int32_t p, const std::vector<int32_t>& rows,
                   const RingBlocks& blocks, const Instance& inst);
  bool Valid() const { return valid_; }
  // REQUIRES: Valid().
  const Operation& op() const { return op_; }
  void Next() {
    // Inline while the key stays: the next row that attends it (all but shared dots).
    if (++row_ != row_last_ && simple_) {
      op_.i = *row_;
      return;
    }
    Settle();
  }

 private:
  void EnterRound();  // the key range of round k_ (empty if none)
  void EnterKey();    // the rows attending *key_
  // Moves to the first operation at or after the current position.
  void Settle();

  OpKind kind_;
  const std::vector<int32_t>& rows_;
  const RingBlocks& blocks_;
  const Instance& inst_;
  size_t below_ = 0;  // occupied PEs at or below p
  int64_t lo_ = 0, hi_ = 0;  // keys some row attends: [KeyBegin(first row), KeyEnd(last))
  size_t k_ = 0;      // round, over the occupied PEs
  const int32_t* key_ = nullptr;
  const int32_t* keys_end_ = nullptr;
  const int32_t* row_ = nullptr;
  const int32_t* row_last_ = nullptr;
  Operation op_;
  bool valid_ = false;
  bool simple_ = false;  // every (row, key) met is an operation: not shared dots
};

// Appends the operations of a RingRoundsCursor to `program`.
void AppendRingRounds(OpKind kind, int32_t p, const std::vector<int32_t>& rows,
                      const RingBlocks& blocks, const Instance& inst,
                      std::vector<Operation>& program);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_RING_H_
