// Load balancing of a ring-rotation dot assignment (each PE computes its rows' dots),
// by chain shedding.
//
// A PE's busy time is its home work (the softmaxes and axpys of its rows, fixed by
// the placement) plus its dots. When the rows do not divide evenly (n not a multiple
// of m, causal rows of different lengths, a pinned placement), some PEs carry more.
// Dots can run anywhere: PE p hands f_p cycles of dots to the PE behind it, p-1,
// whose scores then cross one link back to p (the row's query travels the m-1 links
// forward to p-1 once). The flows solve f_p - f_{p+1} = load_p - mean around the
// ring, shifted so the smallest is 0 (a flow on a cycle). A PE first passes on the
// dots it received (their scores then cross more links, but its own rows stay
// whole), then sheds dots of a few of its own rows (the highest token indices first,
// the dots of the latest rounds first). The receiver runs them after its own dots,
// so those rows become tail rows of their home (ring_plan.h).
#ifndef ATTNSCHED_LIB_ALGORITHMS_BALANCE_H_
#define ATTNSCHED_LIB_ALGORITHMS_BALANCE_H_

#include "lib/algorithms/ring_plan.h"

namespace attnsched {

// Moves dots of `dots` (one list per PE, program order; dot(i,j) on any PE serves
// row i) as described above. No-op for m = 1. O(operations + n log n).
void BalanceDots(const Problem& problem, const Placement& placement, DotLists& dots);

// The most dots one PE hands on when BalanceDots evens out ring rotation over
// `placement`: how far the placement is from even loads (0 when they are even).
// Large flows cross many links (their scores travel back as far), so the generator
// prefers placements with small ones. O(n + m).
int64_t MaxShedDots(const Problem& problem, const Placement& placement);

// A placement as even as the rows allow: rows by decreasing length, each to the PE
// with the least work so far (dots, softmax and axpys of its rows) among those
// holding fewer than ceil(n/m) tokens; ties spread around the ring (van der Corput
// order). O(n log n).
Placement LeastLoadedPlacement(const Problem& problem);

// Contiguous blocks of near-equal work: token i (in order) goes to PE floor((the work
// of the rows before i + half its own) m / W'), W' the work of all rows (dots, softmax
// and axpys of each row at its length). Keys stay near the rows that read them (a
// window or a document spans few consecutive PEs, and keys only travel forward), so
// masks whose work is uneven along the sequence (documents, windows, padding) need
// little balancing. Some PEs may get no token when a row's work exceeds W'/m. O(n).
Placement WorkBlockPlacement(const Problem& problem);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_BALANCE_H_
