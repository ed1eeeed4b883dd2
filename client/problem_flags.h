// The problem a command asks for, from --model or --scheme/--n/--d, --pes and the
// cost flags; shared by generate and solve.
#ifndef ATTNSCHED_CLIENT_PROBLEM_FLAGS_H_
#define ATTNSCHED_CLIENT_PROBLEM_FLAGS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "lib/model/placement.h"
#include "lib/model/problem.h"

namespace attnsched::cli {

struct Request {
  Problem problem;
  std::string model;  // preset name, or empty
  int64_t heads = 1;
};

// The flags RequestFromFlags reads (underscored names), for CheckFlagsApply.
inline constexpr absl::string_view kProblemFlags[] = {
    "model",       "scheme",       "segments",
    "window",      "shared",       "tile",
    "heads",       "kv_heads",     "n",
    "d",           "pes",          "link_words",
    "link_cycles", "link_latency", "link_words_per_cycle",
    "c_dot",       "c_softmax",    "c_axpy"};

// kProblemFlags and `own`, a subcommand's other flags.
std::vector<absl::string_view> WithProblemFlags(absl::Span<const absl::string_view> own);

// `given`: the flags on the command line. InvalidArgumentError naming the flag or
// field for missing or bad values.
absl::StatusOr<Request> RequestFromFlags(const std::vector<std::string>& given);

// --placement as block, cyclic, zigzag or a list; nullopt for "free" (the default).
// The list is checked against n and m when the placement is made.
absl::StatusOr<std::optional<PlacementSpec>> PlacementSpecFromFlag();

}  // namespace attnsched::cli

#endif  // ATTNSCHED_CLIENT_PROBLEM_FLAGS_H_
