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

// Appends op(i, j) for rounds r = 0..m-1: j over the tokens of PE p - r (the block
// that reaches p in round r of a ring rotation), i over `rows` (ascending), for the j
// in M(i). Rounds whose PE holds no token are skipped without a visit, and in each
// block only the keys some row of `rows` attends are visited, so sparse masks and
// rings of many PEs cost about their operations: O(occupied (log tokens) + keys
// visited log |rows| + operations appended).
// With shared inputs a dot is named dot(min, max) and appended for row i only when
// row i is the one to compute it: a pair read by one row at that row's home, a pair
// read by both rows (they attend each other) at the home of the later token.
void AppendRingRounds(OpKind kind, int32_t p, const std::vector<int32_t>& rows,
                      const RingBlocks& blocks, const Instance& inst,
                      std::vector<Operation>& program);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_RING_H_
