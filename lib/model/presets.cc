#include "lib/model/presets.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "lib/model/quote.h"

namespace attnsched {
namespace {

constexpr ModelPreset kPresets[] = {
    {"bert-base", "BERT-base (encoder)", 512, 64, 12, Scheme::kGeneral,
     "Devlin et al., BERT, arXiv 1810.04805, table of model sizes: hidden 768, 12 heads "
     "(d = 768/12 = 64), 512 positions; bidirectional, so general"},
    {"bert-base-shared", "BERT-base shape with query = key = value", 512, 64, 12,
     Scheme::kShared,
     "the bert-base shape under the shared scheme (Yu & Fujita, arXiv 2012.01114, the "
     "symmetric case); a shape preset, not a published model"},
    {"gpt2", "GPT-2 small (decoder)", 1024, 64, 12, Scheme::kCausal,
     "Radford et al., Language Models are Unsupervised Multitask Learners (2019), "
     "smallest model: n_ctx 1024, n_embd 768, n_head 12 (d = 64); causal"},
    {"llama-2-7b", "Llama 2 7B (decoder)", 4096, 128, 32, Scheme::kCausal,
     "Touvron et al., Llama 2, arXiv 2307.09288: context 4096, dim 4096, 32 heads "
     "(d = 128); causal"},
};

}  // namespace

std::span<const ModelPreset> ModelPresets() { return kPresets; }

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
