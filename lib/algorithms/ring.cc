#include "lib/algorithms/ring.h"

#include <algorithm>

namespace attnsched {

RingBlocks::RingBlocks(const Placement& placement, int64_t m)
    : tokens(TokensByPe(placement, m)) {
  for (int32_t q = 0; q < m; ++q) {
    if (!tokens[q].empty()) occupied.push_back(q);
  }
}

RingRoundsCursor::RingRoundsCursor(OpKind kind, int32_t p, const std::vector<int32_t>& rows,
                                   const RingBlocks& blocks, const Instance& inst)
    : kind_(kind),
      rows_(rows),
      blocks_(blocks),
      inst_(inst),
      simple_(kind != OpKind::kDot || !inst.shared) {
  if (rows.empty() || blocks.occupied.empty()) return;
  // Rounds r = 0, 1, ... visit PEs p, p - 1, ...: the occupied PEs at or below p,
  // descending, then the rest, descending.
  const std::vector<int32_t>& occupied = blocks.occupied;
  below_ = std::upper_bound(occupied.begin(), occupied.end(), p) - occupied.begin();
  // Only keys some row attends: both ends of M(i) rise with i.
  lo_ = inst.mask.KeyBegin(rows.front());
  hi_ = inst.mask.KeyEnd(rows.back());
  valid_ = true;
  EnterRound();
  Settle();
}

void RingRoundsCursor::EnterRound() {
  const std::vector<int32_t>& occupied = blocks_.occupied;
  const size_t at = k_ < below_ ? below_ - 1 - k_ : occupied.size() - 1 - (k_ - below_);
  const std::vector<int32_t>& block = blocks_.tokens[occupied[at]];
  keys_end_ = std::lower_bound(block.data(), block.data() + block.size(), hi_);
  key_ = std::lower_bound(block.data(), keys_end_, lo_);
  row_ = row_last_ = nullptr;
  if (key_ != keys_end_) EnterKey();
}

void RingRoundsCursor::EnterKey() {
  // `rows` ascend, and the rows that attend j are one run R(j): only those are
  // visited, so sparse masks (documents, windows) cost their operations, not n^2.
  const int32_t j = *key_;
  const int32_t* end = rows_.data() + rows_.size();
  row_ = std::lower_bound(rows_.data(), end, inst_.mask.ReaderBegin(j));
  row_last_ = std::lower_bound(row_, end, inst_.mask.ReaderEnd(j));
}

void RingRoundsCursor::Settle() {
  while (true) {
    for (; row_ != row_last_; ++row_) {
      const int32_t i = *row_, j = *key_;
      if (simple_) {
        op_ = Operation{kind_, i, j};
        return;
      }
      if (i >= j || !inst_.mask.Attends(j, i)) {
        op_ = Operation{kind_, std::min(i, j), std::max(i, j)};
        return;
      }
    }
    if (key_ != keys_end_ && ++key_ != keys_end_) {
      EnterKey();
      continue;
    }
    if (++k_ == blocks_.occupied.size()) {
      valid_ = false;
      return;
    }
    EnterRound();
  }
}

void AppendRingRounds(OpKind kind, int32_t p, const std::vector<int32_t>& rows,
                      const RingBlocks& blocks, const Instance& inst,
                      std::vector<Operation>& program) {
  for (RingRoundsCursor c(kind, p, rows, blocks, inst); c.Valid(); c.Next()) program.push_back(c.op());
}

}  // namespace attnsched
