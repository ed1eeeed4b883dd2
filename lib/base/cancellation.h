// Stopping long work early: the caller passes a predicate that turns true once the
// work is no longer wanted (an RPC cancelled by its client, its deadline passed, a
// server shutting down). The validator, the simulator and the generator poll it
// every kCancellationPollEvents events (or rows, or phases) and return
// CancelledError; an empty predicate is never asked.
#ifndef ATTNSCHED_LIB_BASE_CANCELLATION_H_
#define ATTNSCHED_LIB_BASE_CANCELLATION_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace attnsched {

using Cancelled = std::function<bool()>;

// Events between two polls: about a millisecond of validation.
inline constexpr int64_t kCancellationPollEvents = int64_t{1} << 15;

// True when `cancelled` is set and says so.
inline bool IsCancelled(const Cancelled& cancelled) { return cancelled && cancelled(); }

// CancelledError("<what> stopped: the caller cancelled it").
inline absl::Status StoppedError(absl::string_view what) {
  return absl::CancelledError(absl::StrCat(what, " stopped: the caller cancelled it"));
}

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_BASE_CANCELLATION_H_
