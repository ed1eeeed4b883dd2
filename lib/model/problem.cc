#include "lib/model/problem.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/model/quote.h"

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
  return absl::InvalidArgumentError(
      absl::StrCat("scheme = ", Quoted(name), ": must be one of general, shared, causal"));
}

int64_t Problem::LinkCycles(int64_t words) const {
  return CeilDiv(words * machine.link_cycles, machine.link_words);
}

SegmentKind SchemeSegmentKind(Scheme scheme) {
  return scheme == Scheme::kCausal ? SegmentKind::kCausal : SegmentKind::kBidirectional;
}

Instance MakeInstance(Scheme scheme, int64_t n, int64_t d) {
  return Instance{Mask::OneSegment(n, SchemeSegmentKind(scheme)), d, scheme == Scheme::kShared};
}

std::optional<Scheme> SchemeOf(const Instance& inst) {
  if (inst.mask.window() != 0) return std::nullopt;
  if (inst.mask.Full()) return inst.shared ? Scheme::kShared : Scheme::kGeneral;
  if (inst.mask.PlainCausal() && !inst.shared) return Scheme::kCausal;
  return std::nullopt;
}

std::string DescribeMask(const Instance& inst) {
  if (std::optional<Scheme> scheme = SchemeOf(inst)) return std::string(SchemeName(*scheme));
  return absl::StrCat(inst.mask.Describe(), inst.shared ? " shared" : "");
}

Problem MakeProblem(Scheme scheme, int64_t n, int64_t d, int64_t pes) {
  return Problem{MakeInstance(scheme, n, d), Machine{pes, 1, 1, 0}, Costs::Default(d)};
}

absl::Status ValidateProblem(const Problem& p) {
  const struct {
    absl::string_view field;
    int64_t value;
    int64_t lo, hi;
  } checks[] = {
      {"n", p.mask().tokens().n(), 1, kMaxTokens},
      {"d", p.instance.d, 1, kMaxHeadDim},
      {"pes", p.machine.pes, 1, kMaxPes},
      {"link_words", p.machine.link_words, 1, kMaxLinkParameter},
      {"link_cycles", p.machine.link_cycles, 1, kMaxLinkParameter},
      {"link_latency", p.machine.link_latency, 0, kMaxLinkParameter},
      {"max_words_per_pe", p.machine.max_words_per_pe, 0, kMaxWordsPerPe},
      {"c_dot", p.costs.c_dot, 1, kMaxCost},
      {"c_softmax", p.costs.c_softmax, 1, kMaxCost},
      {"c_axpy", p.costs.c_axpy, 1, kMaxCost},
  };
  for (const auto& c : checks) {
    if (absl::Status s = CheckRange(c.field, c.value, c.lo, c.hi); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string Describe(const Problem& p) {
  const std::string tile = p.mask().tile() > 1 ? absl::StrCat(" tile ", p.mask().tile()) : "";
  return absl::StrFormat("%s n=%d d=%d%s on %d PEs", DescribeMask(p.instance),
                         p.mask().tokens().n(), p.d(), tile, p.pes());
}

}  // namespace attnsched
