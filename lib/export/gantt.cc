#include "lib/export/gantt.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

// Layout, in SVG user units (pixels).
constexpr double kLeft = 110, kTop = 40, kPlotWidth = 1000, kRow = 18, kGap = 4;

// Colours by kind (the Tableau 10 palette): operations, vector and scalar transfers,
// frees; the heat map shades PEs and links.
struct Kind {
  const char* label;
  const char* colour;
};
constexpr Kind kKinds[] = {{"dot", "#4e79a7"},
                           {"softmax", "#f28e2b"},
                           {"axpy", "#59a14f"},
                           {"vector transfer", "#9c755f"},
                           {"scalar transfer", "#e15759"},
                           {"free", "#7f7f7f"}};
constexpr const char* kPeShade = "#4e79a7";
constexpr const char* kLinkShade = "#e15759";

double D(int64_t v) { return static_cast<double>(v); }
// The top of row `row`.
double RowY(size_t row) { return kTop + static_cast<double>(row) * (kRow + kGap); }

int KindOf(const Event& e) {
  if (e.is_op()) return static_cast<int>(e.op().kind);
  if (e.is_free()) return 5;
  return IsVector(e.item().kind) ? 3 : 4;
}

// A round step for about `ticks` ticks over [0, end]: 1, 2 or 5 times a power of ten.
int64_t TickStep(int64_t end, int64_t ticks) {
  const int64_t raw = std::max<int64_t>(1, end / ticks);
  int64_t power = 1;
  while (power * 10 <= raw) power *= 10;
  for (const int64_t f : {1, 2, 5}) {
    if (f * power >= raw) return f * power;
  }
  return 10 * power;
}

void WriteHeader(std::ostream& svg, double width, double height, const std::string& title) {
  svg << absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%.0f\" y=\"22\" font-size=\"14\">%s</text>\n",
      width, height, width, height, kLeft, title);
}

void WriteRowLabels(std::ostream& svg, const std::vector<std::string>& labels) {
  for (size_t r = 0; r < labels.size(); ++r) {
    svg << absl::StrFormat("<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", kLeft - 8,
                           RowY(r) + kRow - 5, labels[r]);
  }
}

// The axis under `rows` rows: ticks in cycles over [0, end].
void WriteAxis(std::ostream& svg, size_t rows, int64_t end) {
  const double y = RowY(rows);
  svg << absl::StrFormat(
      "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"black\"/>\n", kLeft, y,
      kLeft + kPlotWidth, y);
  const int64_t step = TickStep(end, 10);
  for (int64_t t = 0; t <= end; t += step) {
    const double x = kLeft + kPlotWidth * static_cast<double>(t) / static_cast<double>(end);
    svg << absl::StrFormat(
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n",
        x, y, x, y + 5, x, y + 18, t);
  }
  svg << absl::StrFormat("<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">cycles</text>\n",
                         kLeft + kPlotWidth, y + 34);
}

std::vector<std::string> RowLabels(int64_t m, int64_t group) {
  std::vector<std::string> labels;
  auto range = [&](int64_t r) {
    const int64_t last = std::min(m, (r + 1) * group) - 1;
    return group == 1 ? absl::StrCat(r) : absl::StrCat(r * group, "-", last);
  };
  const int64_t rows = (m + group - 1) / group;
  for (int64_t r = 0; r < rows; ++r) labels.push_back(absl::StrCat("PE ", range(r)));
  if (m == 1) return labels;
  for (int64_t r = 0; r < rows; ++r) {
    labels.push_back(group == 1 ? absl::StrCat("link ", r, "-&gt;", (r + 1) % m)
                                : absl::StrCat("links ", range(r)));
  }
  return labels;
}

}  // namespace

GanttWriter::GanttWriter(const Problem& problem, const GanttOptions& options, std::ostream& out)
    : problem_(problem),
      options_(options),
      out_(out),
      heatmap_(options.mode == GanttOptions::Mode::kHeatmap ||
               (options.mode == GanttOptions::Mode::kAuto &&
                (problem.n() > kMaxChartRows || problem.pes() > kMaxRows))) {
  if (heatmap_) ToHeatmap();
}

void GanttWriter::ToHeatmap() {
  heatmap_ = true;
  const int64_t m = problem_.pes();
  group_ = (m + kMaxRows - 1) / kMaxRows;
  const int64_t rows = (m + group_ - 1) / group_ * (m > 1 ? 2 : 1);
  busy_.assign(static_cast<size_t>(rows * options_.bins), 0);
  std::vector<Event> held = std::exchange(events_, {});
  for (const Event& e : held) AddBusy(e, TimingOf(problem_, e).end);
}

absl::Status GanttWriter::Write(const Event& e, int64_t /*index*/) {
  const int64_t end = TimingOf(problem_, e).end;
  end_ = std::max(end_, end);
  if (heatmap_) {
    AddBusy(e, end);
    return absl::OkStatus();
  }
  if (static_cast<int64_t>(events_.size()) < options_.max_rects) {
    events_.push_back(e);
    return absl::OkStatus();
  }
  if (options_.mode == GanttOptions::Mode::kChart) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the chart would have more than ", options_.max_rects,
                     " events, the chart's limit; draw it as a heat map (--style heatmap)"));
  }
  ToHeatmap();
  AddBusy(e, end);
  return absl::OkStatus();
}

void GanttWriter::Coarsen() {
  const int64_t bins = options_.bins;
  for (size_t row = 0; row < busy_.size() / bins; ++row) {
    int64_t* b = &busy_[row * bins];
    for (int64_t k = 0; k < bins; ++k) {
      b[k] = 2 * k < bins ? b[2 * k] + (2 * k + 1 < bins ? b[2 * k + 1] : 0) : 0;
    }
  }
  width_ *= 2;
}

