// The causal scheme by ring rotation over a zigzag placement (SPEC section 5;
// zigzag pairing as in striped/zigzag ring attention for causal masks).
//
// Row i carries i+1 scores, so rows k and n-1-k together carry n+1. With b = n/m
// even, PE p gets the pairs p, p+m, p+2m, ... and every PE has exactly W/m work;
// with b odd, the middle m rows [(n-m)/2, (n+m)/2) go one per PE and the rest is
// paired, so the imbalance is at most m - 1 rows' worth of (2d+1)-cycle items, a
// lower-order term. Keys and values travel the ring (keys first) only as far as the
// last PE that has a row needing them. Each PE then runs round r = 0..m-1 dots
// (skipping j > i), its softmaxes, and its axpys in the same round order.
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

// The zigzag placement described above. Requires m | n.
Placement ZigzagPlacement(int64_t n, int64_t pes);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_CAUSAL_ZIGZAG_H_
