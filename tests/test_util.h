// Helpers shared by the tests.
#ifndef ATTNSCHED_TESTS_TEST_UTIL_H_
#define ATTNSCHED_TESTS_TEST_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/algorithms/generator.h"
#include "lib/base/cancellation.h"
#include "lib/model/bounds.h"
#include "lib/schedule/schedule.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"

namespace attnsched::testing {

// `scheme`'s problem as a layer of `heads` query heads over `kv_heads` key/value
// heads (lib/model/heads.h); fails the test on error.
Problem Layer(Scheme scheme, int64_t n, int64_t d, int64_t pes, int64_t heads, int64_t kv_heads);

// One instance of each kind a scheduler of single operations must take (the list
// scheduler, the dot split): every scheme, PEs with no token, one PE, heads with and
// without grouping, a link rate and latency, packed documents with padding, tiles,
// shared inputs with and without a mask (the last two cases; the dot split takes
// distinct inputs only).
std::vector<std::pair<std::string, Problem>> EveryKindOfInstance();

// The generator's schedule with default costs, without the local search; fails the
// test on error.
Schedule MustGenerate(Scheme scheme, int64_t n, int64_t d, int64_t pes);

// `count` random token masks from `seed`: 1-4 segments of 1..max_length tokens of any
// kind (not all padding), window 0-6.
std::vector<Mask> RandomMasks(int count, uint32_t seed, int64_t max_length);

// Generate(problem, options).schedule; fails the test on error.
Schedule MustGenerate(const Problem& problem, const GenerateOptions& options = {});

// The events of a generated schedule, read whole (a failed read fails the test).
Schedule Whole(Generated& g);

// The generator's schedule over pinned `homes` (one head's), without the local search.
Schedule MustGenerateOn(const Problem& problem, const Placement& homes);

// Checks what every generated schedule must satisfy: valid, computing attention
// within kMaxRelError of the direct computation (simulated with `seed` when
// `simulate`), no lower bound above its makespan, never slower than one PE. Returns
// the makespan and the bounds of its placement (fails the test and returns nullopt
// when it is invalid).
struct Checked {
  int64_t makespan = 0;
  LowerBounds bounds;
};
std::optional<Checked> CheckGenerated(const Schedule& s, bool simulate, uint64_t seed);

// Result of a shell command: exit status (-1 if it did not exit), stdout, stderr.
struct CommandResult {
  int exit = -1;
  std::string out, err;
};
// Runs `command` through /bin/sh with stdin from /dev/null, capturing both streams
// into files unique to the calling test.
CommandResult RunCommand(const std::string& command);

// Validate and Simulate over a materialised schedule (through VectorEventSource).
absl::StatusOr<ValidationReport> ValidateSchedule(const Schedule& s,
                                                  const ValidationOptions& options = {});
absl::StatusOr<SimulationReport> SimulateSchedule(const Schedule& s, uint64_t seed,
                                                  const Cancelled& cancelled = nullptr);
// WriteScheduleJson of a materialised schedule; fails the test on error.
std::string ScheduleJsonText(const Schedule& s);

// Index of the first event matching `pred`, or -1.
template <typename Pred>
int64_t FindEvent(const Schedule& s, Pred pred) {
  for (size_t k = 0; k < s.events.size(); ++k) {
    if (pred(s.events[k])) return static_cast<int64_t>(k);
  }
  return -1;
}

}  // namespace attnsched::testing

#endif  // ATTNSCHED_TESTS_TEST_UTIL_H_
