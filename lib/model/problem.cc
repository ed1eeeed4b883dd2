#include "lib/model/problem.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace attnsched {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

absl::Status CheckRange(absl::string_view field, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s = %d: must be in [%d, %d]", field, value, lo, hi));
}

}  // namespace

absl::string_view SchemeName(Scheme scheme) {
  switch (scheme) {
    case Scheme::kGeneral: return "general";
    case Scheme::kShared: return "shared";
    case Scheme::kCausal: return "causal";
  }
  return "unknown";
}

absl::StatusOr<Scheme> ParseScheme(absl::string_view name) {
  for (Scheme s : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    if (name == SchemeName(s)) return s;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "scheme = \"", name, "\": must be one of general, shared, causal"));
}

int64_t Problem::VectorTransferCycles() const {
  return CeilDiv(instance.d, machine.link_words_per_cycle);
}

int64_t Problem::ScalarTransferCycles() const {
  return CeilDiv(1, machine.link_words_per_cycle);
}

Problem MakeProblem(Scheme scheme, int64_t n, int64_t d, int64_t pes) {
  return Problem{Instance{n, d, scheme}, Machine{pes, 1}, Costs::Default(d)};
}

absl::Status ValidateProblem(const Problem& p) {
  const struct {
    absl::string_view field;
    int64_t value;
    int64_t hi;
  } checks[] = {
      {"n", p.instance.n, kMaxTokens},
      {"d", p.instance.d, kMaxHeadDim},
      {"pes", p.machine.pes, kMaxPes},
      {"link_words_per_cycle", p.machine.link_words_per_cycle, kMaxHeadDim},
      {"c_dot", p.costs.c_dot, kMaxCost},
      {"c_softmax", p.costs.c_softmax, kMaxCost},
      {"c_axpy", p.costs.c_axpy, kMaxCost},
  };
  for (const auto& c : checks) {
    if (absl::Status s = CheckRange(c.field, c.value, 1, c.hi); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string Describe(const Problem& p) {
  return absl::StrFormat("%s n=%d d=%d on %d PEs", SchemeName(p.scheme()), p.n(), p.d(),
                         p.pes());
}

}  // namespace attnsched
