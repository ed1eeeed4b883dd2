#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "client/commands.h"
#include "client/flags.h"
#include "lib/export/schedule_json.h"
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
      nlohmann::json entry = InstanceJson(PresetInstance(p));
      entry.update({{"name", p.name}, {"title", p.title}, {"heads", p.heads},
                    {"kv_heads", p.kv_heads}, {"source", p.source}});
      list.push_back(std::move(entry));
      continue;
    }
    const Instance inst = PresetInstance(p);
    std::cout << absl::StrFormat(
        "%-17s n=%-5d d=%-4d heads=%-3d kv_heads=%-3d %s\n  mask: %s\n  source: %s\n", p.name,
        inst.n(), p.d, p.heads, p.kv_heads, p.title, DescribeMask(inst), p.source);
  }
  if (absl::GetFlag(FLAGS_json)) std::cout << list.dump(2) << "\n";
  return kExitOk;
}

}  // namespace attnsched::cli
