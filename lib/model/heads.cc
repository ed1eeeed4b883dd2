#include "lib/model/heads.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

absl::Status Invalid(absl::string_view prefix, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(prefix, message));
}

absl::Status CheckHeadCounts(const Instance& head, int64_t heads, int64_t kv_heads,
                             absl::string_view prefix) {
  if (heads < 1 || heads > kMaxHeads) {
    return Invalid(prefix, absl::StrFormat("heads = %d: must be in [1, %d]", heads, kMaxHeads));
  }
  // The CLI's flags are spelled with dashes (--kv-heads), fields with underscores.
  const std::string kv = absl::EndsWith(prefix, "--") ? "kv-heads" : "kv_heads";
  if (kv_heads < 1 || kv_heads > kMaxHeads) {
    return Invalid(prefix, absl::StrFormat("%s = %d: must be in [1, %d] (0: as many as heads)", kv,
                                           kv_heads, kMaxHeads));
  }
  if (kv_heads > heads || heads % kv_heads != 0) {
    return Invalid(prefix, absl::StrFormat("%s = %d: must divide heads = %d (each key/value "
                                           "head serves heads / kv_heads query heads)",
                                           kv, kv_heads, heads));
  }
  if (head.shared && kv_heads != heads) {
    return Invalid(prefix, absl::StrFormat("%s = %d with shared inputs: must equal heads = "
                                           "%d (x = q = k = v is one vector per head)",
                                           kv, kv_heads, heads));
  }
  const Mask& tokens = head.mask.tokens();
  if (heads > 1 && tokens.n() % head.mask.tile() != 0) {
    return Invalid(prefix,
                   absl::StrFormat("tile = %d with heads = %d: the tile must divide n = %d, "
                                   "or a tile would hold tokens of two heads; choose a "
                                   "tile that divides n",
                                   head.mask.tile(), heads, tokens.n()));
  }
  if (heads * tokens.n() > kMaxTokens) {
    return Invalid(prefix, absl::StrFormat("heads = %d: the layer holds heads x n = %d tokens, "
                                           "above the limit of %d; schedule fewer heads (every "
                                           "head has the same work: the heads one batch after "
                                           "another bound the layer)",
                                           heads, heads * tokens.n(), kMaxTokens));
  }
  return absl::OkStatus();
}

// KvRow for every row of a layer of `rows` rows per head, groups of `group` heads.
std::vector<int32_t> KvRows(int64_t heads, int64_t group, int64_t rows) {
  std::vector<int32_t> out(static_cast<size_t>(heads * rows));
  for (int64_t r = 0; r < heads * rows; ++r) {
    out[r] = static_cast<int32_t>(r / rows / group * group * rows + r % rows);
  }
  return out;
}

std::string OutOfRange(absl::string_view what, int64_t value, int64_t limit,
                       absl::string_view why) {
  return absl::StrFormat("%s %d is out of range [0, %d): %s", what, value, limit, why);
}

// Checks (head, i, j) against `heads` heads (`what`: "head" or "key/value head") of
// `rows` rows and returns the layer indices, head `head` starting at row `first`.
absl::StatusOr<HeadIndices> Flatten(HeadIndices at, bool uses_j, int64_t heads,
                                    absl::string_view what, int64_t rows, int64_t first) {
  if (at.head < 0 || at.head >= heads) {
    return absl::InvalidArgumentError(
        OutOfRange("head", at.head, heads,
                   absl::StrCat("the instance has ", heads, " ", what, heads == 1 ? "" : "s")));
  }
  if (at.i < 0 || at.i >= rows) {
    return absl::InvalidArgumentError(OutOfRange("index i =", at.i, rows, "rows of a head"));
  }
  if (uses_j && (at.j < 0 || at.j >= rows)) {
    return absl::InvalidArgumentError(OutOfRange("index j =", at.j, rows, "rows of a head"));
  }
  const int64_t base = first * rows;
  return HeadIndices{0, static_cast<int32_t>(base + at.i),
                     uses_j ? static_cast<int32_t>(base + at.j) : 0};
}

absl::Status OneHead(int32_t head) {
  if (head == 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("head %d: must be 0 (the instance has one head)", head));
}

bool IsKeyOrValue(ItemKind kind) { return kind == ItemKind::kK || kind == ItemKind::kV; }

}  // namespace

