#include "lib/algorithms/ring.h"

#include <algorithm>

namespace attnsched {

void AppendRingRounds(OpKind kind, int32_t p, const std::vector<int32_t>& rows,
                      const std::vector<std::vector<int32_t>>& tokens_by_pe, const Instance& inst,
                      std::vector<Operation>& program) {
  const int64_t m = static_cast<int64_t>(tokens_by_pe.size());
  for (int64_t r = 0; r < m; ++r) {
    for (int32_t j : tokens_by_pe[Behind(p, r, m)]) {
      // `rows` ascend, and the rows that attend j are one run R(j): only those are
      // visited, so sparse masks (documents, windows) cost their operations, not n^2.
      const auto first = std::lower_bound(rows.begin(), rows.end(), inst.mask.ReaderBegin(j));
      const auto last = std::lower_bound(first, rows.end(), inst.mask.ReaderEnd(j));
      for (auto it = first; it != last; ++it) {
        const int32_t i = *it;
        if (kind != OpKind::kDot || !inst.shared) {
          program.push_back(Operation{kind, i, j});
        } else if (i >= j || !inst.mask.Attends(j, i)) {
          program.push_back(Operation{kind, std::min(i, j), std::max(i, j)});
        }
      }
    }
  }
}

}  // namespace attnsched
