#include "client/problem_flags.h"

#include <algorithm>
#include <iterator>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "client/flags.h"
#include "absl/strings/str_cat.h"
#include "lib/export/schedule_json.h"
#include "lib/model/mask_spec.h"
#include "lib/model/heads.h"
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
                  absl::GetFlag(FLAGS_link_cycles), absl::GetFlag(FLAGS_link_latency),
                  absl::GetFlag(FLAGS_max_words_per_pe)};
  if (!Given(given, "link_words_per_cycle")) return machine;
  if (Given(given, "link_words") || Given(given, "link_cycles")) {
    return absl::InvalidArgumentError(
        "--link-words-per-cycle is v1's --link-words with --link-cycles 1: give either it "
        "or --link-words and --link-cycles");
  }
  machine.link_words = absl::GetFlag(FLAGS_link_words_per_cycle);
  return machine;
}

// --scheme or --segments, --n, --d, --window, --shared, --tile, --heads, --kv-heads.
absl::StatusOr<Instance> InstanceFromFlags(const std::vector<std::string>& given) {
  if (!Given(given, "scheme") && !Given(given, "segments")) {
    return absl::InvalidArgumentError(
        "give --model NAME, or --scheme (general, shared or causal) with --n and --d, or "
        "--segments (e.g. 512c,300c,16p) with --d");
  }
  const bool one_segment = Given(given, "scheme") && !Given(given, "segments");
  if (!Given(given, "d") || (one_segment && !Given(given, "n"))) {
    return absl::InvalidArgumentError(
        "--n and --d: required with --scheme (tokens, head size); --d with --segments");
  }
  MaskSpec spec;
  spec.n = absl::GetFlag(FLAGS_n);
  spec.window = absl::GetFlag(FLAGS_window);
  spec.tile = absl::GetFlag(FLAGS_tile);
  spec.heads = absl::GetFlag(FLAGS_heads);
  spec.kv_heads = absl::GetFlag(FLAGS_kv_heads);
  if (Given(given, "shared")) spec.shared = absl::GetFlag(FLAGS_shared);
  if (Given(given, "scheme")) spec.scheme = absl::GetFlag(FLAGS_scheme);
  if (Given(given, "segments")) {
    absl::StatusOr<std::vector<Segment>> segments = ParseSegments(absl::GetFlag(FLAGS_segments));
    if (!segments.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", segments.status().message()));
    }
    spec.segments = *std::move(segments);
  }
  return MakeMaskedInstance(spec, absl::GetFlag(FLAGS_d), "--");
}

// The first --heads query heads of `preset` with their key/value heads: heads / group
// (group = the preset's query heads per key/value head), one when heads <= group.
absl::StatusOr<Instance> PresetHeads(const ModelPreset& preset, const Instance& head,
                                     const std::vector<std::string>& given) {
  if (Given(given, "kv_heads")) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--kv-heads: not with --model (%s groups its %d heads into %d key/value heads; "
        "--heads takes the first of them)",
        preset.name, preset.heads, preset.kv_heads));
  }
  const int64_t heads = absl::GetFlag(FLAGS_heads), group = preset.heads / preset.kv_heads;
  if (heads < 1 || heads > preset.heads || (heads > group && heads % group != 0)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--heads = %d: %s has %d heads in groups of %d sharing a key/value head; give 1 to "
        "%d heads, or a multiple of %d up to %d",
        heads, preset.name, preset.heads, group, group, group, preset.heads));
  }
  return WithHeads(head, heads, heads <= group ? 1 : heads / group, "--");
}

}  // namespace

absl::StatusOr<std::optional<PlacementSpec>> PlacementSpecFromFlag() {
  const std::string text = absl::GetFlag(FLAGS_placement);
  if (text == "free") return std::nullopt;
  return ParsePlacementSpec(text, "--placement");
}

std::vector<absl::string_view> WithProblemFlags(absl::Span<const absl::string_view> own) {
  std::vector<absl::string_view> all(std::begin(kProblemFlags), std::end(kProblemFlags));
  all.insert(all.end(), own.begin(), own.end());
  return all;
}

absl::StatusOr<Request> RequestFromFlags(const std::vector<std::string>& given) {
  Request r;
  const std::string model = absl::GetFlag(FLAGS_model);
  const bool explicit_shape = Given(given, "scheme") || Given(given, "segments") ||
                              Given(given, "n") || Given(given, "d") ||
                              Given(given, "window") || Given(given, "shared");
  if (!model.empty() && explicit_shape) {
    return absl::InvalidArgumentError(
        "--model: sets the mask, n and d; give either --model or --scheme (or --segments), "
        "--n, --d, --window and --shared");
  }
  if (!model.empty()) {
    ASSIGN_OR_RETURN(const ModelPreset preset, FindPreset(model));
    r.model = std::string(preset.name);
    r.heads = preset.heads;
    ASSIGN_OR_RETURN(const Instance head,
                     WithTile(PresetInstance(preset), absl::GetFlag(FLAGS_tile), "--"));
    ASSIGN_OR_RETURN(r.problem.instance, PresetHeads(preset, head, given));
  } else {
    ASSIGN_OR_RETURN(r.problem.instance, InstanceFromFlags(given));
  }
  if (!Given(given, "pes")) {
    return absl::InvalidArgumentError("--pes: required (processing elements in the ring, >= 1)");
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
