#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/model/presets.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

TEST(PresetsTest, PublishedShapes) {
  // The shapes of SPEC section 7 and the issue: (n, d, heads, scheme).
  const struct {
    const char* name;
    int64_t n, d, heads;
    Scheme scheme;
  } want[] = {{"bert-base", 512, 64, 12, Scheme::kGeneral},
              {"gpt2", 1024, 64, 12, Scheme::kCausal},
              {"llama-2-7b", 4096, 128, 32, Scheme::kCausal},
              {"bert-base-shared", 512, 64, 12, Scheme::kShared}};
  for (const auto& w : want) {
    absl::StatusOr<ModelPreset> p = FindPreset(w.name);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->n, w.n) << w.name;
    EXPECT_EQ(p->d, w.d) << w.name;
    EXPECT_EQ(p->heads, w.heads) << w.name;
    EXPECT_EQ(p->scheme, w.scheme) << w.name;
    EXPECT_FALSE(p->source.empty()) << w.name;
  }
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
