// The SAT encoding of "a valid schedule that ends by cycle H exists" (SPEC section
// 6), time-indexed over cycles 0..H-1. docs/sat-encoding.md derives each clause
// family and the size of the formula.
//
// Variables
//   x[o][p][t]   operation o starts on PE p at cycle t, t in its time window
//                [est(o), lst(o)] (earliest start from the first score a row can
//                have; latest start from the work that must follow it at home)
//   y[a][p][t]   item a starts crossing link p -> p+1 at cycle t (m >= 2); the link
//                is busy for its duration, the item resident on p+1 after the
//                duration plus the link latency
//   r[a][p][t]   item a is resident on PE p at cycle t
//   h[i][p]      token i is homed on PE p (free placement only)
//   E[t]         some operation occupies cycle t or later (the makespan is > t)
//   plus auxiliary variables of the at-most-one encodings and ladders.
// Clause families (SPEC sections 2-4)
//   exactly one start per operation; at most one operation per (PE, cycle) and one
//   transfer per (link, cycle); operands resident at the start; a transfer's item
//   resident on the sender at its start; residency only from an input at home, a
//   result produced there, or an arrival over the incoming link; residency is
//   monotone; softmax and axpy at home; E ladder for the makespan.
// Tractability (each optional, measured in docs/sat-encoding.md): time windows,
// symmetry breaking (a free placement is rotated so token 0 is on PE 0; in the
// general and shared schemes the tokens of one home are ordered by their softmax
// start, never in the causal scheme), and a sequential-counter at-most-one.
//
// Worked example:
//   Encoding e = *Encode(problem, {.horizon = 40, .placement = BlockPlacement(4, 2)});
//   SatSolver s(e.cnf());                 // lib/sat/solver.h
//   s.Solve({-e.MakespanAbove(35)});      // makespan <= 35?
//   Schedule w = e.Decode([&](int v) { return s.Value(v); });
// Not thread-safe; an Encoding is immutable after Encode.
#ifndef ATTNSCHED_LIB_SAT_ENCODER_H_
#define ATTNSCHED_LIB_SAT_ENCODER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/cancellation.h"
#include "lib/sat/cnf.h"
#include "lib/schedule/schedule.h"

namespace attnsched::sat {

struct EncodeOptions {
  // H: every event ends by this cycle (>= 1).
  int64_t horizon = 0;
  // Pinned homes; empty means the placement is free (h variables).
  std::optional<Placement> placement;
  bool time_windows = true;
  bool symmetry_breaking = true;
  // Let p(i,j) cross links (useless for optimality, since p is produced and used at
  // h(i); needed to verify schedules that do it).
  bool transfer_p = false;
  // Redundant counting constraints: for each home PE and every `counting_stride`-th
  // cycle t, if home operations of at least k cycles start at or after t, the
  // makespan exceeds t + k - 1 (remaining work <= remaining capacity). 0 disables.
  int64_t counting_stride = 0;
};

// Peak resident bytes of encoding a formula and solving it, per clause of
// EstimateSize (which counts 3.6-5x the clauses actually built): 39-70 measured as
// the maximum resident size of `attnsched solve --plan-evaluations 0` on causal n = 8,
// 12, 16 (d = 2, 4, 4 PEs, block) and shared n = 10; rounded up.
inline constexpr int64_t kSatBytesPerClause = 72;
// Estimated clauses encoded and loaded into CaDiCaL per second: about 32 million
// measured (causal n = 12, d = 2, 4 PEs: 11 million in 0.34 s), taken lower. A search
// does not build a formula it could not load before its deadline.
inline constexpr int64_t kSatClausesPerSecond = 25'000'000;
// Estimated clauses freed per second when a search ends (CaDiCaL's clauses, learned
// ones included, the formula, the pages returned to the system): 65 million measured
// for a formula freed right after loading (causal n = 12, d = 4, 4 PEs: 17.5 million
// in 0.27 s), but 25-31 million after 4 s of solving (causal n = 12, d = 2, 4 PEs:
// 5.9 million in 0.19-0.24 s); taken lower. A search stops this much before its
// deadline, so that the answer still comes in time.
inline constexpr int64_t kSatClausesFreedPerSecond = 20'000'000;

struct EncodeLimits {
  int64_t max_variables = 20'000'000;
  int64_t max_clauses = 100'000'000;
  // kSatBytesPerClause per estimated clause at most (attnsched --max-sat-memory).
  int64_t max_bytes = int64_t{4} << 30;
};

// Upper estimates of the formula's size, computed in O(n^2) without building it.
struct SizeEstimate {
  int64_t variables = 0;
  int64_t clauses = 0;
};
SizeEstimate EstimateSize(const Problem& problem, const EncodeOptions& options);

// The time to encode and load a formula of `size` (kSatClausesPerSecond), and to free
// it (kSatClausesFreedPerSecond).
absl::Duration EstimatedLoadTime(const SizeEstimate& size);
absl::Duration EstimatedFreeTime(const SizeEstimate& size);

// InvalidArgumentError when the problem has a storage limit (machine.max_words_per_pe >
// 0: the encoding has no storage constraints) or tiles (mask.tile() > 1: its time
// windows assume the token model's durations), so its answers would not hold.
absl::Status CheckEncodable(const Problem& problem);

// ResourceExhaustedError when EstimateSize exceeds `limits`, its memory estimate
// included (the message gives the estimate, the limits and the flags that raise
// them); OK otherwise.
absl::Status CheckEstimate(const Problem& problem, const EncodeOptions& options,
                           const EncodeLimits& limits);

// Whether two copies of the formula fit limits.max_bytes (a race of two solvers,
// lib/sat/portfolio.h, loads it twice; kSatBytesPerClause was measured for CaDiCaL).
bool FitsTwice(const SizeEstimate& size, const EncodeLimits& limits);

class Encoding {
 public:
  const Cnf& cnf() const { return cnf_; }
  Cnf& mutable_cnf() { return cnf_; }
  int64_t horizon() const { return horizon_; }

