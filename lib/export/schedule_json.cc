#include "lib/export/schedule_json.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "lib/model/heads.h"
#include "lib/model/mask_spec.h"
#include "lib/status_macros.h"
#include "nlohmann/json.hpp"

namespace attnsched {

nlohmann::json InstanceJson(const Instance& inst) {
  const MaskSpec spec = SpecOf(inst);
  nlohmann::json j = {{"n", spec.n}, {"d", inst.d}};
  if (spec.tile > 1) j["tile"] = spec.tile;
  if (spec.heads > 1) {
    j["heads"] = spec.heads;
    j["kv_heads"] = spec.kv_heads;
  }
  if (spec.scheme) {
    j["scheme"] = *spec.scheme;
    return j;
  }
  j["segments"] = SegmentsText(*spec.segments);
  if (spec.window > 0) j["window"] = spec.window;
  if (inst.shared) j["shared"] = true;
  return j;
}

ScheduleJsonWriter::ScheduleJsonWriter(const Problem& p, const Placement& placement,
                                       std::ostream& out)
    : out_(out), problem_(p) {
  nlohmann::json header = {
      {"format", kScheduleFormat},
      {"instance", InstanceJson(p.instance)},
      {"machine",
       {{"pes", p.pes()},
        {"link_words", p.machine.link_words},
        {"link_cycles", p.machine.link_cycles},
        {"link_latency", p.machine.link_latency}}},
      {"costs",
       {{"c_dot", p.costs.c_dot}, {"c_softmax", p.costs.c_softmax}, {"c_axpy", p.costs.c_axpy}}},
      {"placement", HeadPlacement(p.instance, placement)},
      {"event_order", kStartOrder},
  };
  if (p.machine.max_words_per_pe > 0) header["machine"]["max_words_per_pe"] = p.machine.max_words_per_pe;
  std::string text = header.dump();
  text.pop_back();  // reopen the object to stream the events
  out_ << text << ",\"events\":[";
}

absl::Status ScheduleJsonWriter::Write(const Event& e, int64_t /*index*/) {
  const Instance& inst = problem_.instance;
  const EventTiming timing = TimingOf(problem_, e);
  line_.clear();
  absl::StrAppend(&line_, first_ ? "\n" : ",\n", "{\"start\":", e.start, ",\"end\":", timing.end);
  first_ = false;
  if (e.is_op()) {
    absl::StrAppend(&line_, ",\"pe\":", e.pe, ",\"op\":\"", OperationName(inst, e.op()), "\"}");
  } else if (e.is_free()) {
    absl::StrAppend(&line_, ",\"pe\":", e.pe, ",\"free\":\"", ItemName(inst, e.item()), "\"}");
  } else {
    absl::StrAppend(&line_, ",\"from_pe\":", e.pe, ",\"to_pe\":", timing.receiver,
                    ",\"arrival\":", timing.arrival, ",\"item\":\"", ItemName(inst, e.item()),
                    "\"}");
  }
  out_ << line_;
  // A full disk shows when the stream's buffer is written: stop there, not at the end.
  if (!out_) return absl::DataLossError("writing the schedule failed (disk full?)");
  return absl::OkStatus();
}

absl::Status ScheduleJsonWriter::Finish(const absl::Status& source_status) {
  // A failed source leaves the array open: a reader sees a truncated file.
  RETURN_IF_ERROR(source_status);
  out_ << "\n]}\n";
  out_.flush();
  if (!out_) return absl::DataLossError("writing the schedule failed (disk full?)");
  return absl::OkStatus();
}

absl::Status WriteScheduleJson(EventSource& source, std::ostream& out) {
  ScheduleJsonWriter writer(source.problem(), source.placement(), out);
  return WriteAll(source, writer);
}

}  // namespace attnsched
