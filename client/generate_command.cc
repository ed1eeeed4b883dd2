#include <fstream>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/report.h"
#include "lib/algorithms/generator.h"
#include "lib/export/schedule_json.h"
#include "lib/model/presets.h"
#include "lib/status_macros.h"

namespace attnsched::cli {
namespace {

struct Request {
  Problem problem;
  std::string model;
  int64_t heads = 1;
};

int64_t CostOr(int64_t flag, int64_t fallback) { return flag == 0 ? fallback : flag; }

absl::StatusOr<Request> RequestFromFlags() {
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
  if (absl::GetFlag(FLAGS_pes) == 0) {
    return absl::InvalidArgumentError("--pes: required (processing elements in the ring, >= 1)");
  }
  const int64_t d = r.problem.instance.d;
  r.problem.machine = Machine{absl::GetFlag(FLAGS_pes), absl::GetFlag(FLAGS_link_words_per_cycle)};
  r.problem.costs = Costs{CostOr(absl::GetFlag(FLAGS_c_dot), d),
                          CostOr(absl::GetFlag(FLAGS_c_softmax), 1),
                          CostOr(absl::GetFlag(FLAGS_c_axpy), d)};
  RETURN_IF_ERROR(ValidateProblem(r.problem));
  return r;
}

absl::Status WriteOut(const Schedule& schedule, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InvalidArgumentError(absl::StrCat("--out = ", path, ": cannot create"));
  return WriteScheduleJson(schedule, out);
}

}  // namespace

int RunGenerate(const std::vector<std::string>& operands) {
  const absl::Time started = absl::Now();
  if (!operands.empty()) {
    return ReportError("generate", absl::InvalidArgumentError(absl::StrCat(
                                       "unexpected operand \"", operands[0], "\"; use flags")));
  }
  absl::StatusOr<Request> request = RequestFromFlags();
  if (!request.ok()) return ReportError("generate", request.status());
  absl::StatusOr<Schedule> schedule =
      Generate(request->problem, GenerateOptions{absl::GetFlag(FLAGS_max_events)});
  if (!schedule.ok()) return ReportError("generate", schedule.status());
  if (const std::string path = absl::GetFlag(FLAGS_out); !path.empty()) {
    if (absl::Status s = WriteOut(*schedule, path); !s.ok()) return ReportError("generate", s);
  }
  const Generator& generator = GeneratorFor(request->problem.scheme());
  return CheckAndReport(*schedule, ReportLabels{"generate", std::string(generator.name()),
                                                request->model, request->heads, started});
}

}  // namespace attnsched::cli
