// The validator: checks a schedule against every rule of SPEC sections 2-4 and
// reports the first violation in words a user can act on, e.g.
//   "cycle 17, PE 2: dot(3,5) needs k(5), which reaches PE 2 only at cycle 19".
//
// The first violation is the one with the earliest cycle (ties: event order); a
// missing operation has no cycle and comes last. The validator reads an event source
// (event_source.h) once, in start order, so the check is O(E) time for E events and
// its memory does not grow with E: one bit per operation of the task graph, a
// residency record per result and per item a transfer delivers (residency.h), and
// the state of each unit and link. Not thread-safe per call; distinct calls are
// independent.
#ifndef ATTNSCHED_LIB_SCHEDULE_VALIDATOR_H_
#define ATTNSCHED_LIB_SCHEDULE_VALIDATOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/base/cancellation.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

// Default for the events a schedule held whole in memory may have (about 80 bytes per
// event: a list, a file read whole, a unary RPC), and the CLI's --max-events.
inline constexpr int64_t kDefaultMaxEvents = 40'000'000;

// Default for ValidationOptions::max_operations and the CLI's --max-operations: the
// validator keeps 3 bits per operation (done, and where each score is), the
// generator 2 per dot, so 2^31 operations need about 1.3 GB.
inline constexpr int64_t kDefaultMaxOperations = int64_t{1} << 31;

struct ValidationOptions {
  // Refuse instances whose task graph has more operations than this, before
  // allocating the validator's per-operation state.
  int64_t max_operations = kDefaultMaxOperations;
  // Polled every kCancellationPollEvents events; when it turns true Validate returns
  // CancelledError (lib/base/cancellation.h). Empty: never.
  Cancelled cancelled = nullptr;
  // Called with each event the rules accept, in start order, before the next is read
  // (the simulator executes it there: one pass checks and executes). An error it
  // returns ends the validation with that error. Empty: nothing.
  std::function<absl::Status(const Event&)> on_accepted = nullptr;
  // Called with (cycle, pe, words): the words resident on `pe` (ScheduleStats::
  // peak_words counts them) from `cycle` on, for every PE at cycle 0 and then at
  // each cycle they may have changed, in cycle order, until the first violation.
  // Setting it makes the count exact per cycle, as a FREE or a storage limit does.
  // Empty: nothing.
  std::function<void(int64_t, int32_t, int64_t)> on_words = nullptr;
};

// The rules of SPEC section 4, one per way to break them.
enum class Rule {
  kStartRange,          // start < 0
  kPeRange,             // PE not in [0, m)
  kIndexRange,          // token index not in [0, n)
  kNotInTaskGraph,      // operation or item that the scheme does not have
  kDuplicateOperation,  // an operation runs twice
  kMissingOperation,    // an operation never runs
  kNotAtHome,           // softmax(i) or axpy(i,j) not on h(i)
  kUnitBusy,            // a compute unit does two things in one cycle
  kOperandNotResident,  // an operand is not on the PE when the operation starts
  kNoLink,              // a transfer on a machine with m = 1
  kLinkBusy,            // a link does two things in one cycle
  kItemNotResident,     // a transfer's item is not on the sender at its start
  kBadFree,             // a FREE of an item not resident on its PE then
  kStorageExceeded,     // more resident words on a PE than machine.max_words_per_pe
};

// snake_case name of a rule, e.g. "operand_not_resident" (used in JSON).
absl::string_view RuleName(Rule rule);
// The rule named `name`; InvalidArgumentError for an unknown name.
absl::StatusOr<Rule> ParseRuleName(absl::string_view name);

struct Violation {
  Rule rule = Rule::kStartRange;
  int64_t cycle = -1;        // -1 for a missing operation
  int32_t pe = -1;           // the PE or sending PE; -1 for a missing operation
  int64_t event_index = -1;  // EventSource::index() of the event; -1 when missing
  std::string message;       // full sentence, starts with "cycle C, PE P:" when located
};

// Figures of a schedule: operations and transfers count every event of the source;
// the others are filled for valid schedules.
struct ScheduleStats {
  int64_t makespan = 0;        // cycles: max over operations of start + duration
  int64_t work = 0;            // cycles: sum of operation durations
  int64_t operations = 0;      // OP events
  int64_t transfers = 0;       // XFER events
  int64_t frees = 0;           // FREE events
  int64_t redundant_transfers = 0;  // the receiver already held the item (a warning)
  // Words of key and value vectors (k, v; x for shared inputs) over all transfers: one
  // crossing of one link each (with grouped heads one serves the group's query heads).
  int64_t key_value_link_words = 0;
  std::string first_redundant;      // message for the first of them, if any
  std::vector<int64_t> busy_cycles;       // per PE: compute cycles
  std::vector<int64_t> link_busy_cycles;  // per link p -> p+1 (empty for m = 1)
  // Per PE: the most words resident at once (SPEC 10.6), over the cycles: the inputs
  // homed there from cycle 0, each item received there from the start of the
  // transfer that first brings it, each result from the start of the operation that
  // makes it (1 word per score, |M(i)| per p row), and d words for o(i) from the
  // start of row i's first axpy; a FREE subtracts its item's words from its cycle.
  // Without FREE events this is the total at the end.
  std::vector<int64_t> peak_words;
};

struct ValidationReport {
  std::optional<Violation> violation;  // empty when valid
  ScheduleStats stats;
  bool valid() const { return !violation.has_value(); }
};

// Validates the events of `source`, reading it to its end or to the first violation.
// Returns InvalidArgumentError for a bad header (problem, placement; the message
// names the field) or more events than MaxUsefulEvents, ResourceExhaustedError when
// the task graph exceeds options.max_operations, the source's status when it fails, and
// CancelledError when cancelled. Rule violations are not errors: they come back in
// the report.
absl::StatusOr<ValidationReport> Validate(EventSource& source,
                                          const ValidationOptions& options = {});

// The most events a schedule of `problem` has without running an operation twice,
// sending an item twice over one link or freeing it twice on one PE: its operations
// plus, per transferable item (input vectors, scores, probabilities), one transfer
// per link and one FREE per PE. More events repeat something (a schedule that frees
// and fetches an item again and again is refused as repeating events). Saturates at
// INT64_MAX / 4.
int64_t MaxUsefulEvents(const Problem& problem);

// OK when `problem` and `placement` are valid, the task graph is within
// `max_operations`, and `event_count` (the events a reader is about to hold in memory;
// 0 for a stream) within `max_events` and MaxUsefulEvents; the errors Validate returns
// otherwise (InvalidArgumentError for more events than MaxUsefulEvents).
absl::Status CheckScheduleHeader(const Problem& problem, const Placement& placement,
                                 int64_t event_count, int64_t max_events,
                                 int64_t max_operations = kDefaultMaxOperations);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_VALIDATOR_H_
