#include "lib/model/task_graph.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/model/heads.h"
#include "lib/model/quote.h"

namespace attnsched {
namespace {

constexpr absl::string_view kOpNames[] = {"dot", "softmax", "axpy"};
constexpr absl::string_view kItemNames[] = {"q", "k", "v", "x", "s", "p"};

bool TakesTwoIndices(OpKind kind) { return kind != OpKind::kSoftmax; }
bool TakesTwoIndices(ItemKind kind) { return !IsVector(kind); }

// Parses "name(a)", "name(a,b)", "name[h](a)" or "name[h](a,b)" into name, head and
// indices.
struct ParsedName {
  absl::string_view name;
  int32_t head = 0;
  bool has_head = false;
  int32_t index[2] = {0, 0};
  int count = 0;
};

// A non-negative 32-bit integer, or nullopt.
std::optional<int32_t> ParseIndex(absl::string_view arg) {
  int64_t value = -1;
  auto [ptr, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), value);
  if (ec != std::errc() || ptr != arg.data() + arg.size() || value < 0 ||
      value > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<int32_t>(value);
}

absl::Status BadIndex(absl::string_view text, absl::string_view arg) {
  return absl::InvalidArgumentError(
      absl::StrCat(Quoted(text), ": index ", Quoted(arg), " is not a non-negative 32-bit integer"));
}

// Splits "name[h]" into name and head.
absl::Status ParseHead(absl::string_view text, ParsedName& out) {
  const size_t bracket = out.name.find('[');
  if (bracket == absl::string_view::npos) return absl::OkStatus();
  if (out.name.back() != ']') {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is not a canonical name like dot[1](3,5) or k[0](5)"));
  }
  const absl::string_view head = out.name.substr(bracket + 1, out.name.size() - bracket - 2);
  const std::optional<int32_t> value = ParseIndex(head);
  if (!value) return BadIndex(text, head);
  out.name = out.name.substr(0, bracket);
  out.head = *value;
  out.has_head = true;
  return absl::OkStatus();
}

absl::StatusOr<ParsedName> ParseCall(absl::string_view text) {
  ParsedName out;
  const size_t open = text.find('(');
  if (open == absl::string_view::npos || open == 0 || text.back() != ')') {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is not a canonical name like dot(3,5) or k(5)"));
  }
  out.name = text.substr(0, open);
  if (absl::Status s = ParseHead(text, out); !s.ok()) return s;
  absl::string_view args = text.substr(open + 1, text.size() - open - 2);
  while (out.count < 2) {
    const size_t comma = args.find(',');
    absl::string_view arg = args.substr(0, comma);
    const std::optional<int32_t> value = ParseIndex(arg);
    if (!value) return BadIndex(text, arg);
    out.index[out.count++] = *value;
    if (comma == absl::string_view::npos) return out;
    args = args.substr(comma + 1);
  }
  return absl::InvalidArgumentError(absl::StrCat(Quoted(text), " has more than two indices"));
}

template <typename Kind, size_t N>
absl::StatusOr<Kind> LookUpKind(absl::string_view name, const absl::string_view (&names)[N],
                                absl::string_view text, absl::string_view what) {
  for (size_t k = 0; k < N; ++k) {
    if (names[k] == name) return static_cast<Kind>(k);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Quoted(text), " is not ", what));
}

template <typename Kind>
absl::Status CheckArity(Kind kind, const ParsedName& p, absl::string_view text) {
  const int want = TakesTwoIndices(kind) ? 2 : 1;
  if (p.count == want) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s takes %d index%s", Quoted(text), want, want == 2 ? "es" : ""));
}

std::string RangeError(absl::string_view name, int64_t value, int64_t n) {
  return absl::StrFormat("index %s = %d is out of range [0, %d)", name, value, n);
}

// Writes "name(i)", "name(i,j)", with heads "name[h](i)" or "name[h](i,j)" at `out`
// (room for kMaxNameBytes); returns the end.
char* WriteName(absl::string_view name, bool heads, bool two, const HeadIndices& at, char* out) {
  constexpr int kDigits = 11;  // an int32_t
  std::memcpy(out, name.data(), name.size());
  out += name.size();
  if (heads) {
    *out++ = '[';
    out = std::to_chars(out, out + kDigits, at.head).ptr;
    *out++ = ']';
  }
  *out++ = '(';
  out = std::to_chars(out, out + kDigits, at.i).ptr;
  if (two) {
    *out++ = ',';
    out = std::to_chars(out, out + kDigits, at.j).ptr;
  }
  *out++ = ')';
  return out;
}

// With heads a name gives its head: "dot(0,1)" of a layer names no operation.
absl::Status CheckHeadGiven(const Instance& inst, const ParsedName& p, absl::string_view text) {
  if (inst.heads() == 1 || p.has_head) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(Quoted(text), " gives no head; the instance has ", inst.heads(),
                   " heads: write the head in brackets, e.g. ", p.name, "[0](...)"));
}

