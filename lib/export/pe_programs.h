// Per-PE programs: a schedule cut into what each PE does, for compilers that lower
// it (docs/schedule-format.md, "Per-PE programs"). PE p's program lists, in start
// order, every event on p:
//   compute  an operation its unit runs            start, end
//   send     an item over its link p -> p+1        start, end (link free), arrival
//   receive  an item over the link p-1 -> p        the transfer's start, end and
//                                                  arrival (p holds it from arrival)
//   free     an item it drops                      start (= end)
// so every transfer appears twice: as its sender's send and its receiver's receive.
// With loops, an instruction stands for a run of the compact form (event_runs.h):
// `count` instructions whose start, i and j advance by start_step, i_step and
// j_step, all of one duration (runs are cut where it changes), so the k-th ends and
// arrives k x start_step after the first; the periodic part of a ring schedule (a PE's dots over a
// received block, a link's blocks) is one line, and a schedule of 1e9 events a short program.
//
// The splitter is an event sink: it takes the events of a valid schedule (PEs in
// [0, m): hand it what the validator accepts) in start order and emits
// instructions in the order of their first events, tagged with their PE, holding
// O(m) state (with loops, RunEncoder's pending runs). Example:
//   ProgramSplitter split(problem, /*pe=*/std::nullopt, /*loops=*/true,
//                         [&](const Instruction& in) { return Print(in); });
//   RETURN_IF_ERROR(WriteAll(source, split));
#ifndef ATTNSCHED_LIB_EXPORT_PE_PROGRAMS_H_
#define ATTNSCHED_LIB_EXPORT_PE_PROGRAMS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "lib/base/text_buffer.h"
#include "lib/schedule/event_runs.h"
#include "lib/schedule/event_sink.h"
#include "lib/schedule/schedule.h"

namespace attnsched {

enum class InstructionType : uint8_t { kCompute, kSend, kReceive, kFree };

// "compute", "send", "receive", "free".
absl::string_view InstructionTypeName(InstructionType type);

// One instruction of PE `pe`'s program: `run` holds its event (a transfer's pe is
// its sender) and, with loops, the steps of the run it stands for (count 1 else).
struct Instruction {
  int32_t pe = 0;
  InstructionType type = InstructionType::kCompute;
  EventRun run;
};

class ProgramSplitter final : public EventSink {
 public:
  using Emit = std::function<absl::Status(const Instruction&)>;
  // `pe`: only that PE's program (in [0, m), checked by the caller); nullopt: every
  // PE's. `loops`: instructions stand for runs.
  ProgramSplitter(const Problem& problem, std::optional<int32_t> pe, bool loops, Emit emit);

  absl::Status Write(const Event& event, int64_t index) override;
  absl::Status Finish(const absl::Status& source_status) override;

 private:
  // The instructions of a run, for the PEs asked for, cut into runs of one duration.
  absl::Status Split(const EventRun& run);
  absl::Status EmitRun(const EventRun& run);  // one duration
  bool Wanted(int32_t pe) const { return !pe_ || *pe_ == pe; }

  const Problem problem_;
  const int64_t m_;
  const std::optional<int32_t> pe_;
  const Emit emit_;
  std::optional<RunEncoder> runs_;  // with loops
};

// Appends a line of PE programs' text form to `out`:
//   "     12      14  compute dot(3,5)"
//   "     12      14  send k(5) to PE 3, arrives 15"
//   "     12      14  receive k(4) from PE 1, arrives 15"
//   "     20      20  free k(4)"
// start and end in cycles; a loop adds "  x7: start +2, j +1" (the steps not 0).
void AppendInstructionText(const Problem& problem, const Instruction& in, TextBuffer& out);

// Appends the instruction's JSON object (no newline):
//   {"type":"compute","start":12,"end":14,"op":"dot(3,5)"}
//   {"type":"send","start":12,"end":14,"item":"k(5)","to_pe":3,"arrival":15}
//   {"type":"receive","start":12,"end":14,"item":"k(4)","from_pe":1,"arrival":15}
//   {"type":"free","start":20,"end":20,"item":"k(4)"}
// and for a loop "repeat":{"count":7,"start_step":2,"i_step":0,"j_step":1}, whose
// instructions k = 0..count-1 start at start + k * start_step, with i + k * i_step
// and j + k * j_step, and end and arrive k * start_step after the first.
void AppendInstructionJson(const Problem& problem, const Instruction& in, TextBuffer& out);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_EXPORT_PE_PROGRAMS_H_
