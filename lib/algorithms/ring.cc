#include "lib/algorithms/ring.h"

namespace attnsched {

std::vector<std::vector<int32_t>> TokensByPe(const Placement& placement, int64_t pes) {
  std::vector<std::vector<int32_t>> tokens(pes);
  for (size_t i = 0; i < placement.size(); ++i) {
    tokens[placement[i]].push_back(static_cast<int32_t>(i));
  }
  return tokens;
}

void AppendRingRounds(OpKind kind, int32_t p, const std::vector<int32_t>& rows,
                      const std::vector<std::vector<int32_t>>& tokens_by_pe, bool causal,
                      std::vector<Operation>& program) {
  const int64_t m = static_cast<int64_t>(tokens_by_pe.size());
  for (int64_t r = 0; r < m; ++r) {
    for (int32_t j : tokens_by_pe[Behind(p, r, m)]) {
      for (int32_t i : rows) {
        if (!causal || j <= i) program.push_back(Operation{kind, i, j});
      }
    }
  }
}

std::vector<std::vector<Operation>> RingPrograms(
    const std::vector<std::vector<int32_t>>& tokens_by_pe, bool causal) {
  std::vector<std::vector<Operation>> programs(tokens_by_pe.size());
  for (size_t p = 0; p < programs.size(); ++p) {
    const int32_t pe = static_cast<int32_t>(p);
    AppendRingRounds(OpKind::kDot, pe, tokens_by_pe[p], tokens_by_pe, causal, programs[p]);
    for (int32_t i : tokens_by_pe[p]) programs[p].push_back(Operation{OpKind::kSoftmax, i, 0});
    AppendRingRounds(OpKind::kAxpy, pe, tokens_by_pe[p], tokens_by_pe, causal, programs[p]);
  }
  return programs;
}

}  // namespace attnsched