// The message of a name's head or indices outside the instance, after the name.
absl::Status InName(absl::string_view text, const absl::Status& status) {
  return absl::InvalidArgumentError(absl::StrCat(Quoted(text), ": ", status.message()));
}

}  // namespace

char* WriteOperationName(const Instance& inst, const Operation& op, char* out) {
  return WriteName(kOpNames[static_cast<int>(op.kind)], inst.heads() > 1, TakesTwoIndices(op.kind),
                   HeadIndicesOf(inst, op), out);
}

char* WriteItemName(const Instance& inst, const Item& item, char* out) {
  return WriteName(kItemNames[static_cast<int>(item.kind)], inst.heads() > 1,
                   TakesTwoIndices(item.kind), HeadIndicesOf(inst, item), out);
}

std::string OperationName(const Instance& inst, const Operation& op) {
  char name[kMaxNameBytes];
  return std::string(name, WriteOperationName(inst, op, name));
}

std::string ItemName(const Instance& inst, const Item& item) {
  char name[kMaxNameBytes];
  return std::string(name, WriteItemName(inst, item, name));
}

absl::string_view OpKindName(OpKind kind) { return kOpNames[static_cast<int>(kind)]; }
absl::string_view ItemKindName(ItemKind kind) { return kItemNames[static_cast<int>(kind)]; }

absl::StatusOr<Operation> ParseOperation(const Instance& inst, absl::string_view text) {
  absl::StatusOr<ParsedName> p = ParseCall(text);
  if (!p.ok()) return p.status();
  absl::StatusOr<OpKind> kind = LookUpKind<OpKind>(
      p->name, kOpNames, text, "an operation (dot(i,j), softmax(i) or axpy(i,j))");
  if (!kind.ok()) return kind.status();
  if (absl::Status s = CheckArity(*kind, *p, text); !s.ok()) return s;
  if (absl::Status s = CheckHeadGiven(inst, *p, text); !s.ok()) return s;
  absl::StatusOr<Operation> op = LayerOperation(inst, *kind, {p->head, p->index[0], p->index[1]});
  if (!op.ok()) return InName(text, op.status());
  return op;
}

absl::StatusOr<Item> ParseItem(const Instance& inst, absl::string_view text) {
  absl::StatusOr<ParsedName> p = ParseCall(text);
  if (!p.ok()) return p.status();
  absl::StatusOr<ItemKind> kind = LookUpKind<ItemKind>(
      p->name, kItemNames, text,
      "a transferable item (q(i), k(i), v(i), x(i), s(i,j) or p(i,j); o(i) never moves)");
  if (!kind.ok()) return kind.status();
  if (absl::Status s = CheckArity(*kind, *p, text); !s.ok()) return s;
  if (absl::Status s = CheckHeadGiven(inst, *p, text); !s.ok()) return s;
  absl::StatusOr<Item> item = LayerItem(inst, *kind, {p->head, p->index[0], p->index[1]});
  if (!item.ok()) return InName(text, item.status());
  return item;
}

int64_t CoveredDuration(const Problem& problem, const Operation& op) {
  const Costs& c = problem.costs;
  const Mask& mask = problem.mask();
  if (mask.tile() == 1) {  // the hot path: weights are 1
    switch (op.kind) {
      case OpKind::kDot: return c.c_dot;
      case OpKind::kSoftmax:
        // Makespans are taken of schedules not yet validated (prove's event count):
        // an index out of range reads no mask table.
        if (op.i < 0 || op.i >= problem.n()) return c.c_softmax;
        return c.c_softmax * mask.RowLength(op.i);
      case OpKind::kAxpy: return c.c_axpy;
    }
  }
  // Tiles: an operation outside the task graph counts one pair.
  const bool known = InTaskGraph(problem.instance, op);
  switch (op.kind) {
    case OpKind::kDot: return c.c_dot * (known ? DotPairs(problem.instance, op) : 1);
    case OpKind::kSoftmax: return c.c_softmax * (known ? mask.RowPairs(op.i) : 1);
    case OpKind::kAxpy: return c.c_axpy * (known ? mask.Pairs(op.i, op.j) : 1);
  }
  return 0;
}


int64_t Words(const Instance& inst, const Item& item) {
  const Mask& mask = inst.mask;
  if (mask.tile() == 1) return IsVector(item.kind) ? inst.d : 1;
  // Unvalidated items (see Duration) count one token or one pair.
  const bool known = InTaskGraph(inst, item);
  if (IsVector(item.kind)) return inst.d * (known ? mask.TileTokens(item.i) : 1);
  if (!known) return 1;
  if (item.kind == ItemKind::kS && inst.shared) return mask.UnorderedPairs(item.i, item.j);
  return mask.Pairs(item.i, item.j);
}

