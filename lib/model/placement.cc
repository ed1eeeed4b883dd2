#include "lib/model/placement.h"

#include "absl/strings/str_format.h"

namespace attnsched {

absl::Status ValidatePlacement(const Placement& placement, int64_t n, int64_t pes) {
  if (static_cast<int64_t>(placement.size()) != n) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "placement has %d entries; it needs one home PE per token, n = %d", placement.size(), n));
  }
  for (size_t i = 0; i < placement.size(); ++i) {
    if (placement[i] < 0 || placement[i] >= pes) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "placement[%d] = %d: must be a PE in [0, %d)", i, placement[i], pes));
    }
  }
  return absl::OkStatus();
}

Placement BlockPlacement(int64_t n, int64_t pes) {
  const int64_t b = n / pes;
  Placement h(n);
  for (int64_t i = 0; i < n; ++i) h[i] = static_cast<int32_t>(i / b);
  return h;
}

Placement CyclicPlacement(int64_t n, int64_t pes) {
  Placement h(n);
  for (int64_t i = 0; i < n; ++i) h[i] = static_cast<int32_t>(i % pes);
  return h;
}

}  // namespace attnsched
