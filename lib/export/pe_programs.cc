#include "lib/export/pe_programs.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status_macros.h"

namespace attnsched {
absl::string_view InstructionTypeName(InstructionType type) {
  constexpr absl::string_view kNames[] = {"compute", "send", "receive", "free"};
  return kNames[static_cast<int>(type)];
}

ProgramSplitter::ProgramSplitter(const Problem& problem, std::optional<int32_t> pe, bool loops,
                                 Emit emit)
    : m_(problem.pes()), pe_(pe), emit_(std::move(emit)) {
  if (loops) {
    const Instance& inst = problem.instance;
    runs_.emplace(
        m_, RunEncoder::kDefaultMaxPending, [this](const EventRun& run) { return Split(run); },
        inst.heads() > 1 ? inst.rows_per_head() : 0);
  }
}

absl::Status ProgramSplitter::Write(const Event& e, int64_t /*index*/) {
  const bool wanted =
      Wanted(e.pe) || (e.is_xfer() && Wanted(static_cast<int32_t>((e.pe + 1) % m_)));
  if (!wanted) return absl::OkStatus();
  if (runs_) return runs_->Add(e);
  return Split(EventRun{e});
}

absl::Status ProgramSplitter::Split(const EventRun& run) {
  const Event& e = run.first;
  if (!e.is_xfer()) {
    if (!Wanted(e.pe)) return absl::OkStatus();
    const InstructionType type = e.is_op() ? InstructionType::kCompute : InstructionType::kFree;
    return emit_(Instruction{e.pe, type, run});
  }
  if (Wanted(e.pe)) RETURN_IF_ERROR(emit_(Instruction{e.pe, InstructionType::kSend, run}));
  const auto to = static_cast<int32_t>((e.pe + 1) % m_);
  if (Wanted(to)) RETURN_IF_ERROR(emit_(Instruction{to, InstructionType::kReceive, run}));
  return absl::OkStatus();
}

absl::Status ProgramSplitter::Finish(const absl::Status& source_status) {
  RETURN_IF_ERROR(source_status);
  return runs_ ? runs_->Finish() : absl::OkStatus();
}

void AppendInstructionText(const Problem& problem, const Instruction& in, std::string* out) {
  const Event& e = in.run.first;
  const EventTiming t = TimingOf(problem, e);
  absl::StrAppendFormat(out, "%12d %12d  %s ", e.start, t.end, InstructionTypeName(in.type));
  AppendEventName(problem.instance, e, out);
  if (in.type == InstructionType::kSend) {
    absl::StrAppend(out, " to PE ", t.receiver, ", arrives ", t.arrival);
  } else if (in.type == InstructionType::kReceive) {
    absl::StrAppend(out, " from PE ", e.pe, ", arrives ", t.arrival);
  }
  const EventRun& r = in.run;
  if (r.count > 1) {
    absl::StrAppend(out, "  x", r.count, ":");
    const char* sep = " ";
    for (const auto& [name, step] :
         {std::pair{"start", r.start_step}, std::pair{"i", int64_t{r.i_step}},
          std::pair{"j", int64_t{r.j_step}}}) {
      if (step == 0) continue;
      absl::StrAppend(out, sep, name, step > 0 ? " +" : " ", step);
      sep = ", ";
    }
  }
}

void AppendInstructionJson(const Problem& problem, const Instruction& in, std::string* out) {
  const Event& e = in.run.first;
  const EventTiming t = TimingOf(problem, e);
  absl::StrAppend(out, "{\"type\":\"", InstructionTypeName(in.type), "\",\"start\":", e.start,
                  ",\"end\":", t.end, e.is_op() ? ",\"op\":\"" : ",\"item\":\"");
  AppendEventName(problem.instance, e, out);
  out->push_back('"');
  if (in.type == InstructionType::kSend) {
    absl::StrAppend(out, ",\"to_pe\":", t.receiver, ",\"arrival\":", t.arrival);
  } else if (in.type == InstructionType::kReceive) {
    absl::StrAppend(out, ",\"from_pe\":", e.pe, ",\"arrival\":", t.arrival);
  }
  const EventRun& r = in.run;
  if (r.count > 1) {
    absl::StrAppend(out, ",\"repeat\":{\"count\":", r.count, ",\"start_step\":", r.start_step,
                    ",\"i_step\":", r.i_step, ",\"j_step\":", r.j_step, "}");
  }
  out->push_back('}');
}

}  // namespace attnsched
