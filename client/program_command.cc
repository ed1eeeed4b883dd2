#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "client/commands.h"
#include "client/flags.h"
#include "client/rendered_schedule.h"
#include "client/report.h"
#include "lib/base/output_file.h"
#include "lib/export/pe_programs.h"
#include "lib/export/schedule_json.h"
#include "lib/status_macros.h"
#include "nlohmann/json.hpp"

namespace attnsched::cli {
namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;

// Writes programs as text or JSON (docs/schedule-format.md, "Per-PE programs"): one
// PE's as its instructions arrive, every PE's grouped by PE at the end (holding at
// most `max_held` instructions).
class ProgramPrinter {
 public:
  ProgramPrinter(const Problem& problem, std::optional<int32_t> pe, bool json, int64_t max_held,
                 std::ostream& out)
      : problem_(problem),
        pe_(pe),
        json_(json),
        max_held_(max_held),
        out_(out),
        held_(pe ? 0 : problem.pes()) {
    if (json_) {
      nlohmann::json header = {{"format", "attnsched.programs.v1"},
                               {"instance", InstanceJson(problem.instance)},
                               {"pes", problem.pes()},
                               {"loops", absl::GetFlag(FLAGS_loops)},
                               {"programs", nlohmann::json::array()}};
      std::string text = header.dump();
      text.resize(text.size() - 2);  // reopen "programs": [
      text_.Put(text);
    } else {
      text_.Put(absl::StrCat("# attnsched per-PE programs of ",
                             InstanceJson(problem.instance).dump(), " on ", problem.pes(),
                             " PEs; columns: start, end (cycles), instruction; \"xN:\" a loop of "
                             "N\n"));
    }
    if (pe_) Open(*pe_);
  }

  absl::Status Add(const Instruction& in) {
    if (pe_) return Print(in);
    if (++held_count_ > max_held_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the programs hold more than ", max_held_,
          " instructions (lines), the event limit; give --pe P to stream one PE's program, "
          "or raise --max-events"));
    }
    held_[in.pe].push_back(in);
    return absl::OkStatus();
  }

  absl::Status Finish() {
    if (pe_) {
      Close();
    } else {
      for (int32_t p = 0; p < problem_.pes(); ++p) {
        Open(p);
        for (const Instruction& in : held_[p]) RETURN_IF_ERROR(Print(in));
        Close();
      }
    }
    if (json_) text_.Put("]}\n");
    RETURN_IF_ERROR(Flush());
    out_.flush();
    if (!out_) return absl::DataLossError("writing the programs failed (disk full?)");
    return absl::OkStatus();
  }

 private:
  void Open(int32_t pe) {
    if (json_) {
      text_.Put(pe == first_pe() ? "\n" : ",\n").Put("{\"pe\":").Put(pe).Put(",\"instructions\":[");
    } else {
      text_.Put("PE ").Put(pe).Put(":\n");
    }
    lines_ = instructions_ = 0;
    current_ = pe;
  }
  void Close() {
    if (json_) {
      text_.Put("],\"lines\":").Put(lines_).Put(",\"instructions_total\":").Put(instructions_);
      text_.Put('}');
    } else {
      text_.Put("# PE ").Put(current_).Put(": ").Put(instructions_).Put(" instructions in ");
      text_.Put(lines_).Put(" lines\n");
    }
  }
  // Writes the text so far to the output.
  absl::Status Flush() {
    out_.write(text_.data(), static_cast<std::streamsize>(text_.size()));
    text_.clear();
    if (!out_) return absl::DataLossError("writing the programs failed (disk full?)");
    return absl::OkStatus();
  }
  int32_t first_pe() const { return pe_ ? *pe_ : 0; }

  absl::Status Print(const Instruction& in) {
    if (json_) {
      text_.Put(lines_ == 0 ? "\n" : ",\n");
      AppendInstructionJson(problem_, in, text_);
    } else {
      AppendInstructionText(problem_, in, text_);
      text_.Put('\n');
    }
    ++lines_;
    instructions_ += in.run.count;
    return text_.size() < kFlushBytes ? absl::OkStatus() : Flush();
  }

  const Problem problem_;
  const std::optional<int32_t> pe_;
  const bool json_;
  const int64_t max_held_;
  std::ostream& out_;
  std::vector<std::vector<Instruction>> held_;  // per PE, without --pe
  int64_t held_count_ = 0;
  int32_t current_ = 0;
  int64_t lines_ = 0, instructions_ = 0;
  TextBuffer text_;  // written out past kFlushBytes
};

absl::StatusOr<std::optional<int32_t>> PeFlag(const Problem& problem) {
  const int64_t pe = absl::GetFlag(FLAGS_pe);
  if (pe == -1) return std::nullopt;
  if (pe < 0 || pe >= problem.pes()) {
    return absl::InvalidArgumentError(absl::StrCat("--pe = ", pe, ": out of range [0, ",
                                                   problem.pes(), "): the schedule has ",
                                                   problem.pes(), " PEs (-1: every PE)"));
  }
  return static_cast<int32_t>(pe);
}

absl::Status WritePrograms(EventSource& source, std::optional<int32_t> pe, std::ostream& out) {
  ASSIGN_OR_RETURN(const int64_t max_held, MaxEventsFlag());
  ProgramPrinter printer(source.problem(), pe, absl::GetFlag(FLAGS_json), max_held, out);
  ProgramSplitter split(source.problem(), pe, absl::GetFlag(FLAGS_loops),
                        [&printer](const Instruction& in) { return printer.Add(in); });
  RETURN_IF_ERROR(RenderValidated(source, split).status());
  return printer.Finish();
}

absl::Status Program(const Invocation& call) {
  const std::string path = absl::GetFlag(FLAGS_out);
  if (!path.empty()) RETURN_IF_ERROR(OutputFile::Create("--out", path).status());
  ASSIGN_OR_RETURN(ScheduleToRender input,
                   OpenScheduleToRender("program", call, {"out", "pe", "loops", "json"}));
  EventSource& source = input.source();
  ASSIGN_OR_RETURN(const std::optional<int32_t> pe, PeFlag(source.problem()));
  if (path.empty()) return WritePrograms(source, pe, std::cout);
  return WriteOutput("--out", path,
                     [&](std::ostream& out) { return WritePrograms(source, pe, out); });
}

}  // namespace

int RunProgram(const Invocation& call) {
  if (absl::Status s = Program(call); !s.ok()) return ReportError("program", s);
  return kExitOk;
}

}  // namespace attnsched::cli
