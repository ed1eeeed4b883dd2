#include "lib/algorithms/ring.h"

#include <algorithm>

namespace attnsched {

RingBlocks::RingBlocks(const Placement& placement, int64_t m)
    : tokens(TokensByPe(placement, m)) {
  for (int32_t q = 0; q < m; ++q) {
    if (!tokens[q].empty()) occupied.push_back(q);
  }
}

void AppendRingRounds(OpKind kind, int32_t p, const std::vector<int32_t>& rows,
                      const RingBlocks& blocks, const Instance& inst,
                      std::vector<Operation>& program) {
  // Rounds r = 0, 1, ... visit PEs p, p - 1, ...: the occupied PEs at or below p,
  // descending, then the rest, descending.
  if (rows.empty()) return;
  const std::vector<int32_t>& occupied = blocks.occupied;
  const size_t below = std::upper_bound(occupied.begin(), occupied.end(), p) - occupied.begin();
  // Only keys some row attends: [KeyBegin of the first row, KeyEnd of the last) (both
  // ends of M(i) rise with i), found in each ascending block by binary search.
  const int64_t lo = inst.mask.KeyBegin(rows.front()), hi = inst.mask.KeyEnd(rows.back());
  for (size_t k = 0; k < occupied.size(); ++k) {
    const size_t at = k < below ? below - 1 - k : occupied.size() - 1 - (k - below);
    const std::vector<int32_t>& block = blocks.tokens[occupied[at]];
    const auto keys_end = std::lower_bound(block.begin(), block.end(), hi);
    for (auto key = std::lower_bound(block.begin(), keys_end, lo); key != keys_end; ++key) {
      const int32_t j = *key;
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
