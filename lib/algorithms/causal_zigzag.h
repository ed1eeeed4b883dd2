// The causal scheme by ring rotation over a zigzag placement (SPEC section 5;
// zigzag pairing as in striped/zigzag ring attention for causal masks).
//
// Row i carries i+1 scores. Tokens are laid out as a grid of b = n/m rows of m
// columns and dealt to PEs so that every PE's rows carry the same number of scores:
// consecutive grid rows pair up in snake order (columns p and m-1-p, like zigzag
// pairs of rows k and n-1-k); with b odd, three grid rows go to PEs as "magic"
// triples whose sums differ by at most one. So every PE has W/m work to within
// 2d+1 cycles, except b = 1, where one row per PE cannot be balanced. Keys and
// values travel the ring (keys first) only as far as the last PE that has a row
// needing them. Each PE then runs round r = 0..m-1 dots (skipping j > i), its
// softmaxes, and its axpys in the same round order.
#ifndef ATTNSCHED_LIB_ALGORITHMS_CAUSAL_ZIGZAG_H_
#define ATTNSCHED_LIB_ALGORITHMS_CAUSAL_ZIGZAG_H_

#include <vector>

#include "lib/algorithms/generator.h"

namespace attnsched {

class CausalZigzagGenerator final : public Generator {
 public:
  Scheme scheme() const override { return Scheme::kCausal; }
  absl::string_view name() const override { return "zigzag-ring"; }
  int64_t CountEvents(const Problem& problem) const override;
  Plan MakePlan(const Problem& problem) const override;
};

// The balanced placement described above. Requires m | n.
Placement ZigzagPlacement(int64_t n, int64_t pes);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_CAUSAL_ZIGZAG_H_
