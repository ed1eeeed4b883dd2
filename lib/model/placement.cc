#include "lib/model/placement.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lib/model/quote.h"

namespace attnsched {

absl::Status ValidatePlacement(const Placement& placement, int64_t n, int64_t pes) {
  if (static_cast<int64_t>(placement.size()) != n) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "placement: %d homes given; it needs %d: one home PE per token, or per tile when "
        "the instance has tiles",
        placement.size(), n));
  }
  for (size_t i = 0; i < placement.size(); ++i) {
    if (placement[i] < 0 || placement[i] >= pes) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "placement[%d] = %d: must be a PE in [0, %d)", i, placement[i], pes));
    }
  }
  return absl::OkStatus();
}

namespace {

// Consecutive runs of sizes as equal as possible: run r of `runs` covering n tokens
// starts at r * (n / runs) + min(r, n mod runs).
int64_t RunStart(int64_t r, int64_t n, int64_t runs) {
  return r * (n / runs) + std::min(r, n % runs);
}

}  // namespace

absl::string_view PlacementKindName(PlacementKind kind) {
  switch (kind) {
    case PlacementKind::kBlock: return "block";
    case PlacementKind::kCyclic: return "cyclic";
    case PlacementKind::kZigzag: return "zigzag";
    case PlacementKind::kExplicit: return "explicit";
  }
  return "unknown";
}

absl::StatusOr<PlacementSpec> ParsePlacementSpec(absl::string_view text, absl::string_view field) {
  for (PlacementKind kind : {PlacementKind::kBlock, PlacementKind::kCyclic, PlacementKind::kZigzag}) {
    if (text == PlacementKindName(kind)) return PlacementSpec{kind, {}};
  }
  PlacementSpec spec{PlacementKind::kExplicit, {}};
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int32_t pe = 0;
    if (!absl::SimpleAtoi(part, &pe)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s = %s: expected block, cyclic, zigzag or a list of home PEs like 0,0,1,1 "
          "(%s is not an integer)",
          field, Quoted(text), Quoted(part)));
    }
    spec.homes.push_back(pe);
  }
  return spec;
}

absl::StatusOr<Placement> MakePlacement(const PlacementSpec& spec, int64_t n, int64_t pes) {
  switch (spec.kind) {
    case PlacementKind::kBlock: return BlockPlacement(n, pes);
    case PlacementKind::kCyclic: return CyclicPlacement(n, pes);
    case PlacementKind::kZigzag: return ZigzagPlacement(n, pes);
    case PlacementKind::kExplicit: break;
  }
  if (absl::Status s = ValidatePlacement(spec.homes, n, pes); !s.ok()) return s;
  return spec.homes;
}

Placement BlockPlacement(int64_t n, int64_t pes) {
  Placement h(n);
  for (int64_t p = 0; p < pes; ++p) {
    for (int64_t i = RunStart(p, n, pes); i < RunStart(p + 1, n, pes); ++i) {
      h[i] = static_cast<int32_t>(p);
    }
  }
  return h;
}

std::vector<std::vector<int32_t>> TokensByPe(const Placement& placement, int64_t pes) {
  std::vector<std::vector<int32_t>> tokens(pes);
  for (size_t i = 0; i < placement.size(); ++i) {
    tokens[placement[i]].push_back(static_cast<int32_t>(i));
  }
  return tokens;
}

Placement CyclicPlacement(int64_t n, int64_t pes) {
  Placement h(n);
  for (int64_t i = 0; i < n; ++i) h[i] = static_cast<int32_t>(i % pes);
  return h;
}

Placement ZigzagPlacement(int64_t n, int64_t pes) {
  const int64_t chunks = 2 * pes;
  Placement h(n);
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t pe = c < pes ? c : chunks - 1 - c;
    for (int64_t i = RunStart(c, n, chunks); i < RunStart(c + 1, n, chunks); ++i) {
      h[i] = static_cast<int32_t>(pe);
    }
  }
  return h;
}

}  // namespace attnsched
