// The general scheme by ring rotation (Yu & Fujita, arXiv 2012.01114, section 4).
//
// Block placement (b = n/m tokens per PE). Each PE keeps its queries; key and value
// blocks travel the ring, keys first. PE p computes, in round r = 0..m-1, the dots of
// its rows with the key block of PE p-r, then its softmaxes, then its axpys with the
// value blocks in the same round order. Each PE does exactly W/m work; with default
// costs a key arrives every d cycles while a round needs b^2 d, so no unit ever
// idles and the makespan is LB_work = n b (2d+1) exactly (docs/generators.md).
#ifndef ATTNSCHED_LIB_ALGORITHMS_GENERAL_RING_H_
#define ATTNSCHED_LIB_ALGORITHMS_GENERAL_RING_H_

#include "lib/algorithms/generator.h"

namespace attnsched {

class GeneralRingGenerator final : public Generator {
 public:
  Scheme scheme() const override { return Scheme::kGeneral; }
  absl::string_view name() const override { return "ring-rotation"; }
  int64_t CountEvents(const Problem& problem) const override;
  Plan MakePlan(const Problem& problem) const override;
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_GENERAL_RING_H_
