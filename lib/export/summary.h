// The summary of a generated or verified schedule: sizes, makespan against the
// lower bounds, speed-up, utilisation, storage, validity and numeric error; as a
// readable table or a JSON object with snake_case keys (docs/cli.md lists them).
#ifndef ATTNSCHED_LIB_EXPORT_SUMMARY_H_
#define ATTNSCHED_LIB_EXPORT_SUMMARY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "lib/model/bounds.h"
#include "lib/schedule/check.h"
#include "nlohmann/json.hpp"

namespace attnsched {

// min / mean / max of a per-PE or per-link figure.
struct Spread {
  double min = 0, mean = 0, max = 0;
};

struct Summary {
  Problem problem;
  std::string model;      // preset name, or empty
  // Heads of the model; the schedule covers problem.instance.heads() of them, and the
  // "all heads" figures run ceil(heads / those) such batches one after another.
  int64_t heads = 1;
  std::string generator;  // technique name, or "file" for a verified schedule
  std::string placement;  // "block", "cyclic", "zigzag", "explicit", "one-pe" or "file"
  bool placement_pinned = false;  // the request chose it (else the generator did)
  std::string note;       // what the generator changed and why, or empty
  int64_t events = 0, operations = 0, transfers = 0, frees = 0, redundant_transfers = 0;
  int64_t makespan = 0;   // cycles
  int64_t work = 0;       // cycles, W
  LowerBounds bounds;
  double makespan_over_lb_work = 0;
  // W / T: the makespan on one PE (W: one unit, no transfers) over this makespan.
  double speedup_vs_one_pe = 0;
  // 1 - T / LB_work(general): how much shorter than the best any general-scheme
  // schedule of the same sizes can be (the general generator attains that bound);
  // with tiles, against the general instance of the same tokens without tiles.
  double reduction_vs_general = 0;
  Spread compute_utilisation, link_utilisation;  // busy cycles / makespan
  Spread peak_words;                              // words per PE
  bool valid = false;
  std::optional<Violation> violation;  // the first violation, if invalid
  std::optional<double> max_rel_error;  // set when simulated
  // Token rows whose outputs the simulation compared (all, or a sample: simulator.h);
  // 0 when not simulated.
  int64_t simulated_rows = 0;
  int64_t key_value_link_words = 0;  // ScheduleStats::key_value_link_words
  double wall_seconds = 0;
};

// Fills a summary from the check of a schedule of `problem` with `placement`.
Summary Summarize(const Problem& problem, const Placement& placement, const CheckReport& check);

// A two-column table, one figure per line.
std::string FormatSummaryTable(const Summary& summary);

// One JSON object; keys include scheme, n, d, pes, events, makespan_cycles,
// lb_work_cycles, lb_home_cycles, lb_path_cycles, work_cycles, valid, max_rel_error.
nlohmann::json SummaryToJson(const Summary& summary);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_EXPORT_SUMMARY_H_
