// Schedule generators (SPEC sections 5 and 10): one per scheme, for any n >= 1 and
// m >= 1, over the placement the generator chooses or one the request pins.
//
// A generator is a dot assignment over a placement (which PE runs which dot, in which
// order): ring rotation for general and causal (lib/algorithms/ring_plan.h), the half
// ring for shared inputs (shared_half_ring.h). Generate then balances the dots
// between neighbours (balance.h), completes the plan (FinishRingPlan) and compiles it
// (plan.h), so every schedule is valid for any costs and links by construction. With
// a free placement it never returns a schedule slower than one PE: when the ring's
// makespan exceeds the total work W (links too slow for the compute), all work runs
// on PE 0 (T = W). A small schedule still above its placement's lower bound is
// scheduled again by link-timed list scheduling (list_scheduler.h) over the same
// homes, the shorter kept ("list-scheduling"). Finally a local search over plans
// (plan_search.h) improves a schedule that is above its placement's lower bound,
// within a budget of compiled events, so only small instances pay for it.
//
// Example:
//   Problem p = MakeProblem(Scheme::kCausal, 4099, 128, 64);
//   absl::StatusOr<Generated> g = Generate(p);   // zigzag placement
//   for (; g->events->Valid(); g->events->Next()) Use(g->events->event());
#ifndef ATTNSCHED_LIB_ALGORITHMS_GENERATOR_H_
#define ATTNSCHED_LIB_ALGORITHMS_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/algorithms/ring_plan.h"
#include "lib/base/cancellation.h"
#include "lib/schedule/schedule.h"
#include "lib/schedule/validator.h"

namespace attnsched {

// A technique: its name, the placement it chooses, and its dot assignment over any
// valid placement.
struct Generator {
  absl::string_view name;  // e.g. "ring-rotation"
  PlacementKind placement;
  // Balanced (`balance`) or not: small instances try both.
  DotLists (*dots)(const Problem& problem, const Placement& placement, bool balance);
  // Ring rotation evens its loads by chain shedding (balance.h): with a free placement
  // it takes the least-loaded placement instead of `placement` when that needs
  // smaller flows.
  bool chain_balanced;
  // Also a candidate with a free placement: contiguous blocks of equal work
  // (WorkBlockPlacement, for masks whose work is uneven along the sequence).
  bool work_blocks;
};

// The generator for `inst`, chosen by one head's mask (a layer of heads is one mask,
// problem.h): for the full mask with shared inputs and one head the half-ring over
// block homes (it needs every pair related; with heads shared inputs take the masked
// ring); otherwise ring rotation (each row's dots at its home, keys and values
// forwarded only as far as a row attends them; shared pairs as ring.h says): over
// block homes for the full mask ("ring-rotation"), zigzag homes for one causal
// segment without a window cut ("zigzag-ring"), and block homes for every other mask
// ("masked-ring"), with shared inputs or not. With a free placement ring rotation
// also weighs the least-loaded placement (rows spread by their work) and, for other
// masks, contiguous blocks of equal work (balance.h).
// Thread-safe (constants).
const Generator& GeneratorFor(const Instance& inst);

// Default for GenerateOptions::search_events: about 0.5 s of local search at most,
// enough for a few thousand plans of n <= 16 (docs/generators.md).
inline constexpr int64_t kDefaultSearchEvents = 2'000'000;

struct GenerateOptions {
  // Refuse (ResourceExhaustedError) schedules to be held whole (small instances,
  // storage limits) with more events than this: the operations are counted before
  // any allocation, the transfers before compiling. Streamed schedules are not held.
  int64_t max_events = kDefaultMaxEvents;
  // Pinned homes; nullopt: the generator chooses (and may fall back to one PE).
  std::optional<PlacementSpec> placement;
  // Budget of the local search, in events compiled over all its plans (a plan of E
  // events costs E); it runs when that allows at least 100 plans; 0 turns it off.
  int64_t search_events = kDefaultSearchEvents;
  // Called with the exact event count of each schedule before it is compiled (after
  // max_events is checked) and whether it will be held whole (else streamed); an
  // error stops generation with it. A server's memory budget uses it to admit a
  // schedule before its memory is allocated. Empty: none.
  std::function<absl::Status(int64_t events, bool held)> admit = nullptr;
  // Polled before each plan is compiled and before the local search; when it turns
  // true Generate returns CancelledError (lib/base/cancellation.h). Empty: never.
  Cancelled cancelled = nullptr;
  // Refuse problems with more operations than this, held or streamed: generating and
  // checking keep a few bits per operation (ValidationOptions::max_operations).
  int64_t max_operations = kDefaultMaxOperations;
  // The caller holds the schedule whole (GenerateSchedule, a unary RPC): max_events
  // applies to streamed schedules too.
  bool hold = false;
};

struct Generated {
  // The schedule's events in canonical order, read once. Instances above 300,000
  // operations without a storage limit are compiled as they are read (memory: the
  // plan and the compiler's state, plan.h); the others are compiled whole first (they
  // compare candidate schedules, or free items after their last use) and held.
  std::unique_ptr<EventSource> events;
  int64_t event_count = 0;  // exactly the events `events` yields
  std::string generator;    // technique, e.g. "zigzag-ring"; "list-scheduling"; "one-pe"
  // "block", "cyclic", "zigzag", "explicit", "least-loaded" or "one-pe"
  std::string placement;
  bool pinned = false;    // the request chose the placement
  int64_t plans_searched = 0;  // plans the local search compiled
  // Says what the generator changed and why, e.g. why it used one PE; or empty.
  std::string note;
};

// Validates `problem` and the placement, plans, compiles, and improves as above.
// Errors: InvalidArgumentError (bad parameter or placement, naming the field and the
// rule), ResourceExhaustedError (event limit, with the count and the limit), and,
// while `events` is read, its status() (a generator bug: a plan that deadlocks).
absl::StatusOr<Generated> Generate(const Problem& problem, const GenerateOptions& options = {});

// Generate's schedule read whole (small instances, tests, SAT witnesses), with
// options.hold set.
absl::StatusOr<Schedule> GenerateSchedule(const Problem& problem,
                                          const GenerateOptions& options = {});

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_GENERATOR_H_
