#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/remote.h"

namespace attnsched::cli {

int RunHealth(const Invocation& call) {
  if (absl::Status s = CheckFlagsApply("health", call.flags, {"server", "tls_ca", "deadline"});
      !s.ok()) {
    return ReportError("health", s);
  }
  if (!call.operands.empty() || !Remote()) {
    return ReportError("health", absl::InvalidArgumentError(
                                     "usage: attnsched health --server HOST:PORT (no operands)"));
  }
  absl::StatusOr<bool> serving = RemoteHealth();
  if (!serving.ok()) return ReportError("health", serving.status());
  std::cout << (*serving ? "SERVING" : "NOT_SERVING") << "\n";
  return *serving ? kExitOk : kExitInvalid;
}

}  // namespace attnsched::cli
