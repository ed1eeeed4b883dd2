#include "lib/model/presets.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "lib/model/quote.h"

namespace attnsched {
namespace {

constexpr ModelPreset kPresets[] = {
    {"bert-base", "BERT-base (encoder)", "512b", 0, false, 64, 12, 12,
     "Devlin et al., BERT, arXiv 1810.04805, table of model sizes: hidden 768, 12 heads "
     "(d = 768/12 = 64), 512 positions; bidirectional, so general"},
    {"bert-base-shared", "BERT-base shape with query = key = value", "512b", 0, true, 64, 12, 12,
     "the bert-base shape under the shared scheme (Yu & Fujita, arXiv 2012.01114, the "
     "symmetric case); a shape preset, not a published model"},
    {"gpt2", "GPT-2 small (decoder)", "1024c", 0, false, 64, 12, 12,
     "Radford et al., Language Models are Unsupervised Multitask Learners (2019), "
     "smallest model: n_ctx 1024, n_embd 768, n_head 12 (d = 64); causal"},
    {"llama-2-7b", "Llama 2 7B (decoder)", "4096c", 0, false, 128, 32, 32,
     "Touvron et al., Llama 2, arXiv 2307.09288: context 4096, dim 4096, 32 heads "
     "(d = 128; the 7B model has no grouped-query attention); causal"},
    {"llama-3-8b", "Llama 3 8B (decoder, grouped-query attention)", "8192c", 0, false, 128, 32,
     8,
     "Llama Team, The Llama 3 Herd of Models, arXiv 2407.21783, table 3 (8B: model "
     "dimension 4096, 32 attention heads, 8 key/value heads, so d = 128) and its pre-training "
     "context of 8,192 tokens; causal"},
    {"mistral-7b", "Mistral 7B (decoder, sliding window)", "8192c", 4096, false, 128, 32, 8,
     "Jiang et al., Mistral 7B, arXiv 2310.06825, table 1: dim 4096, head_dim 128, "
     "n_heads 32, n_kv_heads 8, window_size 4096, context_len 8192; causal with a sliding "
     "window"},
    {"llama-2-7b-packed", "Llama 2 7B head, packed training sequence",
     "1200c,700c,580c,500c,410c,330c,220c,156c", 0, false, 128, 32, 32,
     "the llama-2-7b head shape (arXiv 2307.09288) on a synthetic packed training "
     "sequence of 4096 tokens: 8 documents of 1200, 700, 580, 500, 410, 330, 220 and 156 "
     "tokens, each causal, none attending another; illustrative lengths, not sampled "
     "from a corpus"},
};

}  // namespace

std::span<const ModelPreset> ModelPresets() { return kPresets; }

Instance PresetInstance(const ModelPreset& preset) {
  absl::StatusOr<Mask> mask =
      Mask::Make(*ParseSegments(preset.segments), preset.window, kMaxTokens);
  return Instance{*std::move(mask), preset.d, preset.shared};
}

absl::StatusOr<ModelPreset> FindPreset(absl::string_view name) {
  std::string known;
  for (const ModelPreset& p : kPresets) {
    if (p.name == name) return p;
    absl::StrAppend(&known, known.empty() ? "" : ", ", p.name);
  }
  return absl::NotFoundError(absl::StrCat("model = ", Quoted(name), " is not a preset; known: ",
                                          known, " (attnsched models lists them)"));
}

}  // namespace attnsched
