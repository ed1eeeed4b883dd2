#include "lib/export/pe_programs.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/status_macros.h"

namespace attnsched {
absl::string_view InstructionTypeName(InstructionType type) {
  constexpr absl::string_view kNames[] = {"compute", "send", "receive", "free"};
  return kNames[static_cast<int>(type)];
}

ProgramSplitter::ProgramSplitter(const Problem& problem, std::optional<int32_t> pe, bool loops,
                                 Emit emit)
    : problem_(problem), m_(problem.pes()), pe_(pe), emit_(std::move(emit)) {
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
  // A loop's instructions share one duration, so that its line's end and arrival plus
  // k x start_step are the k-th's: cut a run where the duration changes (softmaxes
  // over rows of different lengths; with tiles, tiles of different sizes).
  for (int64_t k = 0; k < run.count;) {
    const Event first = run.at(k);
    const int64_t cycles = TimingOf(problem_, first).end - first.start;
    int64_t next = k + 1;
    while (next < run.count) {
      const Event e = run.at(next);
      if (TimingOf(problem_, e).end - e.start != cycles) break;
      ++next;
    }
    RETURN_IF_ERROR(EmitRun(EventRun{first, next - k, run.start_step, run.i_step, run.j_step}));
    k = next;
  }
  return absl::OkStatus();
}

absl::Status ProgramSplitter::EmitRun(const EventRun& run) {
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

namespace {

void PutName(const Problem& problem, const Event& e, TextBuffer& out) {
  out.Commit(WriteEventName(problem.instance, e, out.Room(kMaxNameBytes)));
}

}  // namespace

void AppendInstructionText(const Problem& problem, const Instruction& in, TextBuffer& out) {
  const Event& e = in.run.first;
  const EventTiming t = TimingOf(problem, e);
  out.PutPadded(e.start, 12).Put(' ').PutPadded(t.end, 12).Put("  ");
  out.Put(InstructionTypeName(in.type)).Put(' ');
  PutName(problem, e, out);
  if (in.type == InstructionType::kSend) {
    out.Put(" to PE ").Put(t.receiver).Put(", arrives ").Put(t.arrival);
  } else if (in.type == InstructionType::kReceive) {
    out.Put(" from PE ").Put(e.pe).Put(", arrives ").Put(t.arrival);
  }
  const EventRun& r = in.run;
  if (r.count > 1) {
    out.Put("  x").Put(r.count).Put(':');
    const char* sep = " ";
    for (const auto& [name, step] :
         {std::pair{"start", r.start_step}, std::pair{"i", int64_t{r.i_step}},
          std::pair{"j", int64_t{r.j_step}}}) {
      if (step == 0) continue;
      out.Put(sep).Put(name).Put(step > 0 ? " +" : " ").Put(step);
      sep = ", ";
    }
  }
}

void AppendInstructionJson(const Problem& problem, const Instruction& in, TextBuffer& out) {
  const Event& e = in.run.first;
  const EventTiming t = TimingOf(problem, e);
  out.Put("{\"type\":\"").Put(InstructionTypeName(in.type)).Put("\",\"start\":").Put(e.start);
  out.Put(",\"end\":").Put(t.end).Put(e.is_op() ? ",\"op\":\"" : ",\"item\":\"");
  PutName(problem, e, out);
  out.Put('"');
  if (in.type == InstructionType::kSend) {
    out.Put(",\"to_pe\":").Put(t.receiver).Put(",\"arrival\":").Put(t.arrival);
  } else if (in.type == InstructionType::kReceive) {
    out.Put(",\"from_pe\":").Put(e.pe).Put(",\"arrival\":").Put(t.arrival);
  }
  const EventRun& r = in.run;
  if (r.count > 1) {
    out.Put(",\"repeat\":{\"count\":").Put(r.count).Put(",\"start_step\":").Put(r.start_step);
    out.Put(",\"i_step\":").Put(r.i_step).Put(",\"j_step\":").Put(r.j_step).Put('}');
  }
  out.Put('}');
}

}  // namespace attnsched
