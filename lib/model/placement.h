// Placement: the home PE h(i) of every token (SPEC section 2). A token's input
// vectors are resident on its home from cycle 0; its softmax and axpys run there.
#ifndef ATTNSCHED_LIB_MODEL_PLACEMENT_H_
#define ATTNSCHED_LIB_MODEL_PLACEMENT_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"

namespace attnsched {

// placement[i] = h(i), a PE in [0, m). Size n.
using Placement = std::vector<int32_t>;

// OK, or InvalidArgumentError naming the field and rule: wrong length
// ("placement has 5 entries; it needs one home PE per token, n = 8") or an entry out
// of range ("placement[3] = 9: must be a PE in [0, 4)").
absl::Status ValidatePlacement(const Placement& placement, int64_t n, int64_t pes);

// Block placement: tokens [p*b, (p+1)*b) on PE p, b = n / m. Requires m | n.
Placement BlockPlacement(int64_t n, int64_t pes);

// Cyclic placement: token i on PE i mod m.
Placement CyclicPlacement(int64_t n, int64_t pes);

// Links from PE `from` forward to PE `to` on the one-way ring of m PEs, in [0, m).
inline int32_t Ahead(int64_t from, int64_t to, int64_t m) {
  return static_cast<int32_t>(((to - from) % m + m) % m);
}

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_PLACEMENT_H_
