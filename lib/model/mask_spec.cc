#include "lib/model/mask_spec.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/model/heads.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

absl::Status Invalid(absl::string_view prefix, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(prefix, message));
}

absl::Status CheckTokens(absl::string_view prefix, int64_t n) {
  if (n >= 1 && n <= kMaxTokens) return absl::OkStatus();
  return Invalid(prefix, absl::StrFormat("n = %d: must be in [1, %d]", n, kMaxTokens));
}

// The message of `status` after the field prefix.
absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  return Invalid(prefix, status.message());
}

}  // namespace

absl::StatusOr<Instance> MakeMaskedInstance(const MaskSpec& spec, int64_t d,
                                            absl::string_view prefix,
                                            absl::string_view mask_prefix) {
  const std::string mask_fields = absl::StrCat(prefix, mask_prefix);
  if (spec.scheme && spec.segments) {
    return Invalid(mask_fields, "segments: not together with a scheme; give one of them (a scheme "
                           "names a one-segment mask)");
  }
  if (!spec.scheme && !spec.segments) {
    return Invalid(prefix, "scheme: missing; give scheme (general, shared, causal) or segments "
                           "(e.g. 512c,300c,16p)");
  }
  std::vector<Segment> segments;
  bool shared = spec.shared.value_or(false);
  if (spec.scheme) {
    absl::StatusOr<Scheme> scheme = ParseScheme(*spec.scheme);
    if (!scheme.ok()) return Prefixed(prefix, scheme.status());
    RETURN_IF_ERROR(CheckTokens(prefix, spec.n));
    if (*scheme == Scheme::kShared) {
      if (spec.shared == false) {
        return Invalid(prefix, "shared = false with scheme shared: the shared scheme has shared "
                               "inputs; drop one of them");
      }
      shared = true;
    }
    segments = {Segment{spec.n, SchemeSegmentKind(*scheme)}};
  } else {
    segments = *spec.segments;
  }
  absl::StatusOr<Mask> mask = Mask::Make(std::move(segments), spec.window, kMaxTokens);
  if (!mask.ok()) return Prefixed(mask_fields, mask.status());
  if (spec.segments && spec.n != 0 && spec.n != mask->n()) {
    return Invalid(prefix, absl::StrFormat("n = %d but the segments sum to %d tokens: they "
                                           "must agree",
                                           spec.n, mask->n()));
  }
  ASSIGN_OR_RETURN(Instance head,
                   WithTile(Instance{*std::move(mask), d, shared}, spec.tile, prefix));
  return WithHeads(head, spec.heads, spec.kv_heads, prefix);
}

absl::StatusOr<Instance> WithTile(Instance inst, int64_t tile, absl::string_view prefix) {
  absl::StatusOr<Mask> tiled = inst.mask.Tiled(tile);
  if (!tiled.ok()) return Prefixed(prefix, tiled.status());
  inst.mask = *std::move(tiled);
  return inst;
}

MaskSpec SpecOf(const Instance& inst) {
  MaskSpec spec;
  const Mask& mask = inst.head_mask();
  spec.n = mask.tokens().n();
  spec.tile = mask.tile();
  spec.heads = inst.heads();
  spec.kv_heads = inst.kv_heads();
  if (std::optional<Scheme> scheme = SchemeOf(inst)) {
    spec.scheme = std::string(SchemeName(*scheme));
    return spec;
  }
  spec.segments = mask.segments();
  spec.window = mask.window();
  spec.shared = inst.shared;
  return spec;
}

}  // namespace attnsched