  // Literal "some operation occupies cycle t or later"; assume its negation for a
  // makespan <= t. t in [0, horizon).
  int MakespanAbove(int64_t t) const { return makespan_above_[t]; }

  // Variable of OP(t, pe, op) or XFER(t, pe, item); 0 when the encoding has none
  // (out of window, out of range, not in the task graph).
  int OpVar(const Operation& op, int64_t pe, int64_t t) const;
  int XferVar(const Item& item, int64_t pe, int64_t t) const;
  // Calls fn(var) for every operation and transfer variable.
  void ForEachEventVar(const std::function<void(int)>& fn) const;

  // The schedule of a model (value(var) = truth of var): events of the true
  // operation and transfer variables, placement pinned or decoded.
  Schedule Decode(const std::function<bool(int)>& value) const;

 private:
  friend class EncoderRun;
  struct OpVars {
    Operation op;
    int64_t est = 0, lst = -1;  // window; empty when lst < est
    int64_t duration = 0;
    int32_t first_pe = 0, pe_count = 0;  // PEs [first_pe, first_pe + pe_count)
    int base = 0;                         // x var of (first_pe, est)
  };
  struct ItemVars {
    Item item;
    int64_t duration = 0;  // cycles the transfer occupies the link
    int64_t delay = 0;     // cycles from its start to its arrival (duration + latency)
    int r_base = 0;        // r var of (pe 0, t 0); index pe * H + t
    int y_base = 0;        // y var of (link 0, t 0); 0 when it cannot move
    int64_t y_window = 0;  // transfer start cycles per link: 0..y_window-1
  };

  Problem problem_;
  int64_t horizon_ = 0;
  std::optional<Placement> placement_;
  Cnf cnf_;
  std::vector<OpVars> ops_;
  std::vector<ItemVars> items_;
  std::vector<int> makespan_above_;
  std::vector<int> home_;  // h[i][p] = home_[i * m + p] (free placement)
  // Index of an operation / item in ops_ / items_ (dense maps).
  std::vector<int32_t> op_index_, item_index_;
  int64_t OpKey(const Operation& op) const;
  int64_t ItemKey(const Item& item) const;
  // x / y variable of a start in the window, or 0 outside it.
  static int StartVar(const OpVars& v, int64_t pe, int64_t t);
  static int SendVar(const ItemVars& v, int64_t link, int64_t t);
};

// Builds the formula. InvalidArgumentError for a bad problem, placement or
// horizon; ResourceExhaustedError, before building, when EstimateSize exceeds the
// limits (the message gives the estimate and the limit); CancelledError when `stop`
// turns true while building (polled per operation, item or (PE, cycle) of each
// clause family: well under a millisecond apart; lib/base/cancellation.h).
absl::StatusOr<Encoding> Encode(const Problem& problem, const EncodeOptions& options,
                                const EncodeLimits& limits = {}, const Cancelled& stop = {});

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_ENCODER_H_
