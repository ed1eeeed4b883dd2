// The task graph of SPEC section 3: operations, the items they read and write, and
// their durations. Canonical names (`dot(3,5)`, `k(5)`; with heads `dot[1](3,5)`,
// `k[0](5)`, SPEC section 10.3) are used in all text, JSON and error messages.
// With heads, indices are the layer's rows (problem.h, Instance; lib/model/heads.h).
//
//   operation    exists for                      operands               where
//   dot(i,j)     distinct inputs: j in M(i)      q(i), k(j)             any PE
//                shared: each pair i <= j with   x(i), x(j)
//                j in M(i) or i in M(j)
//   softmax(i)   each row i with M(i) not empty  s(i,j) for j in M(i)   h(i)
//                                                (shared: s(min,max))
//   axpy(i,j)    each j in M(i)                  p(i,j), v(j) (shared: x(j))  h(i)
//
// M(i) is the mask's (lib/model/mask.h; SPEC section 10.2): [0, n) for v1's general
// and shared, [0, i] for causal.
#ifndef ATTNSCHED_LIB_MODEL_TASK_GRAPH_H_
#define ATTNSCHED_LIB_MODEL_TASK_GRAPH_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "lib/model/problem.h"

namespace attnsched {

enum class OpKind : uint8_t { kDot, kSoftmax, kAxpy };

// An operation; j is unused (0) for softmax.
struct Operation {
  OpKind kind = OpKind::kDot;
  int32_t i = 0;
  int32_t j = 0;
  friend bool operator==(const Operation&, const Operation&) = default;
};

// Transferable items: vectors q, k, v, x (d words) and scalars s, p (1 word).
// o(i) and partial accumulators are not items and never move.
enum class ItemKind : uint8_t { kQ, kK, kV, kX, kS, kP };

// An item; j is unused (0) for vectors.
struct Item {
  ItemKind kind = ItemKind::kQ;
  int32_t i = 0;
  int32_t j = 0;
  friend bool operator==(const Item&, const Item&) = default;
};

inline bool IsVector(ItemKind kind) { return kind <= ItemKind::kX; }

// Canonical names, e.g. "dot(3,5)", "softmax(3)", "k(5)", "s(3,5)"; with h > 1 heads
// the head in brackets, "dot[1](3,5)", "k[0](5)" (k and v: the key/value head).
std::string OperationName(const Instance& inst, const Operation& op);
std::string ItemName(const Instance& inst, const Item& item);
// The same names written at `out`, which has room for kMaxNameBytes; return the end
// (writers of millions of names, lib/base/text_buffer.h).
inline constexpr size_t kMaxNameBytes = 48;
char* WriteOperationName(const Instance& inst, const Operation& op, char* out);
char* WriteItemName(const Instance& inst, const Item& item, char* out);
// The kinds' names: "dot", "softmax", "axpy"; "q", "k", "v", "x", "s", "p".
absl::string_view OpKindName(OpKind kind);
absl::string_view ItemKindName(ItemKind kind);

// Parses canonical names of `inst`'s operations and items (a head in brackets is
// optional with one head, where it must be 0). Errors (InvalidArgumentError) say
// what was expected; with one head the indices are only checked to be non-negative
// 32-bit integers, not against n; with heads LayerItem's rules apply (heads.h).
absl::StatusOr<Operation> ParseOperation(const Instance& inst, absl::string_view text);
absl::StatusOr<Item> ParseItem(const Instance& inst, absl::string_view text);

// Duration of `op` in cycles (SPEC sections 3 and 10.4): c_dot, c_softmax and c_axpy
// times the token pairs the operation covers: DotPairs for a dot, RowPairs(i) for
// softmax(i), Pairs(i, j) for axpy(i,j) (mask.h; 1, |M(i)| and 1 without tiles).
// Defined for any indices (an operation outside the task graph counts one pair), so
// that unvalidated schedules have a makespan. Inline for the dots and axpys of a mask
// without tiles, which every pass over a schedule asks about.
int64_t CoveredDuration(const Problem& problem, const Operation& op);
inline int64_t Duration(const Problem& problem, const Operation& op) {
  if (problem.mask().tile() == 1 && op.kind != OpKind::kSoftmax) {
    return op.kind == OpKind::kDot ? problem.costs.c_dot : problem.costs.c_axpy;
  }
  return CoveredDuration(problem, op);
}

// Words of an item (SPEC section 10.4): d per token of its tile for vectors (d without
// tiles); one per token pair for scores and probabilities (1 without tiles).
// Unvalidated items count as one token or one pair.
int64_t Words(const Instance& inst, const Item& item);

// Cycles an item occupies one link: ceil(words * link_cycles / link_words) (SPEC
// section 10.5). Inline without tiles, where a vector has d words and a scalar 1.
inline int64_t TransferDuration(const Problem& problem, const Item& item) {
  if (problem.mask().tile() == 1) {
    return problem.LinkCycles(IsVector(item.kind) ? problem.d() : 1);
  }
  return problem.LinkCycles(Words(problem.instance, item));
}

// The cycle from which an item sent at `start` over one link is resident on the
// receiver: start + TransferDuration + link_latency.
inline int64_t ArrivalCycle(const Problem& problem, const Item& item, int64_t start) {
  return start + TransferDuration(problem, item) + problem.machine.link_latency;
}

// Empty string when the token indices of `op` (or `item`) are in [0, n); otherwise
// the rule broken, e.g. "index i = 9 is out of range [0, 8)".
std::string CheckIndices(const Instance& inst, const Operation& op);
std::string CheckIndices(const Instance& inst, const Item& item);

// Empty string when `op`, whose indices are in range, is an operation of the task
// graph of `inst`; otherwise the rule it breaks, e.g. "dot(3,5) is not an operation:
// row 3 is in a causal segment [0, 8): it attends keys j <= 3".
std::string CheckOperation(const Instance& inst, const Operation& op);

// Same for an item that is to be transferred: it must exist in the task graph.
std::string CheckItem(const Instance& inst, const Item& item);

// Operands of `op`, in a fixed order: OperandCount(op) items, Operand(op, k) for k in
// [0, OperandCount). Requires CheckOperation(inst, op) to be empty.
// (Inline: these sit on the hot paths of the compiler, validator and simulator.)
inline int64_t OperandCount(const Instance& inst, const Operation& op);
inline Item Operand(const Instance& inst, const Operation& op, int64_t k);

// Token pairs dot `op` covers: UnorderedPairs(min, max) with shared inputs, else
// Pairs(i, j) (1 without tiles). Requires CheckOperation(inst, op) to be empty.
inline int64_t DotPairs(const Instance& inst, const Operation& op) {
  return inst.shared ? inst.mask.UnorderedPairs(op.i, op.j) : inst.mask.Pairs(op.i, op.j);
}

// The fewest token pairs of a dot, and their gcd over all dots (1 and 1 without tiles).
inline int64_t FewestDotPairs(const Instance& inst) {
  return inst.shared ? inst.mask.FewestUnorderedPairs() : inst.mask.FewestPairs();
}
inline int64_t DotPairsGcd(const Instance& inst) {
  return inst.shared ? inst.mask.UnorderedPairsGcd() : inst.mask.PairsGcd();
}

// The shortest duration of an operation of `kind` in the task graph, in cycles.
int64_t ShortestDuration(const Problem& problem, OpKind kind);

// The score item s(i,j) as named in `inst` (shared: s(min,max)).
inline Item ScoreItem(const Instance& inst, int64_t i, int64_t j) {
  if (inst.shared && i > j) return Item{ItemKind::kS, int32_t(j), int32_t(i)};
  return Item{ItemKind::kS, static_cast<int32_t>(i), static_cast<int32_t>(j)};
}

// Input vector kinds resident at a token's home at cycle 0: q, k, v; shared: x.
inline bool IsInputOf(const Instance& inst, ItemKind kind) {
  return inst.shared ? kind == ItemKind::kX
                                        : (kind == ItemKind::kQ || kind == ItemKind::kK ||
                                           kind == ItemKind::kV);
}

// Whether the input vector `item` (of a kind IsInputOf accepts, index in range) is an
// item: always, except k and v of a row whose group's vectors another row names
// (grouped heads: Instance::KvRow).
inline bool IsInputRow(const Instance& inst, const Item& item) {
  return (item.kind != ItemKind::kK && item.kind != ItemKind::kV) ||
         inst.KvRow(item.i) == item.i;
}

// Calls f(item) for each input vector of row i, resident at its home from cycle 0:
// q, k, v (k and v only where IsInputRow), or x for shared inputs.
template <typename F>
void ForEachInput(const Instance& inst, int32_t i, F f) {
  for (ItemKind kind : {ItemKind::kQ, ItemKind::kK, ItemKind::kV, ItemKind::kX}) {
    const Item item{kind, i, 0};
    if (IsInputOf(inst, kind) && IsInputRow(inst, item)) f(item);
  }
}

// CheckIndices and CheckOperation (for an item: CheckItem) would both be empty: the
// message-free test for hot paths, which build the messages only when it fails.
inline bool InTaskGraph(const Instance& inst, const Operation& op) {
  const Mask& mask = inst.mask;
  if (op.i < 0 || op.i >= inst.n()) return false;
  if (op.kind == OpKind::kSoftmax) return mask.RowLength(op.i) > 0;
  if (op.j < 0 || op.j >= inst.n()) return false;
  if (inst.shared && op.kind == OpKind::kDot) return op.i <= op.j && mask.Related(op.i, op.j);
  return mask.Attends(op.i, op.j);
}
inline bool InTaskGraph(const Instance& inst, const Item& item) {
  if (item.i < 0 || item.i >= inst.n()) return false;
  if (IsVector(item.kind)) return IsInputOf(inst, item.kind) && IsInputRow(inst, item);
  if (item.j < 0 || item.j >= inst.n()) return false;
  if (inst.shared && item.kind == ItemKind::kS) {
    return item.i <= item.j && inst.mask.Related(item.i, item.j);
  }
  return inst.mask.Attends(item.i, item.j);
}

// Operation counts of the task graph.
struct OperationCounts {
  int64_t dots = 0;
  int64_t softmaxes = 0;
  int64_t axpys = 0;
  int64_t total() const { return dots + softmaxes + axpys; }
};
OperationCounts CountOperations(const Instance& inst);

// Total work W in cycles: the sum of all operation durations, c_dot dots +
// (c_softmax + c_axpy) ScoreCount counted over token pairs (with tiles too). With default costs (SPEC section 3):
// general n^2(2d+1); shared d n(n+1)/2 + n^2 + d n^2; causal (2d+1) n(n+1)/2.
int64_t TotalWork(const Problem& problem);

// The dots' share of TotalWork: c_dot times the token pairs of all dots.
int64_t DotWork(const Problem& problem);

inline int64_t OperandCount(const Instance& inst, const Operation& op) {
  return op.kind == OpKind::kSoftmax ? inst.mask.RowLength(op.i) : 2;
}

inline Item Operand(const Instance& inst, const Operation& op, int64_t k) {
  const bool shared = inst.shared;
  switch (op.kind) {
    case OpKind::kDot:
      if (shared) return Item{ItemKind::kX, k == 0 ? op.i : op.j, 0};
      return k == 0 ? Item{ItemKind::kQ, op.i, 0} : Item{ItemKind::kK, inst.KvRow(op.j), 0};
    case OpKind::kSoftmax:
      return ScoreItem(inst, op.i, inst.mask.KeyBegin(op.i) + k);
    case OpKind::kAxpy:
      if (k == 0) return Item{ItemKind::kP, op.i, op.j};
      return shared ? Item{ItemKind::kX, op.j, 0} : Item{ItemKind::kV, inst.KvRow(op.j), 0};
  }
  return {};
}

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_TASK_GRAPH_H_
