#include "lib/algorithms/program.h"

#include <utility>

namespace attnsched {

Program::Program(std::vector<Operation> ops) {
  size_ = static_cast<int64_t>(ops.size());
  if (!ops.empty()) segments_.push_back(Segment{std::move(ops), nullptr, OpKind::kDot, 0, {}});
}

void Program::Append(const Operation& op) { Append(absl::MakeConstSpan(&op, 1)); }

void Program::Append(absl::Span<const Operation> ops) {
  if (ops.empty()) return;
  if (segments_.empty() || segments_.back().ring != nullptr) segments_.emplace_back();
  std::vector<Operation>& list = segments_.back().ops;
  list.insert(list.end(), ops.begin(), ops.end());
  size_ += static_cast<int64_t>(ops.size());
}

void Program::Append(Program&& other) {
  for (Segment& s : other.segments_) segments_.push_back(std::move(s));
  size_ += other.size_;
  other.segments_.clear();
  other.size_ = 0;
}

void Program::AppendRingRounds(OpKind kind, int32_t pe, std::vector<int32_t> rows,
                               std::shared_ptr<const RingContext> ring) {
  int64_t count = 0;
  if (kind != OpKind::kDot || !ring->inst.shared) {
    // Every token is in some block, so each row meets all its keys.
    for (int32_t i : rows) count += ring->inst.mask.RowLength(i);
  } else {
    for (RingRoundsCursor c(kind, pe, rows, ring->blocks, ring->inst); c.Valid(); c.Next()) ++count;
  }
  if (count == 0) return;
  size_ += count;
  segments_.push_back(Segment{{}, std::move(ring), kind, pe, std::move(rows)});
}

std::vector<Operation> Program::Expand() const {
  std::vector<Operation> out;
  out.reserve(static_cast<size_t>(size_));
  for (const Operation& op : *this) out.push_back(op);
  return out;
}

Program::Iterator::Iterator(const Iterator& other)
    : program_(other.program_), segment_(other.segment_), index_(other.index_), nest_(other.nest_) {
  if (nest_) {
    current_ = &nest_->op();
  } else if (other.current_ != nullptr) {
    current_ = &program_->segments_[segment_].ops[index_];
  }
}

Program::Iterator& Program::Iterator::Advance() {
  if (!nest_ && ++index_ < program_->segments_[segment_].ops.size()) {
    current_ = &program_->segments_[segment_].ops[index_];
    return *this;
  }
  ++segment_;
  Enter();
  return *this;
}

void Program::Iterator::Enter() {
  nest_.reset();
  index_ = 0;
  current_ = nullptr;
  for (; segment_ < program_->segments_.size(); ++segment_) {
    const Segment& s = program_->segments_[segment_];
    if (s.ring == nullptr) {
      if (s.ops.empty()) continue;
      current_ = &s.ops[0];
      return;
    }
    nest_.emplace(s.kind, s.pe, s.rows, s.ring->blocks, s.ring->inst);
    if (nest_->Valid()) {
      current_ = &nest_->op();
      return;
    }
    nest_.reset();
  }
}

}  // namespace attnsched
