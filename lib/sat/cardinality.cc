#include "lib/sat/cardinality.h"

#include <vector>

namespace attnsched::sat {

void AtMostOne(Cnf& cnf, std::span<const int> x) {
  const size_t n = x.size();
  if (n <= 1) return;
  if (n <= kPairwiseLimit) {
    for (size_t a = 0; a < n; ++a) {
      for (size_t b = a + 1; b < n; ++b) cnf.AddClause({-x[a], -x[b]});
    }
    return;
  }
  // s[i]: some of x[0..i] is true.
  int prev = cnf.NewVar();
  cnf.AddClause({-x[0], prev});
  for (size_t i = 1; i + 1 < n; ++i) {
    const int s = cnf.NewVar();
    cnf.AddClause({-x[i], s});
    cnf.AddClause({-prev, s});
    cnf.AddClause({-x[i], -prev});
    prev = s;
  }
  cnf.AddClause({-x[n - 1], -prev});
}

void ExactlyOne(Cnf& cnf, std::span<const int> x) {
  cnf.AddClause(x);
  AtMostOne(cnf, x);
}

void AtMostK(Cnf& cnf, std::span<const int> x, int k) {
  const size_t n = x.size();
  if (k < 0) {
    cnf.AddClause({});
    return;
  }
  if (static_cast<size_t>(k) >= n) return;
  if (k == 0) {
    for (int lit : x) cnf.AddClause({-lit});
    return;
  }
  // s[i][j]: at least j+1 of x[0..i] are true (j < k).
  std::vector<int> prev(k), cur(k);
  for (int j = 0; j < k; ++j) prev[j] = cnf.NewVar();
  cnf.AddClause({-x[0], prev[0]});
  for (int j = 1; j < k; ++j) cnf.AddClause({-prev[j]});
  for (size_t i = 1; i < n; ++i) {
    for (int j = 0; j < k; ++j) cur[j] = cnf.NewVar();
    cnf.AddClause({-x[i], cur[0]});
    cnf.AddClause({-prev[0], cur[0]});
    for (int j = 1; j < k; ++j) {
      cnf.AddClause({-x[i], -prev[j - 1], cur[j]});
      cnf.AddClause({-prev[j], cur[j]});
    }
    cnf.AddClause({-x[i], -prev[k - 1]});
    prev.swap(cur);
  }
}

}  // namespace attnsched::sat
