// Storage (SPEC section 10.6): FREE events after the last use of what a PE received,
// and the fewest words per PE any schedule needs. Resident words are counted as
// ScheduleStats::peak_words says (validator.h).
#ifndef ATTNSCHED_LIB_SCHEDULE_STORAGE_H_
#define ATTNSCHED_LIB_SCHEDULE_STORAGE_H_

#include <cstdint>

#include "lib/model/placement.h"
#include "lib/model/problem.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

// Adds, for every item a transfer delivers to a PE, a FREE on that PE one cycle after
// its last use there (the start of the last operation reading it or transfer sending
// it; an item never used is freed when it arrives), and sorts the events into the
// canonical order. Inputs on their home and results where they are produced stay.
// `schedule` must be valid. O(E log E) time; one hash entry per delivered item.
void FreeAfterLastUse(Schedule& schedule);

// The fewest words a PE holds at cycle 0 in any schedule of `problem` over
// `placement` (the inputs of its most loaded PE: 3d words per token, d with shared
// inputs), or over the best placement when `placement` is null (ceil(n / m) tokens;
// with tiles ceil(n / m) tiles, each of b tokens but perhaps the last).
// A storage limit below it admits no schedule.
int64_t StorageLowerBound(const Problem& problem, const Placement* placement);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_SCHEDULE_STORAGE_H_
