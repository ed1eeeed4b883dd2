// Attention shapes of well-known models (SPEC section 7, "Real inputs"), each with
// the published configuration it comes from. One head is scheduled; a model's heads
// multiply the totals, which the CLI reports as such. Key/value heads are listed as
// published (grouped-query attention shares each among heads / kv_heads query heads).
#ifndef ATTNSCHED_LIB_MODEL_PRESETS_H_
#define ATTNSCHED_LIB_MODEL_PRESETS_H_

#include <cstdint>
#include <span>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "lib/model/problem.h"

namespace attnsched {

struct ModelPreset {
  absl::string_view name;      // CLI name, e.g. "llama-2-7b"
  absl::string_view title;     // e.g. "Llama 2 7B"
  absl::string_view segments;  // the mask in the compact form, e.g. "4096c" (n = its sum)
  int64_t window = 0;          // sliding window (0: none)
  bool shared = false;         // x = q = k = v
  int64_t d = 0;               // head dimension in words
  int64_t heads = 0;           // attention (query) heads per layer
  int64_t kv_heads = 0;        // key/value heads (GQA when fewer than heads; divides it)
  absl::string_view source;    // the published configuration
};

// The instance a preset describes (every preset is valid: tests/presets_test.cc).
Instance PresetInstance(const ModelPreset& preset);

// All presets, in a fixed order.
std::span<const ModelPreset> ModelPresets();

// The preset called `name`; NotFoundError listing the known names otherwise.
absl::StatusOr<ModelPreset> FindPreset(absl::string_view name);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_PRESETS_H_
