#include "lib/schedule/residency.h"

#include <algorithm>

namespace attnsched {
namespace {

int64_t InputKinds(const Instance& inst) { return inst.shared ? 1 : 3; }

}  // namespace

Residency::Residency(const Problem& problem, const Placement& placement)
    : instance_(problem.instance),
      placement_(placement),
      pes_(problem.pes()),
      producers_((CountOperations(problem.instance).dots + 31) / 32, 0),
      softmax_end_(problem.n(), kNever),
      scores_at_home_(problem.instance.shared ? 0 : problem.n(), 0) {
  const int64_t entries = InputKinds(instance_) * instance_.n() * pes_;
  if (entries <= kDenseVectorLimit) vectors_.assign(entries, kNever);
}

int64_t* Residency::DenseVectorSlot(const Item& item, int32_t pe) {
  if (vectors_.empty()) return nullptr;
  return &vectors_[VectorIndex(item, pe)];
}

int32_t Residency::ProducerOf(const Item& s, int64_t index) const {
  switch (ProducerCode(index)) {
    case kNone: return -1;
    case kHomeOfI: return placement_[s.i];
    case kHomeOfJ: return placement_[s.j];
    default: return elsewhere_.at(index);  // kFreedThere: -1
  }
}

int64_t Residency::ScoreArrivalAt(const Item& s, int32_t pe) const {
  const int64_t index = DotIndex(instance_, s);
  if (ProducerOf(s, index) == pe) return 0;
  return ProducerCode(index) == kNone ? kNever : CopyAt(s, pe);
}

void Residency::RecordResult(const Operation& op, int32_t pe, int64_t end) {
  if (op.kind == OpKind::kDot) {
    const Item s = ScoreItem(instance_, op.i, op.j);
    RecordDot(s, DotIndex(instance_, s), pe);
  } else if (op.kind == OpKind::kSoftmax) {
    softmax_end_[op.i] = end;
  }
}

void Residency::RecordElsewhere(int64_t index, int32_t pe) {
  SetProducerCode(index, kElsewhere);
  elsewhere_[index] = pe;
}

std::optional<int32_t> Residency::WhereRan(const Operation& op) const {
  if (op.kind == OpKind::kDot) {
    const Item s = ScoreItem(instance_, op.i, op.j);
    const int32_t pe = ProducerOf(s, DotIndex(instance_, s));
    if (pe >= 0) return pe;
  } else if (op.kind == OpKind::kSoftmax && softmax_end_[op.i] != kNever) {
    return placement_[op.i];
  }
  return std::nullopt;
}

int64_t Residency::RecordArrival(const Item& item, int32_t pe, int64_t t) {
  const int64_t before = ArrivalAt(item, pe);
  if (t >= before) return before;
  if (int64_t* slot = IsVector(item.kind) ? DenseVectorSlot(item, pe) : nullptr) {
    *slot = t;
  } else {
    copies_[ResidencyKey(item, pe)] = t;
  }
  return before;
}

int64_t Residency::Free(const Item& item, int32_t pe) {
  const int64_t before = ArrivalAt(item, pe);
  if (before == kNever) return before;
  if (item.kind == ItemKind::kS) {
    const int64_t index = DotIndex(instance_, item);
    if (ProducerOf(item, index) == pe) {  // freed where it was produced
      if (ProducerCode(index) == kHomeOfI && !scores_at_home_.empty()) --scores_at_home_[item.i];
      SetProducerCode(index, kElsewhere);
      elsewhere_[index] = kFreedThere;
      return before;
    }
  } else if (item.kind == ItemKind::kP) {
    if (placement_[item.i] == pe && softmax_end_[item.i] == before) {
      // p(i, *) at home is one record per row: the row's other entries move to copies.
      for (int64_t j = instance_.mask.KeyBegin(item.i); j < instance_.mask.KeyEnd(item.i); ++j) {
        if (j != item.j) copies_[ResidencyKey(Item{ItemKind::kP, item.i, static_cast<int32_t>(j)}, pe)] = before;
      }
      softmax_end_[item.i] = kNever;
      return before;
    }
  } else if (placement_[item.i] == pe && !HomeFreed(item)) {
    home_freed_.insert(ResidencyKey(item, pe));
    if (int64_t* slot = DenseVectorSlot(item, pe)) *slot = kNever;
    return before;
  }
  if (int64_t* slot = IsVector(item.kind) ? DenseVectorSlot(item, pe) : nullptr) {
    *slot = kNever;
  } else {
    copies_.erase(ResidencyKey(item, pe));
  }
  return before;
}

}  // namespace attnsched
