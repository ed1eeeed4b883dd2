// A schedule as an SVG picture (docs/pictures.md): a Gantt chart with one row per PE
// compute unit and one per link (m > 1), one rect per event (class "event", its
// name, start and end in a <title>), coloured by kind, a legend and an axis in
// cycles; FREEs are thin marks under their PE's row. Larger schedules become a
// utilisation heat map: the same rows (PEs grouped when m > 128) over `bins` columns
// of equal cycles, each cell (class "cell") shaded by the fraction of its cycles the
// unit or link is busy.
//
// Which one (GanttOptions::mode): kAuto draws the chart when the instance has at most
// 64 rows (tokens, or tiles; times heads), m <= 128 and the schedule at most
// max_rects events, else the heat map. The writer is an event sink taking the events
// of a valid schedule (its rows are PEs: hand it what the validator accepts) in start
// order; the chart holds its events (at most max_rects; kAuto
// turns to the heat map past them), the heat map O(rows x bins) counters whose
// width doubles as the schedule grows, so memory is bounded either way.
#ifndef ATTNSCHED_LIB_EXPORT_GANTT_H_
#define ATTNSCHED_LIB_EXPORT_GANTT_H_

#include <cstdint>
#include <ostream>
#include <vector>

#include "absl/status/status.h"
#include "lib/schedule/event_sink.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

struct GanttOptions {
  enum class Mode { kAuto, kChart, kHeatmap };
  Mode mode = Mode::kAuto;
  int64_t bins = 256;           // heat map columns, in [1, 4096]
  int64_t max_rects = 100'000;  // events the chart holds; kChart: more is an error
};

class GanttWriter final : public EventSink {
 public:
  static constexpr int64_t kMaxChartRows = 64;
  static constexpr int64_t kMaxRows = 128;  // PE rows; more PEs are grouped

  // `out` must outlive the writer; nothing is written before Finish.
  GanttWriter(const Problem& problem, const GanttOptions& options, std::ostream& out);

  // An event, in start order. kChart past max_rects: ResourceExhaustedError.
  absl::Status Write(const Event& event, int64_t index) override;
  // Writes the SVG; DataLossError when `out` fails.
  absl::Status Finish(const absl::Status& source_status) override;

  bool heatmap() const { return heatmap_; }

 private:
  void ToHeatmap();
  void AddBusy(const Event& e, int64_t end);
  void Coarsen();
  void WriteChart(std::ostream& svg) const;
  void WriteHeatmap(std::ostream& svg) const;

  const Problem problem_;
  const GanttOptions options_;
  std::ostream& out_;
  bool heatmap_;
  int64_t end_ = 0;            // the last end seen, cycles
  std::vector<Event> events_;  // the chart's
  int64_t group_ = 1;          // PEs per heat map row
  int64_t width_ = 1;          // cycles per heat map column
  std::vector<int64_t> busy_;  // heat map: [row][bin] busy cycles, PE rows then links
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_EXPORT_GANTT_H_
