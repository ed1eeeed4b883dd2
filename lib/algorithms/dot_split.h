// Where link-timed list scheduling (list_scheduler.h) runs each dot, chosen ahead of
// the timing by the loads it puts on the PEs and the links: for the causal layers with
// few tokens per PE, where the greedy choice of one dot at a time sends a key and the
// scores of dots made upstream of their row over the same links (docs/generators.md,
// "Few tokens per PE").
//
// On a one-way ring a row's home is downstream of the keys it reads, so a dot (i, j)
// runs either at h(i) (k(j) travels there with v(j)) or at h(j) (q(i) travels around
// the ring to it once for all such dots of the row, and the score comes back, one
// word per link). The split gives each row i a distance t_i: the dots whose key home
// is at least t_i links upstream of h(i) run at the key's home, the others at h(i).
//
// The loads, in cycles, of a split: a PE's home work plus its dots; a link's
// transfers, each item crossing the links from where it is made to its farthest
// consumer (v(j) to its farthest reader; k(j) to the farthest row home running a dot
// with it; q(i) to the farthest key home running one of its dots; a score from the
// key's home to h(i)). The thresholds minimise the largest load (then the mean square
// load) by simulated annealing (Kirkpatrick, Gelatt and Vecchi, Science 220, 1983):
// 250 moves per row, a move sets one row's threshold, a worse split is accepted with
// probability exp(-increase / temperature), the temperature falling linearly from 5%
// of the starting largest load. The seed is fixed, so the split is reproducible.
// Timing (latency, order, deadlines) is the list scheduler's.
#ifndef ATTNSCHED_LIB_ALGORITHMS_DOT_SPLIT_H_
#define ATTNSCHED_LIB_ALGORITHMS_DOT_SPLIT_H_

#include <cstdint>
#include <vector>

#include "lib/algorithms/list_scheduler.h"

namespace attnsched {

struct DotSplit {
  // Per row of the task graph (the layer's, with heads): a dot whose key home is at
  // least threshold[i] links upstream of h(i) runs at the key's home; m: none.
  std::vector<int32_t> threshold;
  int64_t all_at_home_load = 0;  // the largest load, cycles, with every dot at h(i)
  int64_t load = 0;              // the largest load of the split, cycles
};

// The split for `problem` (distinct inputs, no tiles or tiles alike) over `homes` (a
// valid placement). O(rows x 250 x (row length + m)) time, O(n m) memory.
DotSplit SplitDots(const Problem& problem, const Placement& homes);

// The split as the list scheduler's fixed dot placement (copies what it needs).
DotPlacement SplitPlacement(const DotSplit& split, const Placement& homes, int64_t pes);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_DOT_SPLIT_H_
