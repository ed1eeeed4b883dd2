// Schedule generators (SPEC section 5): one per scheme, each a ring technique that
// returns a valid schedule for any n divisible by m, any d and any costs, and a
// registry that picks the generator for a scheme.
//
// Example:
//   Problem p = MakeProblem(Scheme::kCausal, 4096, 128, 64);
//   absl::StatusOr<Schedule> s = Generate(p);   // validated by the caller
#ifndef ATTNSCHED_LIB_ALGORITHMS_GENERATOR_H_
#define ATTNSCHED_LIB_ALGORITHMS_GENERATOR_H_

#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/algorithms/plan.h"
#include "lib/schedule/schedule.h"
#include "lib/schedule/validator.h"

namespace attnsched {

class Generator {
 public:
  virtual ~Generator() = default;

  virtual Scheme scheme() const = 0;
  // Short name of the technique, e.g. "ring-rotation".
  virtual absl::string_view name() const = 0;
  // OK when the generator handles `problem` (already validated); otherwise
  // InvalidArgumentError saying which rule and the nearest valid sizes.
  virtual absl::Status Supports(const Problem& problem) const;
  // Exact number of events Plan() leads to, in O(n + m^2) time and O(n) memory.
  virtual int64_t CountEvents(const Problem& problem) const = 0;
  // The plan for a supported problem.
  virtual Plan MakePlan(const Problem& problem) const = 0;
};

// The generator for `scheme`. Thread-safe: generators are stateless singletons.
const Generator& GeneratorFor(Scheme scheme);

struct GenerateOptions {
  // Refuse (ResourceExhaustedError, before any allocation of that size) problems
  // whose schedule would have more events than this.
  int64_t max_events = kDefaultMaxEvents;
};

// Validates `problem`, checks the generator supports it and that its schedule fits
// options.max_events, then plans and compiles. Errors: InvalidArgumentError (bad
// parameter, n not divisible by m: the message names the field and the nearest
// valid n), ResourceExhaustedError (event limit, with the count and the limit).
absl::StatusOr<Schedule> Generate(const Problem& problem, const GenerateOptions& options = {});

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_GENERATOR_H_
