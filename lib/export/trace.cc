#include "lib/export/trace.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/export/schedule_json.h"
#include "lib/model/heads.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;

// The name of an event's kind: its category, and an aggregate's name.
absl::string_view KindName(const Event& e) {
  return e.is_op() ? OpKindName(e.op().kind) : e.is_free() ? "free" : ItemKindName(e.item().kind);
}

}  // namespace

TraceWriter::TraceWriter(const Problem& problem, const TraceOptions& options, std::ostream& out)
    : problem_(problem),
      options_(options),
      out_(out),
      open_(options.aggregate ? 3 * problem.pes() : 0),
      samples_(problem.pes()),
      named_(3 * problem.pes(), false) {
  const nlohmann::json other = {
      {"format", "attnsched.trace.v1"},
      {"instance", InstanceJson(problem.instance)},
      {"pes", problem.pes()},
      {"time_unit", "1 cycle is shown as 1 us"},
      {"window",
       {options.from, options.to == kMaxStart ? nlohmann::json() : nlohmann::json(options.to)}},
      {"aggregate", options.aggregate},
  };
  buffer_.Put(absl::StrCat("{\"displayTimeUnit\":\"ns\",\"otherData\":", other.dump(),
                           ",\"traceEvents\":[\n",
                           "{\"ph\":\"M\",\"pid\":0,\"name\":\"process_name\",\"args\":{\"name\":"
                           "\"PEs\"}},\n{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":"
                           "{\"name\":\"links\"}}"));
}

int64_t TraceWriter::Track(const Problem& problem, const Event& e) {
  const int64_t m = problem.pes();
  return e.is_op() ? e.pe : e.is_free() ? m + e.pe : 2 * m + e.pe;
}

bool TraceWriter::InWindow(const Event& e, int64_t end) const {
  if (end == e.start) return e.start >= options_.from && e.start < options_.to;
  return e.start < options_.to && end > options_.from;
}

