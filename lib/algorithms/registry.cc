#include "absl/strings/str_format.h"
#include "lib/algorithms/causal_zigzag.h"
#include "lib/algorithms/general_ring.h"
#include "lib/algorithms/generator.h"
#include "lib/algorithms/shared_half_ring.h"

namespace attnsched {

absl::Status Generator::Supports(const Problem& problem) const {
  const int64_t n = problem.n(), m = problem.pes();
  if (n % m == 0) return absl::OkStatus();
  const int64_t below = n / m * m, above = below + m;
  const std::string nearest = below > 0 ? absl::StrFormat("%d or %d", below, above)
                                        : absl::StrFormat("%d", above);
  return absl::InvalidArgumentError(absl::StrFormat(
      "n = %d is not divisible by pes = %d: the %s generator (%s) needs n divisible by m "
      "(nearest valid n: %s)",
      n, m, SchemeName(scheme()), name(), nearest));
}

const Generator& GeneratorFor(Scheme scheme) {
  static const GeneralRingGenerator general;
  static const SharedHalfRingGenerator shared;
  static const CausalZigzagGenerator causal;
  switch (scheme) {
    case Scheme::kGeneral: return general;
    case Scheme::kShared: return shared;
    case Scheme::kCausal: return causal;
  }
  return general;
}

absl::StatusOr<Schedule> Generate(const Problem& problem, const GenerateOptions& options) {
  if (absl::Status s = ValidateProblem(problem); !s.ok()) return s;
  const Generator& generator = GeneratorFor(problem.scheme());
  if (absl::Status s = generator.Supports(problem); !s.ok()) return s;
  const int64_t events = generator.CountEvents(problem);
  if (events > options.max_events) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "the %s schedule for %s has %d events, above the event limit %d; raise "
        "--max-events if the machine has the memory (about 80 bytes per event)",
        generator.name(), Describe(problem), events, options.max_events));
  }
  return CompilePlan(problem, generator.MakePlan(problem));
}

}  // namespace attnsched
