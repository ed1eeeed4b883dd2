// Cardinality constraints as clauses.
//   AtMostOne: pairwise for up to kPairwiseLimit literals (no new variables), else
//   the sequential counter of Sinz, "Towards an Optimal CNF Encoding of Boolean
//   Cardinality Constraints" (CP 2005): k - 1 auxiliary variables, 3k - 4 clauses.
//   AtMostK: the same sequential counter generalised to k (Sinz 2005, LT_SEQ),
//   O(n k) variables and clauses.
#ifndef ATTNSCHED_LIB_SAT_CARDINALITY_H_
#define ATTNSCHED_LIB_SAT_CARDINALITY_H_

#include <span>

#include "lib/sat/cnf.h"

namespace attnsched::sat {

inline constexpr size_t kPairwiseLimit = 6;

void AtMostOne(Cnf& cnf, std::span<const int> literals);
void ExactlyOne(Cnf& cnf, std::span<const int> literals);
// At most `k` of `literals` are true (k >= 0).
void AtMostK(Cnf& cnf, std::span<const int> literals, int k);

}  // namespace attnsched::sat

#endif  // ATTNSCHED_LIB_SAT_CARDINALITY_H_
