// The shared scheme (query = key = value) by a half ring (SPEC section 5, after Yu &
// Fujita's symmetric-score algorithm).
//
// Block placement. The x blocks travel the whole ring (every row's axpys need every
// x). The score matrix is symmetric, so each pair of blocks is computed once: PE p
// computes the pairs of its block with the blocks at ring distance r = 1..floor(m/2)
// behind it, in rounds r, as soon as they arrive; when m is even the middle pair
// (distance m/2, seen from both PEs) is split by the parity of the local indices.
// Every score s(i,j) it computes for a row homed elsewhere travels forward to that
// home (m - r links). Each PE then runs its softmaxes and its axpys in ring order.
// Every PE does W/m work up to one dot; the scalar traffic (about 3n^2/8 cycles per
// link) fits in the link's idle time when m <= 4d.
#ifndef ATTNSCHED_LIB_ALGORITHMS_SHARED_HALF_RING_H_
#define ATTNSCHED_LIB_ALGORITHMS_SHARED_HALF_RING_H_

#include "lib/algorithms/generator.h"

namespace attnsched {

class SharedHalfRingGenerator final : public Generator {
 public:
  Scheme scheme() const override { return Scheme::kShared; }
  absl::string_view name() const override { return "half-ring"; }
  int64_t CountEvents(const Problem& problem) const override;
  Plan MakePlan(const Problem& problem) const override;
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_SHARED_HALF_RING_H_
