// How users state an instance's mask and inputs, in every front end (the CLI's
// flags, the schedule file's "instance" object, the service's Instance message):
// either v1's scheme name (general, shared, causal: the one-segment masks) or a list
// of segments in the compact form "512c,300c,16p" (lib/model/mask.h), and in both
// cases an optional window and the shared-inputs flag. One function turns the
// statement into an Instance, so the rules and their messages are the same
// everywhere.
#ifndef ATTNSCHED_LIB_MODEL_MASK_SPEC_H_
#define ATTNSCHED_LIB_MODEL_MASK_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/model/problem.h"

namespace attnsched {

struct MaskSpec {
  std::optional<std::string> scheme;    // "general", "shared" or "causal"
  std::optional<std::vector<Segment>> segments;  // ParseSegments("512c,300c,16p")
  int64_t window = 0;                   // 0: none
  std::optional<bool> shared;           // x = q = k = v; scheme "shared" implies it
  // Tokens. With segments it may be 0 (their sum is n); otherwise it must equal it.
  int64_t n = 0;
  // Tokens per tile (SPEC section 10.4), in [1, n]; 1: the token model.
  int64_t tile = 1;
  // Query heads and key/value heads (SPEC section 10.3; WithHeads, heads.h); kv_heads
  // 0: as many as heads.
  int64_t heads = 1;
  int64_t kv_heads = 0;
};

// The instance `spec` states, with head dimension d (checked by ValidateProblem).
// Errors (InvalidArgumentError) name the field with `prefix` ("instance.", "--")
// and the rule: neither or both of scheme and segments, a bad scheme name or
// segment entry, n out of [1, kMaxTokens] or not the segments' sum, window < 0,
// scheme "shared" with shared = false, every token padding, WithTile's and WithHeads'.
// The segments and the window are named with `prefix` + `mask_prefix` (the service's
// Instance holds them in `mask.`).
absl::StatusOr<Instance> MakeMaskedInstance(const MaskSpec& spec, int64_t d,
                                            absl::string_view prefix,
                                            absl::string_view mask_prefix = "");

// `inst` (a token instance) over tiles of `tile` tokens. InvalidArgumentError naming
// `prefix` + "tile" for a tile outside [1, n] or a mask with more than kMaxTilePairs
// tile pairs (mask.h).
absl::StatusOr<Instance> WithTile(Instance inst, int64_t tile, absl::string_view prefix);

// The statement of `inst` that MakeMaskedInstance reads back: the scheme name when
// the instance is one (SchemeOf), else its segments, window and shared flag; one
// head's n and its heads.
MaskSpec SpecOf(const Instance& inst);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_MASK_SPEC_H_
