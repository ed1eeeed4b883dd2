// The scheduling problem: one attention head (instance), a one-way ring of PEs
// (machine) and operation costs. Definitions follow SPEC sections 1-3, which follow
// Yu & Fujita, "Parallel Scheduling Self-attention Mechanism" (arXiv 2012.01114).
//
// All sizes are counts (tokens, words, PEs); all durations are whole cycles.
// These are plain values: cheap to copy, thread-compatible.
#ifndef ATTNSCHED_LIB_MODEL_PROBLEM_H_
#define ATTNSCHED_LIB_MODEL_PROBLEM_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/model/mask.h"

namespace attnsched {

// v1's names for the one-segment masks (SPEC sections 1 and 10.2); the instance
// itself holds a Mask and a shared flag (below).
//   kGeneral: one bidirectional segment, distinct q, k, v: row i attends every j.
//   kShared:  one bidirectional segment, x(i) = q(i) = k(i) = v(i): the score matrix
//             is symmetric, so one dot(i,j) with i <= j serves rows i and j.
//   kCausal:  one causal segment, distinct q, k, v: row i attends j <= i.
enum class Scheme { kGeneral, kShared, kCausal };

// "general", "shared" or "causal".
absl::string_view SchemeName(Scheme scheme);

// Parses a scheme name (as printed by SchemeName). Returns InvalidArgumentError
// naming the accepted values for anything else.
absl::StatusOr<Scheme> ParseScheme(absl::string_view name);

// Representation limits of v1 (not tunable: indices are packed into 64-bit keys).
inline constexpr int64_t kMaxTokens = int64_t{1} << 20;
inline constexpr int64_t kMaxHeadDim = int64_t{1} << 20;
inline constexpr int64_t kMaxPes = int64_t{1} << 16;
inline constexpr int64_t kMaxCost = int64_t{1} << 20;
// Largest link_words, link_cycles and link_latency.
inline constexpr int64_t kMaxLinkParameter = int64_t{1} << 20;
// Largest storage limit in words per PE.
inline constexpr int64_t kMaxWordsPerPe = int64_t{1} << 50;

// One attention head: mask.tokens().n() tokens (>= 1) with head dimension d (>= 1
// words), the mask saying which keys each row attends (lib/model/mask.h), and whether
// the inputs are shared (x(i) = q(i) = k(i) = v(i); valid with every mask: one dot per
// unordered related pair, SPEC section 10.2). With tiles (mask.tile() = b > 1, SPEC
// section 10.4) the task graph, the placement and every index are over the tiles.
struct Instance {
  Mask mask;
  int64_t d = 0;
  bool shared = false;

  // Rows of the task graph: tokens, or tiles with tiles.
  int64_t n() const { return mask.n(); }
};

// The kind of the one segment of `scheme`'s mask: causal for causal, else bidirectional.
SegmentKind SchemeSegmentKind(Scheme scheme);

// The instance v1 calls `scheme` with n tokens. For n outside [1, kMaxTokens] an
// instance that ValidateProblem refuses, naming n (Mask::OneSegment).
Instance MakeInstance(Scheme scheme, int64_t n, int64_t d);

// The v1 scheme that `inst` is (its mask one segment without a window), if any.
std::optional<Scheme> SchemeOf(const Instance& inst);

// The scheme name when there is one ("causal"), else the mask and the inputs
// ("512c,300c,16p window 4096", "... shared").
std::string DescribeMask(const Instance& inst);

// m PEs (>= 1) in a one-way ring p -> (p+1) mod m; m = 1 has no link (SPEC sections
// 2 and 10.5). A link moves link_words words every link_cycles cycles: a transfer of
// w words started at cycle t occupies the link in cycles t..t+dur-1, dur =
// ceil(w * link_cycles / link_words), and the item is resident on the receiver from
// t + dur + link_latency (the link may start its next transfer at t + dur: latency is
// pipelined). v1's link_words_per_cycle is link_words with link_cycles = 1.
//
// max_words_per_pe is S of SPEC section 10.6: the words a PE may hold at once (0: no
// limit). Resident words are counted as lib/schedule/validator.h describes.
struct Machine {
  int64_t pes = 0;
  int64_t link_words = 1;    // W_l >= 1
  int64_t link_cycles = 1;   // C_l >= 1
  int64_t link_latency = 0;  // alpha >= 0, cycles
  int64_t max_words_per_pe = 0; // S >= 0 words per PE; 0: no limit
};

// Operation durations in cycles (SPEC section 3). Defaults: c_dot = d,
// c_softmax = 1 (per score of the row), c_axpy = d.
struct Costs {
  int64_t c_dot = 0;
  int64_t c_softmax = 0;
  int64_t c_axpy = 0;

  static Costs Default(int64_t d) { return Costs{d, 1, d}; }
};

// Instance + machine + costs: everything a generator, the validator or the SAT
// encoder needs besides a placement.
struct Problem {
  Instance instance;
  Machine machine;
  Costs costs;

  int64_t n() const { return instance.n(); }
  int64_t d() const { return instance.d; }
  int64_t pes() const { return machine.pes; }
  const Mask& mask() const { return instance.mask; }

  // Cycles a link is busy moving `words` words: ceil(words * link_cycles /
  // link_words) (>= 1 for words >= 1).
  int64_t LinkCycles(int64_t words) const {
    if (machine.link_words == 1) return words * machine.link_cycles;  // no division
    return (words * machine.link_cycles + machine.link_words - 1) / machine.link_words;
  }
};

// Builds a problem with default costs.
Problem MakeProblem(Scheme scheme, int64_t n, int64_t d, int64_t pes);

// The longest schedule (cycles) attnsched times: durations, starts and bounds stay
// below 2^63 with room for their sums.
inline constexpr int64_t kMaxHorizon = int64_t{1} << 61;

// OK, or InvalidArgumentError naming the first bad field, its value and the rule
// ("pes = 0: must be >= 1"). Checks every size, cost and the limits above, and that
// W plus every item crossing every link once (durations and latency) stays within
// kMaxHorizon, so that no cycle count overflows (with tiles a vector has tile x d
// words, so long transfers can reach it).
absl::Status ValidateProblem(const Problem& problem);

// One-line description: "causal n=4096 d=128 on 64 PEs", with tiles "causal n=131072
// d=128 tile 128 on 64 PEs" (n counts tokens).
std::string Describe(const Problem& problem);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_PROBLEM_H_
