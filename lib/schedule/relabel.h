// Token relabeling: when every row attends every key (Mask::Full: v1's general and
// shared schemes) the task graph is invariant under any permutation of the token
// indices, so renaming tokens maps valid schedules onto valid schedules of the same
// makespan, with the placement renamed alongside. Any other mask (causal, segments,
// a window) orders or groups the tokens, so there it is not a symmetry. The SAT engine uses this to solve a pinned placement in its
// canonical form (tokens sorted by home), which a block placement already is.
//
//   TokenRelabeling r(CyclicPlacement(4, 2));        // canonical tokens 0,1,2,3 are 0,2,1,3
//   Schedule canonical = r.ToCanonical(schedule);   // placement becomes block
//   Schedule back = r.FromCanonical(canonical);     // the original labels again
#ifndef ATTNSCHED_LIB_SCHEDULE_RELABEL_H_
#define ATTNSCHED_LIB_SCHEDULE_RELABEL_H_

#include <cstdint>
#include <vector>

#include "lib/schedule/schedule.h"

namespace attnsched {

// The stable sort of the tokens by home PE: canonical token c is the c-th token in
// (home, index) order, so the canonical placement is non-decreasing.
class TokenRelabeling {
 public:
  // `placement` must be valid (ValidatePlacement).
  explicit TokenRelabeling(const Placement& placement);

  bool identity() const;
  const Placement& canonical_placement() const { return canonical_placement_; }

  // Renames tokens in the placement and in every event (shared: dot and s keep their
  // (min, max) names) and sorts the events canonically. ToCanonical takes a schedule
  // on the placement the relabeling was built from, FromCanonical one on the
  // canonical placement. Requires TokensInterchangeable(instance).
  Schedule ToCanonical(const Schedule& schedule) const { return Rename(schedule, canonical_); }
  Schedule FromCanonical(const Schedule& schedule) const { return Rename(schedule, original_); }

 private:
  // to[i] = the new label of token i.
  static Schedule Rename(const Schedule& schedule, const std::vector<int32_t>& to);
  std::vector<int32_t> original_;   // canonical token -> original token
  std::vector<int32_t> canonical_;  // original token -> canonical token
  Placement canonical_placement_;
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_RELABEL_H_