std::string CheckIndices(const Instance& inst, const Operation& op) {
  if (op.i < 0 || op.i >= inst.n()) return RangeError("i", op.i, inst.n());
  if (TakesTwoIndices(op.kind) && (op.j < 0 || op.j >= inst.n())) return RangeError("j", op.j, inst.n());
  return {};
}

std::string CheckIndices(const Instance& inst, const Item& item) {
  if (item.i < 0 || item.i >= inst.n()) return RangeError("i", item.i, inst.n());
  if (TakesTwoIndices(item.kind) && (item.j < 0 || item.j >= inst.n())) {
    return RangeError("j", item.j, inst.n());
  }
  return {};
}

std::string CheckOperation(const Instance& inst, const Operation& op) {
  const Mask& mask = inst.mask;
  if (op.kind == OpKind::kSoftmax) {
    if (mask.RowLength(op.i) > 0) return {};
    return absl::StrCat(OperationName(inst, op),
                        " is not an operation of the instance: ", mask.WhyNotAttends(op.i, op.i));
  }
  if (inst.shared && op.kind == OpKind::kDot) {
    if (op.i > op.j) {
      return absl::StrCat(OperationName(inst, op),
                          " is not an operation of shared inputs (one dot(i,j) with i <= j "
                          "serves both rows; write dot(",
                          op.j, ",", op.i, "))");
    }
    if (mask.Related(op.i, op.j)) return {};
    return absl::StrCat(OperationName(inst, op),
                        " is not an operation of the instance: ", mask.WhyNotAttends(op.j, op.i));
  }
  if (mask.Attends(op.i, op.j)) return {};
  return absl::StrCat(OperationName(inst, op),
                      " is not an operation of the instance: ", mask.WhyNotAttends(op.i, op.j));
}

std::string CheckItem(const Instance& inst, const Item& item) {
  const Mask& mask = inst.mask;
  if (IsVector(item.kind)) {
    if (!IsInputOf(inst, item.kind)) {
      return absl::StrCat(ItemName(inst, item),
                          " does not exist in the instance: the input "
                          "vectors are ",
                          inst.shared ? "x (shared inputs)" : "q, k and v");
    }
    if (IsInputRow(inst, item)) return {};
    return absl::StrCat("row ", item.i,
                        " of the layer holds no key or value vector: the query "
                        "heads of a group share their first head's (a library bug)");
  }
  if (item.kind == ItemKind::kS && inst.shared) {
    if (item.i > item.j) {
      return absl::StrCat(ItemName(inst, item),
                          " does not exist with shared inputs (scores are "
                          "named s(min,max); write s(",
                          item.j, ",", item.i, "))");
    }
    if (mask.Related(item.i, item.j)) return {};
    return absl::StrCat(ItemName(inst, item),
                        " does not exist in the instance: ", mask.WhyNotAttends(item.j, item.i));
  }
  if (mask.Attends(item.i, item.j)) return {};
  return absl::StrCat(ItemName(inst, item),
                      " does not exist in the instance: ", mask.WhyNotAttends(item.i, item.j));
}

OperationCounts CountOperations(const Instance& inst) {
  const Mask& mask = inst.mask;
  return OperationCounts{inst.shared ? mask.PairCount() : mask.ScoreCount(),
                         mask.RowsWithKeys(), mask.ScoreCount()};
}

int64_t ShortestDuration(const Problem& problem, OpKind kind) {
  const Costs& c = problem.costs;
  switch (kind) {
    case OpKind::kDot: return c.c_dot * FewestDotPairs(problem.instance);
    case OpKind::kSoftmax: return c.c_softmax * problem.mask().FewestRowPairs();
    case OpKind::kAxpy: return c.c_axpy * problem.mask().FewestPairs();
  }
  return 0;
}

int64_t DotWork(const Problem& problem) {
  return CountOperations(Instance{problem.mask().tokens(), 0, problem.instance.shared}).dots *
         problem.costs.c_dot;
}

int64_t TotalWork(const Problem& problem) {
  // The weights of the tiles sum to the token mask's pairs (mask.h); softmax work is
  // c_softmax per score of each row, and the row lengths sum to the axpys.
  const OperationCounts c = CountOperations(Instance{problem.mask().tokens(), 0, problem.instance.shared});
  return c.dots * problem.costs.c_dot + c.axpys * problem.costs.c_softmax +
         c.axpys * problem.costs.c_axpy;
}

}  // namespace attnsched
