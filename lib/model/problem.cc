#include "lib/model/problem.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/model/quote.h"

namespace attnsched {
namespace {

absl::Status CheckRange(absl::string_view field, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s = %d: must be in [%d, %d]", field, value, lo, hi));
}

// Every duration and cycle fits 64 bits with room to spare when the longest schedule
// a generator can produce does: its work W plus every item crossing every link once
// more than it must (each hop's duration and latency). Counted in long double.
absl::Status CheckHorizon(const Problem& p) {
  const Mask& tokens = p.mask().tokens();
  const long double n = static_cast<long double>(tokens.n()), d = static_cast<long double>(p.d());
  const long double scores = static_cast<long double>(tokens.ScoreCount());
  const long double dots = p.instance.shared ? static_cast<long double>(tokens.PairCount()) : scores;
  const long double work = dots * p.costs.c_dot + scores * (p.costs.c_softmax + p.costs.c_axpy);
  const long double kinds = p.instance.shared ? 1 : 3;
  const long double words = kinds * n * d + dots + scores;  // vectors, s and p
  const long double items = kinds * p.n() + 2.0L * p.mask().ScoreCount();
  const long double links =
      (p.pes() - 1) * (words * p.machine.link_cycles / p.machine.link_words +
                       items * (1 + p.machine.link_latency));
  if (work + links <= kMaxHorizon) return absl::OkStatus();
  if (work >= links) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the total work W = %.3Lg cycles is above 2^61 cycles, the longest schedule this "
        "tool times; lower c_dot, c_softmax, c_axpy or n",
        work));
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "the transfers could take %.3Lg cycles, above 2^61 cycles, the longest schedule this "
      "tool times; lower link_cycles, link_latency, d or the tile (a tile's vector has "
      "tile x d words), or raise link_words",
      links));
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

SegmentKind SchemeSegmentKind(Scheme scheme) {
  return scheme == Scheme::kCausal ? SegmentKind::kCausal : SegmentKind::kBidirectional;
}

Instance MakeInstance(Scheme scheme, int64_t n, int64_t d) {
  return Instance{Mask::OneSegment(n, SchemeSegmentKind(scheme)), d, scheme == Scheme::kShared};
}

std::optional<Scheme> SchemeOf(const Instance& inst) {
  const Mask& mask = inst.head_mask();
  if (mask.window() != 0) return std::nullopt;
  if (mask.Full()) return inst.shared ? Scheme::kShared : Scheme::kGeneral;
  if (mask.PlainCausal() && !inst.shared) return Scheme::kCausal;
  return std::nullopt;
}

std::string DescribeMask(const Instance& inst) {
  if (std::optional<Scheme> scheme = SchemeOf(inst)) return std::string(SchemeName(*scheme));
  return absl::StrCat(inst.head_mask().Describe(), inst.shared ? " shared" : "");
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
      {"n", p.instance.head_mask().tokens().n(), 1, kMaxTokens},
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
  return CheckHorizon(p);
}

std::string Describe(const Problem& p) {
  const Instance& inst = p.instance;
  const std::string tile = p.mask().tile() > 1 ? absl::StrCat(" tile ", p.mask().tile()) : "";
  const std::string heads =
      inst.heads() > 1 ? absl::StrCat(" heads ", inst.heads(), "/", inst.kv_heads()) : "";
  return absl::StrFormat("%s n=%d d=%d%s%s on %d PEs", DescribeMask(inst),
                         inst.head_mask().tokens().n(), p.d(), tile, heads, p.pes());
}

}  // namespace attnsched
