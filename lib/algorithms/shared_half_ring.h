// The shared scheme (query = key = value, the full mask) by a half ring (SPEC section 5, after Yu &
// Fujita's symmetric-score algorithm), over any placement.
//
// Every x vector travels to every home (every row's axpys need every x). The score
// matrix is symmetric, so each pair of tokens is computed once, on one of its two
// homes, and the score is sent forward to the other. For two PEs a and b = a + r
// (ring distance r <= m/2) the pairs of their tokens are split by b's tokens: a
// computes those with b's first k tokens in round m - r, when they arrive ("late";
// the scores travel r links to b), b the others in round r, when a's tokens arrive
// ("early"; the scores travel m - r links back to a). The first split: distances
// 1..E early (k = 0), E the fewest that keep a PE busy until its first late block
// arrives, the rest late (k = all), the middle pair (r = m/2) halved. Late pairs cost
// r links per score and early ones m - r, so this keeps the scalar traffic, the cost
// of the shared scheme on a one-way ring, low (about n^2/8 cycles per link; the links
// bind when m > 4 c_dot / scalar hop, docs/generators.md). Balancing then moves rows
// of a pair block from the busiest PE to its lightest partner (a partner ahead
// first: it computes them early) until no move lowers the busiest PE's load (home
// work plus dots). Each PE runs its own pairs, then its blocks by round, key by key,
// so the rows of a block's arriving tokens complete one after another.
#ifndef ATTNSCHED_LIB_ALGORITHMS_SHARED_HALF_RING_H_
#define ATTNSCHED_LIB_ALGORITHMS_SHARED_HALF_RING_H_

#include "lib/algorithms/ring_plan.h"

namespace attnsched {

// The dots of every PE for `placement` (valid for `problem`, whose mask must be the
// full one: every pair of tokens is a dot), as described above, balanced when
// `balance`. O(operations + m^2 + moves m).
DotLists HalfRingDots(const Problem& problem, const Placement& placement, bool balance);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_SHARED_HALF_RING_H_
