#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/model/presets.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

TEST(PresetsTest, PublishedShapes) {
  // The published shapes (each preset's source): n, d, heads, the mask.
  const struct {
    const char* name;
    int64_t n, d, heads, kv_heads;
    const char* mask;  // DescribeMask
  } want[] = {{"bert-base", 512, 64, 12, 12, "general"},
              {"gpt2", 1024, 64, 12, 12, "causal"},
              {"llama-2-7b", 4096, 128, 32, 32, "causal"},
              {"llama-3-8b", 8192, 128, 32, 8, "causal"},
              {"bert-base-shared", 512, 64, 12, 12, "shared"},
              {"mistral-7b", 8192, 128, 32, 8, "8192c window 4096"},
              {"llama-2-7b-packed", 4096, 128, 32, 32,
               "1200c,700c,580c,500c,410c,330c,220c,156c"}};
  for (const auto& w : want) {
    absl::StatusOr<ModelPreset> p = FindPreset(w.name);
    ASSERT_TRUE(p.ok()) << p.status();
    const Instance inst = PresetInstance(*p);
    EXPECT_EQ(inst.n(), w.n) << w.name;
    EXPECT_EQ(inst.d, w.d) << w.name;
    EXPECT_EQ(p->heads, w.heads) << w.name;
    EXPECT_EQ(p->kv_heads, w.kv_heads) << w.name;
    EXPECT_EQ(p->heads % p->kv_heads, 0) << w.name << ": kv heads divide the heads";
    EXPECT_EQ(DescribeMask(inst), w.mask) << w.name;
    EXPECT_FALSE(p->source.empty()) << w.name;
  }
  EXPECT_EQ(ModelPresets().size(), std::size(want)) << "a preset without a test";
}

TEST(PresetsTest, UnknownNameListsTheKnownOnes) {
  absl::StatusOr<ModelPreset> p = FindPreset("gpt5");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("\"gpt5\""));
  for (const ModelPreset& known : ModelPresets()) {
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(std::string(known.name)));
  }
}

}  // namespace
}  // namespace attnsched
