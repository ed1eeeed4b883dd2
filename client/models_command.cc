#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "client/commands.h"
#include "client/flags.h"
#include "lib/model/presets.h"
#include "nlohmann/json.hpp"

namespace attnsched::cli {

int RunModels(const Invocation& call) {
  if (!call.operands.empty()) {
    return ReportError("models", absl::InvalidArgumentError("takes no operands"));
  }
  if (absl::Status s = CheckFlagsApply("models", call.flags, {"json"}); !s.ok()) {
    return ReportError("models", s);
  }
  nlohmann::json list = nlohmann::json::array();
  for (const ModelPreset& p : ModelPresets()) {
    if (absl::GetFlag(FLAGS_json)) {
      list.push_back({{"name", p.name}, {"title", p.title}, {"scheme", SchemeName(p.scheme)},
                      {"n", p.n}, {"d", p.d}, {"heads", p.heads}, {"source", p.source}});
      continue;
    }
    std::cout << absl::StrFormat("%-17s %-7s n=%-5d d=%-4d heads=%-3d %s\n  source: %s\n",
                                 p.name, SchemeName(p.scheme), p.n, p.d, p.heads, p.title,
                                 p.source);
  }
  if (absl::GetFlag(FLAGS_json)) std::cout << list.dump(2) << "\n";
  return kExitOk;
}

}  // namespace attnsched::cli
