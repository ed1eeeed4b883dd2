// Placement: the home PE h(i) of every token (SPEC sections 2 and 10.1). A token's input
// vectors are resident on its home from cycle 0; its softmax and axpys run there.
#ifndef ATTNSCHED_LIB_MODEL_PLACEMENT_H_
#define ATTNSCHED_LIB_MODEL_PLACEMENT_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace attnsched {

// placement[i] = h(i), a PE in [0, m). Size n.
using Placement = std::vector<int32_t>;

// OK, or InvalidArgumentError naming the field and rule: wrong length
// ("placement: 5 homes given; it needs 8: one home PE per token, or per tile when
// the instance has tiles") or an entry out
// of range ("placement[3] = 9: must be a PE in [0, 4)").
absl::Status ValidatePlacement(const Placement& placement, int64_t n, int64_t pes);

// The named placements of SPEC section 10.1, for any n >= 1 and m >= 1, and
// explicit lists. Named placements leave PEs without tokens when n < m.
enum class PlacementKind { kBlock, kCyclic, kZigzag, kExplicit };

// "block", "cyclic", "zigzag" or "explicit".
absl::string_view PlacementKindName(PlacementKind kind);

struct PlacementSpec {
  PlacementKind kind = PlacementKind::kBlock;
  Placement homes;  // kExplicit only: h(i) for every token
};

// Parses "block", "cyclic", "zigzag" or a comma-separated list of PEs ("0,0,1,1").
// InvalidArgumentError naming `field` (e.g. "--placement") and the accepted forms.
// A list is only parsed here; MakePlacement checks it against n and m.
absl::StatusOr<PlacementSpec> ParsePlacementSpec(absl::string_view text, absl::string_view field);

// The homes `spec` names for n tokens on m PEs, or its list once ValidatePlacement
// accepts it (errors as ValidatePlacement).
absl::StatusOr<Placement> MakePlacement(const PlacementSpec& spec, int64_t n, int64_t pes);

// Block: consecutive tokens, the first n mod m PEs one token more than the others.
Placement BlockPlacement(int64_t n, int64_t pes);

// Cyclic: token i on PE i mod m.
Placement CyclicPlacement(int64_t n, int64_t pes);

// Zigzag: the tokens cut into 2m consecutive chunks as equal as possible (the first
// n mod 2m chunks one token more); PE c holds chunks c and 2m-1-c. Under a causal
// mask the early chunk's short rows pair with the late chunk's long ones, so with 2m
// dividing n every PE carries the same number of scores.
Placement ZigzagPlacement(int64_t n, int64_t pes);

// tokens[p]: the tokens homed on PE p, ascending. O(n + m).
std::vector<std::vector<int32_t>> TokensByPe(const Placement& placement, int64_t pes);

// Links from PE `from` forward to PE `to` on the one-way ring of m PEs, in [0, m).
// Without a division when |to - from| < m (PEs in [0, m)): the compiler asks per
// operand, and two 64-bit divisions were a fifth of a ring plan's time.
inline int32_t Ahead(int64_t from, int64_t to, int64_t m) {
  const int64_t d = to - from;
  if (d >= 0 && d < m) return static_cast<int32_t>(d);
  if (d < 0 && d >= -m) return static_cast<int32_t>(d + m);
  return static_cast<int32_t>((d % m + m) % m);
}

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_PLACEMENT_H_
