#include "lib/export/summary.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/export/schedule_json.h"
#include "lib/model/heads.h"
#include "lib/model/task_graph.h"

namespace attnsched {
namespace {

Spread SpreadOf(const std::vector<int64_t>& values, double scale) {
  if (values.empty() || scale <= 0) return {};
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double sum = static_cast<double>(std::accumulate(values.begin(), values.end(), int64_t{0}));
  return Spread{static_cast<double>(*lo) / scale, sum / static_cast<double>(values.size()) / scale,
                static_cast<double>(*hi) / scale};
}

nlohmann::json SpreadJson(const Spread& s) {
  return {{"min", s.min}, {"mean", s.mean}, {"max", s.max}};
}

std::string Percent(const Spread& s) {
  return absl::StrFormat("%.1f%% / %.1f%% / %.1f%%", 100 * s.min, 100 * s.mean, 100 * s.max);
}

// " (links bind)" when a link bound is the largest bound and above LB_work.
std::string LinkBoundNote(const Summary& s) {
  const int64_t links = std::max({s.bounds.link, s.bounds.cut, s.bounds.traffic});
  return links > s.bounds.work && links == s.bounds.Max() ? " (the links bind)" : "";
}

}  // namespace

Summary Summarize(const Problem& p, const Placement& placement, const CheckReport& check) {
  const ValidationReport& report = check.validation;
  const ScheduleStats& st = report.stats;
  Summary s;
  s.problem = p;
  s.operations = st.operations;
  s.transfers = st.transfers;
  s.frees = st.frees;
  s.key_value_link_words = st.key_value_link_words;
  s.events = s.operations + s.transfers + s.frees;
  s.redundant_transfers = st.redundant_transfers;
  s.makespan = st.makespan;
  s.work = TotalWork(p);
  s.bounds = ComputeLowerBounds(p, placement);
  s.valid = report.valid();
  s.violation = report.violation;
  if (s.valid && s.makespan > 0) {
    const double t = static_cast<double>(s.makespan);
    // The general instance of the same tokens (without tiles: a tiled general mask
    // can be far larger than this one).
    Problem general = p;
    general.instance =
        *WithHeads(MakeInstance(Scheme::kGeneral, p.instance.head_mask().tokens().n(), p.d()),
                   p.instance.heads(), p.instance.heads(), "");
    s.makespan_over_lb_work = t / static_cast<double>(s.bounds.work);
    s.speedup_vs_one_pe = static_cast<double>(s.work) / t;
    s.reduction_vs_general =
        1.0 - t / static_cast<double>(WorkBound(general));
    s.compute_utilisation = SpreadOf(st.busy_cycles, t);
    s.link_utilisation = SpreadOf(st.link_busy_cycles, t);
    s.peak_words = SpreadOf(st.peak_words, 1.0);
  }
  if (check.simulation) {
    s.max_rel_error = check.simulation->max_rel_error;
    s.simulated_rows = check.simulation->rows_checked;
  }
  return s;
}

namespace {

// Batches of the scheduled heads that cover the model's heads, and their work.
int64_t Batches(const Summary& s) {
  const int64_t scheduled = s.problem.instance.heads();
  return std::max<int64_t>(1, (s.heads + scheduled - 1) / scheduled);
}
int64_t AllHeadsWork(const Summary& s) {
  return std::max(s.heads, s.problem.instance.heads()) * (s.work / s.problem.instance.heads());
}

}  // namespace

std::string FormatSummaryTable(const Summary& s) {
  const Problem& p = s.problem;
  std::string out;
  auto row = [&out](absl::string_view field, const std::string& value) {
    absl::StrAppend(&out, absl::StrFormat("  %-26s %s\n", field, value));
  };
  if (!s.model.empty()) row("model", absl::StrFormat("%s (%d heads)", s.model, s.heads));
  row(SchemeOf(p.instance) ? "scheme" : "mask", DescribeMask(p.instance));
  const Instance& inst = p.instance;
  const int64_t tokens = inst.head_mask().tokens().n();
  const std::string tiles =
      p.mask().tile() > 1
          ? absl::StrFormat(" in %d tiles of %d", inst.rows_per_head(), p.mask().tile())
          : "";
  row("n, d, m", absl::StrFormat("%d tokens%s, %d words, %d PEs", tokens, tiles, p.d(), p.pes()));
  if (inst.heads() > 1) {
    row("heads", absl::StrFormat("%d query heads, %d key/value heads, scheduled together; "
                                 "work per head %d cycles",
                                 inst.heads(), inst.kv_heads(), s.work / inst.heads()));
  }
  row("costs", absl::StrFormat("c_dot %d, c_softmax %d, c_axpy %d", p.costs.c_dot,
                               p.costs.c_softmax, p.costs.c_axpy));
  row("links", absl::StrFormat("%d words per %d cycles, latency %d cycles", p.machine.link_words,
                               p.machine.link_cycles, p.machine.link_latency));
  if (p.machine.max_words_per_pe > 0) {
    row("storage limit", absl::StrFormat("%d words per PE", p.machine.max_words_per_pe));
  }
  row("generator", s.generator);
  if (!s.placement.empty()) {
    row("placement", absl::StrCat(s.placement, s.placement_pinned ? " (pinned by the request)"
                                                                  : " (chosen by the generator)"));
  }
  if (!s.note.empty()) row("note", s.note);
  row("events", absl::StrFormat("%d (%d operations, %d transfers%s)", s.events, s.operations,
                                s.transfers,
                                s.frees > 0 ? absl::StrCat(", ", s.frees, " frees") : ""));
  row("valid", s.valid ? "yes" : absl::StrCat("NO: ", s.violation->message));
  if (s.max_rel_error) {
    const std::string sample =
        s.simulated_rows < p.mask().tokens().n()
            ? absl::StrFormat(" (a sample of %d of %d rows)", s.simulated_rows, p.mask().tokens().n())
            : "";
    row("max relative error", absl::StrFormat("%.3g%s", *s.max_rel_error, sample));
  }
  // Figures of a schedule's timing mean nothing for an invalid one.
  auto timed = [&s](std::string text) { return s.valid ? text : std::string("- (invalid)"); };
  row("makespan", timed(absl::StrFormat("%d cycles", s.makespan)));
  row("LB_work / LB_home / LB_path",
      absl::StrFormat("%d / %d / %d cycles", s.bounds.work, s.bounds.home, s.bounds.path));
  row("LB_link / LB_cut / LB_traffic",
      absl::StrFormat("%d / %d / %d cycles%s", s.bounds.link, s.bounds.cut, s.bounds.traffic,
                      LinkBoundNote(s)));
  row("makespan / LB_work", timed(absl::StrFormat("%.4f", s.makespan_over_lb_work)));
  row("work W", absl::StrFormat("%d cycles", s.work));
  row("speed-up vs 1 PE",
      timed(absl::StrFormat("%.2fx (on %d PEs)", s.speedup_vs_one_pe, p.pes())));
  row("reduction vs general", timed(absl::StrFormat("%.1f%%", 100 * s.reduction_vs_general)));
  row("compute util min/mean/max", timed(Percent(s.compute_utilisation)));
  row("link util min/mean/max",
      p.pes() > 1 ? timed(Percent(s.link_utilisation)) : "no links (m = 1)");
  row("peak words/PE min/mean/max",
      timed(absl::StrFormat("%.0f / %.0f / %.0f", s.peak_words.min, s.peak_words.mean,
                            s.peak_words.max)));
  if (s.valid && s.makespan > s.work) {
    row("warning", absl::StrFormat("the makespan exceeds the total work W = %d cycles, the "
                                   "makespan on one PE: the placement forces slow transfers",
                                   s.work));
  }
  row("key/value words on links", absl::StrFormat("%d", s.key_value_link_words));
  if (s.redundant_transfers > 0) {
    row("warning", absl::StrFormat("%d redundant transfers", s.redundant_transfers));
  }
  if (s.heads > inst.heads() && s.valid) {
    row("all heads, in batches",
        absl::StrFormat("%d batches of %d head%s one after another: %d cycles makespan, %d "
                        "cycles work",
                        Batches(s), inst.heads(), inst.heads() == 1 ? "" : "s",
                        s.makespan * Batches(s), AllHeadsWork(s)));
  }
  row("wall time", absl::StrFormat("%.2f s", s.wall_seconds));
  return out;
}

nlohmann::json SummaryToJson(const Summary& s) {
  const Problem& p = s.problem;
  nlohmann::json j = InstanceJson(p.instance);
  j.update({
      {"pes", p.pes()},
      {"link_words", p.machine.link_words},
      {"link_cycles", p.machine.link_cycles},
      {"link_latency_cycles", p.machine.link_latency},
      {"c_dot", p.costs.c_dot},
      {"c_softmax", p.costs.c_softmax},
      {"c_axpy", p.costs.c_axpy},
      {"generator", s.generator},
      {"placement", s.placement},
      {"placement_pinned", s.placement_pinned},
      {"note", s.note},
      {"events", s.events},
      {"operations", s.operations},
      {"transfers", s.transfers},
      {"frees", s.frees},
      {"max_words_per_pe", p.machine.max_words_per_pe},
      {"redundant_transfers", s.redundant_transfers},
      {"makespan_cycles", s.makespan},
      {"lb_work_cycles", s.bounds.work},
      {"lb_home_cycles", s.bounds.home},
      {"lb_path_cycles", s.bounds.path},
      {"lb_load_cycles", s.bounds.load},
      {"lb_release_cycles", s.bounds.release},
      {"lb_link_cycles", s.bounds.link},
      {"lb_cut_cycles", s.bounds.cut},
      {"lb_traffic_cycles", s.bounds.traffic},
      {"work_cycles", s.work},
      {"makespan_over_lb_work", s.makespan_over_lb_work},
      {"speedup_vs_one_pe", s.speedup_vs_one_pe},
      {"reduction_vs_general", s.reduction_vs_general},
      {"compute_utilisation", SpreadJson(s.compute_utilisation)},
      {"link_utilisation", SpreadJson(s.link_utilisation)},
      {"peak_words_per_pe", SpreadJson(s.peak_words)},
      {"valid", s.valid},
      {"max_rel_error", s.max_rel_error ? nlohmann::json(*s.max_rel_error) : nlohmann::json()},
      {"simulated_rows", s.simulated_rows},
      {"key_value_link_words", s.key_value_link_words},
      {"tiles", p.instance.rows_per_head()},
      {"heads", s.heads},
      {"scheduled_heads", p.instance.heads()},
      {"kv_heads", p.instance.kv_heads()},
      {"work_per_head_cycles", s.work / p.instance.heads()},
      {"makespan_all_heads_cycles", s.makespan * Batches(s)},
      {"work_all_heads_cycles", AllHeadsWork(s)},
      {"wall_seconds", s.wall_seconds},
  });
  if (!s.model.empty()) j["model"] = s.model;
  if (!s.valid) {  // figures of the timing are null for an invalid schedule
    for (const char* key : {"makespan_cycles", "makespan_over_lb_work", "speedup_vs_one_pe",
                            "reduction_vs_general", "compute_utilisation", "link_utilisation",
                            "peak_words_per_pe", "makespan_all_heads_cycles"}) {
      j[key] = nullptr;
    }
  }
  if (s.violation) {
    const Violation& v = *s.violation;
    j["violation"] = {{"rule", RuleName(v.rule)},
                      {"cycle", v.cycle},
                      {"pe", v.pe},
                      {"event_index", v.event_index},
                      {"message", v.message}};
  }
  return j;
}

}  // namespace attnsched