void GanttWriter::AddBusy(const Event& e, int64_t end) {
  if (e.is_free() || end <= e.start || e.start < 0) return;
  while (end > options_.bins * width_) Coarsen();
  const int64_t m = problem_.pes();
  const int64_t pe_rows = (m + group_ - 1) / group_;
  const int64_t row = e.pe / group_ + (e.is_xfer() ? pe_rows : 0);
  int64_t* b = &busy_[row * options_.bins];
  for (int64_t k = e.start / width_; k * width_ < end; ++k) {
    b[k] += std::min(end, (k + 1) * width_) - std::max(e.start, k * width_);
  }
}

absl::Status GanttWriter::Finish(const absl::Status& source_status) {
  RETURN_IF_ERROR(source_status);
  heatmap_ ? WriteHeatmap(out_) : WriteChart(out_);
  out_.flush();
  if (!out_) return absl::DataLossError("writing the picture failed (disk full?)");
  return absl::OkStatus();
}

void GanttWriter::WriteChart(std::ostream& svg) const {
  const int64_t m = problem_.pes();
  const std::vector<std::string> labels = RowLabels(m, 1);
  const int64_t end = std::max<int64_t>(end_, 1);
  const double legend_y = RowY(labels.size()) + 50;
  WriteHeader(svg, kLeft + kPlotWidth + 20, legend_y + 30,
              absl::StrCat("attnsched schedule: ", m, " PEs, ", end_, " cycles"));
  WriteRowLabels(svg, labels);
  const double scale = kPlotWidth / static_cast<double>(end);
  char name[kMaxNameBytes];
  for (const Event& e : events_) {
    const EventTiming t = TimingOf(problem_, e);
    const int64_t row = e.is_xfer() ? m + e.pe : e.pe;
    const double y = RowY(static_cast<size_t>(row));
    const bool free = e.is_free();
    const absl::string_view shown(
        name, static_cast<size_t>(WriteEventName(problem_.instance, e, name) - name));
    svg << absl::StrFormat(
        "<rect class=\"event\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
        "fill=\"%s\"><title>%s%s %d-%d</title></rect>\n",
        kLeft + D(e.start) * scale, free ? y + kRow : y,
        free ? 1.0 : std::max(0.5, D(t.end - e.start) * scale), free ? 3.0 : kRow,
        kKinds[KindOf(e)].colour, free ? "free " : "", shown, e.start, t.end);
  }
  WriteAxis(svg, labels.size(), end);
  double x = kLeft;
  for (const Kind& k : kKinds) {
    svg << absl::StrFormat(
        "<rect class=\"legend\" x=\"%.0f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
        "<text x=\"%.0f\" y=\"%.1f\">%s</text>\n",
        x, legend_y, k.colour, x + 16, legend_y + 10, k.label);
    x += 40 + 7 * D(static_cast<int64_t>(std::string(k.label).size()));
  }
  svg << "</svg>\n";
}

void GanttWriter::WriteHeatmap(std::ostream& svg) const {
  const int64_t m = problem_.pes();
  const std::vector<std::string> labels = RowLabels(m, group_);
  const int64_t bins = options_.bins;
  const int64_t pe_rows = (m + group_ - 1) / group_;
  const int64_t end = std::max<int64_t>(end_, 1);
  const double legend_y = RowY(labels.size()) + 50;
  WriteHeader(svg, kLeft + kPlotWidth + 20, legend_y + 30,
              absl::StrCat("attnsched utilisation: ", m, " PEs, ", end_, " cycles, columns of ",
                           width_, " cycles"));
  WriteRowLabels(svg, labels);
  const double cell = kPlotWidth * static_cast<double>(width_) / static_cast<double>(end);
  for (size_t row = 0; row < labels.size(); ++row) {
    const int64_t first = static_cast<int64_t>(row % pe_rows) * group_;
    const int64_t units = std::min(m, first + group_) - first;
    const bool link = static_cast<int64_t>(row) >= pe_rows;
    for (int64_t k = 0; k < bins && k * width_ < end; ++k) {
      const int64_t cycles = std::min(end, (k + 1) * width_) - k * width_;
      const double busy = D(busy_[row * bins + k]) / D(units * cycles);
      svg << absl::StrFormat(
          "<rect class=\"cell\" shape-rendering=\"crispEdges\" x=\"%.2f\" y=\"%.1f\" "
          "width=\"%.2f\" height=\"%.0f\" "
          "fill=\"%s\" fill-opacity=\"%.3f\"><title>%s, cycles %d-%d: %.0f%% busy</title></rect>\n",
          kLeft + D(k) * cell, RowY(row), std::min(cell, kPlotWidth - D(k) * cell), kRow,
          link ? kLinkShade : kPeShade, busy, labels[row], k * width_, k * width_ + cycles,
          100 * busy);
    }
  }
  WriteAxis(svg, labels.size(), end);
  for (int s = 0; s <= 4; ++s) {
    svg << absl::StrFormat(
        "<rect class=\"legend\" x=\"%.0f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\" "
        "fill-opacity=\"%.2f\" stroke=\"#ccc\"/><text x=\"%.0f\" y=\"%.1f\">%d%%</text>\n",
        kLeft + 60 * s, legend_y, kPeShade, s / 4.0, kLeft + 60 * s + 16, legend_y + 10, 25 * s);
  }
  svg << absl::StrFormat("<text x=\"%.0f\" y=\"%.1f\">busy (PEs blue, links red)</text>\n",
                         kLeft + 320, legend_y + 10);
  svg << "</svg>\n";
}

}  // namespace attnsched
