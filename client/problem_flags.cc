#include "client/problem_flags.h"

#include <algorithm>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "client/flags.h"
#include "lib/model/presets.h"
#include "lib/status_macros.h"

namespace attnsched::cli {
namespace {

int64_t CostOr(int64_t flag, int64_t fallback) { return flag == 0 ? fallback : flag; }

bool Given(const std::vector<std::string>& flags, absl::string_view name) {
  return std::find(flags.begin(), flags.end(), name) != flags.end();
}

// --pes and the link flags; --link-words-per-cycle W is --link-words W --link-cycles 1.
absl::StatusOr<Machine> MachineFromFlags(const std::vector<std::string>& given) {
  Machine machine{absl::GetFlag(FLAGS_pes), absl::GetFlag(FLAGS_link_words),
                  absl::GetFlag(FLAGS_link_cycles), absl::GetFlag(FLAGS_link_latency)};
  if (!Given(given, "link_words_per_cycle")) return machine;
  if (Given(given, "link_words") || Given(given, "link_cycles")) {
    return absl::InvalidArgumentError(
        "--link-words-per-cycle is v1's --link-words with --link-cycles 1: give either it "
        "or --link-words and --link-cycles");
  }
  machine.link_words = absl::GetFlag(FLAGS_link_words_per_cycle);
  return machine;
}

}  // namespace

absl::StatusOr<std::optional<PlacementSpec>> PlacementSpecFromFlag() {
  const std::string text = absl::GetFlag(FLAGS_placement);
  if (text == "free") return std::nullopt;
  return ParsePlacementSpec(text, "--placement");
}

absl::StatusOr<Request> RequestFromFlags(const std::vector<std::string>& given) {
  Request r;
  const std::string model = absl::GetFlag(FLAGS_model);
  const bool explicit_shape = !absl::GetFlag(FLAGS_scheme).empty() ||
                              absl::GetFlag(FLAGS_n) != 0 || absl::GetFlag(FLAGS_d) != 0;
  if (!model.empty() && explicit_shape) {
    return absl::InvalidArgumentError(
        "--model sets the scheme, n and d; give either --model or --scheme, --n and --d");
  }
  if (!model.empty()) {
    ASSIGN_OR_RETURN(const ModelPreset preset, FindPreset(model));
    r.model = std::string(preset.name);
    r.heads = preset.heads;
    r.problem.instance = Instance{preset.n, preset.d, preset.scheme};
  } else {
    if (absl::GetFlag(FLAGS_scheme).empty()) {
      return absl::InvalidArgumentError(
          "give --model NAME, or --scheme (general, shared or causal) with --n and --d");
    }
    ASSIGN_OR_RETURN(r.problem.instance.scheme, ParseScheme(absl::GetFlag(FLAGS_scheme)));
    r.problem.instance.n = absl::GetFlag(FLAGS_n);
    r.problem.instance.d = absl::GetFlag(FLAGS_d);
  }
  if (!Given(given, "pes")) {
    return absl::InvalidArgumentError("--pes: required (processing elements in the ring, >= 1)");
  }
  if (model.empty() && (!Given(given, "n") || !Given(given, "d"))) {
    return absl::InvalidArgumentError("--n and --d: required with --scheme (tokens, head size)");
  }
  const int64_t d = r.problem.instance.d;
  ASSIGN_OR_RETURN(r.problem.machine, MachineFromFlags(given));
  r.problem.costs = Costs{CostOr(absl::GetFlag(FLAGS_c_dot), d),
                          CostOr(absl::GetFlag(FLAGS_c_softmax), 1),
                          CostOr(absl::GetFlag(FLAGS_c_axpy), d)};
  RETURN_IF_ERROR(ValidateProblem(r.problem));
  return r;
}

}  // namespace attnsched::cli