absl::StatusOr<Instance> WithHeads(const Instance& head, int64_t heads, int64_t kv_heads,
                                   absl::string_view prefix) {
  if (kv_heads == 0) kv_heads = heads;
  RETURN_IF_ERROR(CheckHeadCounts(head, heads, kv_heads, prefix));
  if (heads == 1) return head;
  const Mask& tokens = head.mask.tokens();
  std::vector<Segment> segments;
  segments.reserve(tokens.segments().size() * heads);
  for (int64_t a = 0; a < heads; ++a) {
    segments.insert(segments.end(), tokens.segments().begin(), tokens.segments().end());
  }
  absl::StatusOr<Mask> layer = Mask::Make(std::move(segments), tokens.window(), kMaxTokens);
  if (layer.ok()) layer = layer->Tiled(head.mask.tile());
  if (!layer.ok()) return Invalid(prefix, layer.status().message());
  auto layout = std::make_shared<HeadLayout>();
  layout->heads = heads;
  layout->kv_heads = kv_heads;
  layout->head_mask = head.mask;
  if (kv_heads < heads) layout->kv_row = KvRows(heads, heads / kv_heads, head.mask.n());
  Instance out(*std::move(layer), head.d, head.shared);
  out.kv_row = layout->kv_row.empty() ? nullptr : layout->kv_row.data();
  out.layout = std::move(layout);
  return out;
}

HeadIndices HeadIndicesOf(const Instance& inst, const Operation& op) {
  if (inst.heads() == 1) return HeadIndices{0, op.i, op.j};
  const int32_t rows = static_cast<int32_t>(inst.rows_per_head()), head = op.i / rows;
  const int32_t j = op.kind == OpKind::kSoftmax ? 0 : op.j - head * rows;
  return HeadIndices{head, op.i - head * rows, j};
}

HeadIndices HeadIndicesOf(const Instance& inst, const Item& item) {
  if (inst.heads() == 1) return HeadIndices{0, item.i, item.j};
  const int32_t rows = static_cast<int32_t>(inst.rows_per_head()), row_head = item.i / rows;
  const int32_t i = item.i - row_head * rows;
  if (IsKeyOrValue(item.kind)) {
    const int32_t group = static_cast<int32_t>(inst.heads() / inst.kv_heads());
    return HeadIndices{row_head / group, i, 0};
  }
  return HeadIndices{row_head, i, IsVector(item.kind) ? 0 : item.j - row_head * rows};
}

absl::StatusOr<Operation> LayerOperation(const Instance& inst, OpKind kind, HeadIndices at) {
  if (inst.heads() == 1) {
    RETURN_IF_ERROR(OneHead(at.head));
    return Operation{kind, at.i, at.j};
  }
  ASSIGN_OR_RETURN(const HeadIndices flat, Flatten(at, kind != OpKind::kSoftmax, inst.heads(),
                                                   "head", inst.rows_per_head(), at.head));
  return Operation{kind, flat.i, flat.j};
}

absl::StatusOr<Item> LayerItem(const Instance& inst, ItemKind kind, HeadIndices at) {
  if (inst.heads() == 1) {
    RETURN_IF_ERROR(OneHead(at.head));
    return Item{kind, at.i, at.j};
  }
  const bool kv = IsKeyOrValue(kind);
  const int64_t group = inst.heads() / inst.kv_heads();
  ASSIGN_OR_RETURN(const HeadIndices flat,
                   Flatten(at, !IsVector(kind), kv ? inst.kv_heads() : inst.heads(),
                           kv ? "key/value head" : "head", inst.rows_per_head(),
                           kv ? at.head * group : at.head));
  return Item{kind, flat.i, flat.j};
}

Placement LayerPlacement(const Instance& inst, const Placement& head_homes) {
  if (inst.heads() == 1) return head_homes;
  Placement out;
  out.reserve(head_homes.size() * inst.heads());
  for (int64_t a = 0; a < inst.heads(); ++a) {
    out.insert(out.end(), head_homes.begin(), head_homes.end());
  }
  return out;
}

Placement HeadPlacement(const Instance& inst, const Placement& layer) {
  if (inst.heads() == 1) return layer;
  return Placement(layer.begin(), layer.begin() + inst.rows_per_head());
}

absl::StatusOr<Placement> CheckedLayerPlacement(const Instance& inst, const Placement& head_homes,
                                                int64_t pes) {
  RETURN_IF_ERROR(ValidatePlacement(head_homes, inst.rows_per_head(), pes));
  return LayerPlacement(inst, head_homes);
}

absl::StatusOr<Placement> MakeLayerPlacement(const PlacementSpec& spec, const Instance& inst,
                                             int64_t pes) {
  ASSIGN_OR_RETURN(const Placement homes, MakePlacement(spec, inst.rows_per_head(), pes));
  return LayerPlacement(inst, homes);
}

Problem HeadProblem(const Problem& problem) {
  Problem out = problem;
  out.instance = Instance{problem.instance.head_mask(), problem.d(), problem.instance.shared};
  return out;
}

int64_t KvToken(const Instance& inst, int64_t t) {
  if (inst.kv_heads() == inst.heads()) return t;
  const int64_t tokens = inst.head_mask().tokens().n(), group = inst.heads() / inst.kv_heads();
  return t / tokens / group * group * tokens + t % tokens;
}

}  // namespace attnsched