absl::Status TraceWriter::Write(const Event& e, int64_t /*index*/) {
  const int64_t end = TimingOf(problem_, e).end;
  last_end_ = std::max(last_end_, end);
  if (!InWindow(e, end)) return absl::OkStatus();
  if (!options_.aggregate) return Slice(e, end, nullptr);
  Open& open = open_[Track(problem_, e)];
  if (open.events > 0 && open.first.type == e.type && open.first.kind == e.kind) {
    open.last = e;
    open.end = end;
    ++open.events;
    open.busy += end - e.start;
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(Close(open));
  open = Open{e, e, end, 1, end - e.start};
  return absl::OkStatus();
}

absl::Status TraceWriter::Close(Open& open) {
  if (open.events == 0) return absl::OkStatus();
  const absl::Status s = Slice(open.first, open.end, open.events > 1 ? &open : nullptr);
  open.events = 0;
  return s;
}

absl::Status TraceWriter::Slice(const Event& e, int64_t end, const Open* merged) {
  ++slices_;
  RETURN_IF_ERROR(CheckLimit());
  const int64_t track = Track(problem_, e);
  const int64_t m = problem_.pes();
  const int pid = track < 2 * m ? 0 : 1;
  const int64_t tid = pid == 0 ? track : track - 2 * m;
  if (!named_[track]) Name(track, e.pe);
  const Instance& inst = problem_.instance;
  TextBuffer& b = buffer_;
  b.Put(",\n{\"ph\":\"X\",\"pid\":").Put(int64_t{pid}).Put(",\"tid\":").Put(tid);
  b.Put(",\"ts\":").Put(e.start).Put(",\"dur\":").Put(end - e.start);
  b.Put(",\"cat\":\"").Put(KindName(e)).Put("\",\"name\":\"");
  if (merged != nullptr) {
    b.Put(KindName(e)).Put(" x").Put(merged->events).Put("\",\"args\":{\"events\":");
    b.Put(merged->events).Put(",\"busy_cycles\":").Put(merged->busy).Put(",\"first\":\"");
    b.Commit(WriteEventName(inst, e, b.Room(kMaxNameBytes)));
    b.Put("\",\"last\":\"");
    b.Commit(WriteEventName(inst, merged->last, b.Room(kMaxNameBytes)));
    b.Put("\"}}");
  } else {
    const bool two = e.is_op() ? e.op().kind != OpKind::kSoftmax : !IsVector(e.item().kind);
    const HeadIndices at = e.is_op() ? HeadIndicesOf(inst, e.op()) : HeadIndicesOf(inst, e.item());
    b.Commit(WriteEventName(inst, e, b.Room(kMaxNameBytes)));
    b.Put("\",\"args\":{");
    if (inst.heads() > 1) b.Put("\"head\":").Put(at.head).Put(',');
    b.Put("\"i\":").Put(at.i);
    if (two) b.Put(",\"j\":").Put(at.j);
    if (e.is_xfer()) {
      const EventTiming t = TimingOf(problem_, e);
      b.Put(",\"words\":").Put(attnsched::Words(inst, e.item())).Put(",\"to_pe\":");
      b.Put(t.receiver).Put(",\"arrival\":").Put(t.arrival);
    }
    b.Put("}}");
  }
  return b.size() >= kFlushBytes ? Flush() : absl::OkStatus();
}

void TraceWriter::Name(int64_t track, int32_t pe) {
  named_[track] = true;
  const int64_t m = problem_.pes();
  const int pid = track < 2 * m ? 0 : 1;
  const int64_t tid = pid == 0 ? track : track - 2 * m;
  const std::string name = track < m       ? absl::StrCat("PE ", pe)
                           : track < 2 * m ? absl::StrCat("PE ", pe, " frees")
                                           : absl::StrCat("link ", pe, "->", (pe + 1) % m);
  const int64_t order = track < m ? 2 * track : track < 2 * m ? 2 * (track - m) + 1 : tid;
  buffer_.Put(absl::StrCat(
      ",\n{\"ph\":\"M\",\"pid\":", pid, ",\"tid\":", tid,
      ",\"name\":\"thread_name\",\"args\":{\"name\":\"", name, "\"}},\n{\"ph\":\"M\",\"pid\":", pid,
      ",\"tid\":", tid, ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":", order, "}}"));
}

absl::Status TraceWriter::CheckLimit() const {
  if (slices_ + samples_count_ <= options_.max_events) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "the trace has more than ", options_.max_events,
      " trace events (slices and counter samples), the limit; aggregate them, take a window "
      "of cycles, or raise the limit"));
}

void TraceWriter::Words(int64_t cycle, int32_t pe, int64_t words) {
  if (options_.aggregate) return;
  Sample& s = samples_[pe];
  if (words == s.words || cycle >= options_.to) return;
  if (cycle > options_.from && !s.shown && s.words >= 0) Counter(options_.from, pe, s.words);
  s.words = words;
  if (cycle >= options_.from) Counter(cycle, pe, words);
}

void TraceWriter::Counter(int64_t cycle, int32_t pe, int64_t words) {
  samples_[pe].shown = true;
  ++samples_count_;
  buffer_.Put(",\n{\"ph\":\"C\",\"pid\":0,\"name\":\"words on PE ").Put(pe);
  buffer_.Put("\",\"ts\":").Put(cycle).Put(",\"args\":{\"words\":").Put(words).Put("}}");
}

absl::Status TraceWriter::Flush() {
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  if (!out_) return absl::DataLossError("writing the trace failed (disk full?)");
  return absl::OkStatus();
}

absl::Status TraceWriter::Finish(const absl::Status& source_status) {
  RETURN_IF_ERROR(source_status);
  for (Open& open : open_) RETURN_IF_ERROR(Close(open));
  for (int32_t p = 0; p < problem_.pes(); ++p) {
    const Sample& s = samples_[p];
    if (!s.shown && s.words >= 0 && options_.from < options_.to) Counter(options_.from, p, s.words);
  }
  RETURN_IF_ERROR(CheckLimit());
  buffer_.Put("\n]}\n");
  RETURN_IF_ERROR(Flush());
  out_.flush();
  if (!out_) return absl::DataLossError("writing the trace failed (disk full?)");
  return absl::OkStatus();
}

}  // namespace attnsched
