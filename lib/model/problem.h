// The scheduling problem: one attention head (instance), a one-way ring of PEs
// (machine) and operation costs. Definitions follow SPEC sections 1-3, which follow
// Yu & Fujita, "Parallel Scheduling Self-attention Mechanism" (arXiv 2012.01114).
//
// All sizes are counts (tokens, words, PEs); all durations are whole cycles.
// These are plain values: cheap to copy, thread-compatible.
#ifndef ATTNSCHED_LIB_MODEL_PROBLEM_H_
#define ATTNSCHED_LIB_MODEL_PROBLEM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
// Most heads of a layer; the layer's tokens (heads x n) are held to kMaxTokens too.
inline constexpr int64_t kMaxHeads = int64_t{1} << 10;
// Largest link_words, link_cycles and link_latency.
inline constexpr int64_t kMaxLinkParameter = int64_t{1} << 20;
// Largest storage limit in words per PE.
inline constexpr int64_t kMaxWordsPerPe = int64_t{1} << 50;

// Heads of a layer (SPEC section 10.3): h query heads, g key/value heads (g divides
// h; query head a uses key/value head a / (h/g)), and one head's mask. Built by
// WithHeads (lib/model/heads.h); shared by every copy of an Instance.
struct HeadLayout {
  int64_t heads = 1;
  int64_t kv_heads = 1;
  Mask head_mask;  // one head's mask (tiled like the layer's)
  // g < h only: KvRow for every row of the layer (4 bytes per row).
  std::vector<int32_t> kv_row;
};

// An attention layer: h heads (1 unless built by WithHeads, lib/model/heads.h) of
// mask.tokens().n() / h tokens (>= 1) each, with head dimension d (>= 1 words), and
// whether the inputs are shared (x(i) = q(i) = k(i) = v(i); valid with every mask:
// one dot per unordered related pair, SPEC section 10.2; needs g = h).
//
// `mask` is the task graph's mask: with one head the head's mask (lib/model/mask.h);
// with h heads, h copies of the head's mask one after another (the layer's row a n + i
// is token i of head a, n = rows_per_head()): heads never attend each other, so every
// rule, bound and generator of one mask holds for the layer unchanged. The one
// difference is sharing: the key and value vectors of the h/g query heads of a group
// are one item, named by the group's first head (KvRow). Names, files and the wire
// carry (head, i) instead of the layer row (lib/model/heads.h).
// With tiles (mask.tile() = b > 1, SPEC section 10.4) the task graph, the placement and
// every index are over the tiles.
struct Instance {
  Instance() = default;
  // One head.
  Instance(Mask head_mask, int64_t head_dim, bool shared_inputs)
      : mask(std::move(head_mask)), d(head_dim), shared(shared_inputs) {}

  Mask mask;
  int64_t d = 0;
  bool shared = false;
  std::shared_ptr<const HeadLayout> layout;  // null: one head
  const int32_t* kv_row = nullptr;           // layout->kv_row's data, or null (g = h)

  // Rows of the task graph: tokens, or tiles with tiles; over all heads.
  int64_t n() const { return mask.n(); }
  int64_t heads() const { return layout ? layout->heads : 1; }
  int64_t kv_heads() const { return layout ? layout->kv_heads : 1; }
  // One head's mask, and its rows (tokens or tiles).
  const Mask& head_mask() const { return layout ? layout->head_mask : mask; }
  int64_t rows_per_head() const { return head_mask().n(); }
  // The row naming the key and value vectors that layer row c reads: the row of c's
  // token in the first head of c's group (c itself when g = h).
  int32_t KvRow(int32_t c) const { return kv_row ? kv_row[c] : c; }
};

// True for the instances whose task graph is invariant under token permutations
// (lib/schedule/relabel.h, lib/model/free_bound.h).
inline bool TokensInterchangeable(const Instance& inst) {
  return inst.mask.Full() && inst.mask.tile() == 1;  // tiles may differ in size
}

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
// d=128 tile 128 on 64 PEs", with heads "causal n=8192 d=128 heads 32/8 on 64 PEs" (n
// counts one head's tokens).
std::string Describe(const Problem& problem);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_PROBLEM_H_
