#include "attnsched/v1/chunks.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "attnsched/v1/convert.h"
#include "lib/model/heads.h"
#include "lib/schedule/validator.h"
#include "lib/status_macros.h"

namespace attnsched::rpc {
namespace {

std::string ChunkPath(int64_t chunk) { return absl::StrCat("chunks[", chunk, "]"); }

// The most events a run of `first`'s kind holds in a schedule that repeats no operation
// and moves or frees each item at most once per link or PE: the task graph's
// operations or items of that kind (n vectors; a score per dot; a probability per
// axpy). Bounds what a few bytes of a compact stream can stand for.
int64_t RunLimit(const Problem& problem, const OperationCounts& ops, const Event& first) {
  if (first.is_op()) {
    switch (first.op().kind) {
      case OpKind::kDot: return ops.dots;
      case OpKind::kSoftmax: return ops.softmaxes;
      case OpKind::kAxpy: return ops.axpys;
    }
  }
  switch (first.item().kind) {
    case ItemKind::kS: return ops.dots;
    case ItemKind::kP: return ops.axpys;
    default: return problem.n();
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChunkEventSource>> ChunkEventSource::Open(ReadChunk read,
                                                                        int64_t max_events,
                                                                        const Admit& admit) {
  std::unique_ptr<ChunkEventSource> source(new ChunkEventSource(std::move(read)));
  RETURN_IF_ERROR(source->ReadHeader(max_events, admit));
  source->Refill();
  RETURN_IF_ERROR(source->status_);
  return source;
}

absl::StatusOr<bool> ChunkEventSource::ReadChunkChecked() {
  // A fresh message on a fresh arena per chunk: the events' sub-messages cost no
  // malloc and free each.
  arena_.Reset();
  chunk_ = google::protobuf::Arena::CreateMessage<v1::ScheduleChunk>(&arena_);
  ASSIGN_OR_RETURN(const bool more, read_(*chunk_));
  if (!more) return false;
  RETURN_IF_ERROR(CheckChunk(*chunk_));
  ++chunks_;
  last_seen_ = chunk_->last();
  if (chunk_->has_summary()) summary_ = chunk_->summary();
  return true;
}

absl::Status ChunkEventSource::ReadHeader(int64_t max_events, const Admit& admit) {
  ASSIGN_OR_RETURN(const bool any, ReadChunkChecked());
  if (!any) {
    return absl::InvalidArgumentError("problem: missing (the first chunk carries the problem)");
  }
  ASSIGN_OR_RETURN(problem_, ProblemFromProto(chunk_->problem()));
  ASSIGN_OR_RETURN(placement_,
                   CheckedLayerPlacement(problem_.instance,
                                         Placement(chunk_->placement().begin(),
                                                   chunk_->placement().end()),
                                         problem_.pes()));
  events_total_ = chunk_->events_total();
  // A stream in start order is never held: only a sorted copy counts against the limit.
  const bool in_order = chunk_->start_order();
  if (events_total_ < 0 && !(events_total_ == kUnknownTotal && in_order)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunks[0].events_total = ", events_total_,
        ": must be >= 0, or -1 (not known in advance) with start_order"));
  }
  RETURN_IF_ERROR(CheckScheduleHeader(problem_, placement_, events_total_,
                                      in_order ? std::numeric_limits<int64_t>::max()
                                               : max_events));
  if (events_total_ != kUnknownTotal && chunk_->events_size() > events_total_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunks[0]: more events than the first chunk's events_total = ", events_total_));
  }
  if (chunk_->compact()) {
    if (!in_order) {
      return absl::InvalidArgumentError(
          "chunks[0].compact: needs start_order (runs come in the order of their first "
          "events)");
    }
    expander_.emplace(RunExpander::kDefaultMaxHeld);
    operations_ = CountOperations(problem_.instance);
  }
  if (chunk_->has_simulate()) simulate_ = chunk_->simulate();
  if (chunk_->has_seed()) seed_ = chunk_->seed();
  if (admit) RETURN_IF_ERROR(admit(problem_, in_order ? 0 : events_total_));
  if (!in_order) return ReadAllAndSort();
  first_pending_ = true;
  return absl::OkStatus();
}

absl::Status ChunkEventSource::CheckChunk(const v1::ScheduleChunk& chunk) const {
  const std::string path = ChunkPath(chunks_);
  if (chunk.chunk_index() != chunks_) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": chunk_index = ", chunk.chunk_index(),
                                                   ", expected ", chunks_,
                                                   " (chunks arrive in order, none skipped)"));
  }
  if (const int64_t records = chunk.events_size() + chunk.runs_size(); records > kMaxChunkRecords) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": ", records, " events and runs, more than the ", kMaxChunkRecords,
        " a chunk may carry (attnsched's writers send at most 65536)"));
  }
  if (chunks_ > 0) {
    for (const auto& [set, field] : {std::pair{chunk.has_problem(), "problem"},
                                     {chunk.placement_size() > 0, "placement"},
                                     {chunk.events_total() != 0, "events_total"},
                                     {chunk.start_order(), "start_order"},
                                     {chunk.compact(), "compact"},
                                     {chunk.has_simulate(), "simulate"},
                                     {chunk.has_seed(), "seed"}}) {
      if (set) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ".", field, ": only the first chunk carries the ", field));
      }
    }
  }
  if (last_seen_) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": a chunk after the one marked last"));
  }
  if (chunk.has_summary() && !chunk.last()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".summary: only the last chunk carries the summary"));
  }
  // The first chunk is checked once it has set events_total (ReadHeader).
  if (chunks_ > 0 && events_total_ != kUnknownTotal &&
      received_ + chunk.events_size() > events_total_) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": more events than the first chunk's events_total = ", events_total_));
  }
  return absl::OkStatus();
}

absl::StatusOr<Event> ChunkEventSource::ChunkEvent(int k) const {
  absl::StatusOr<Event> e = EventFromProto(chunk_->events(k), k, problem_.instance);
  if (e.ok()) return e;
  return absl::Status(e.status().code(),  // "chunks[2].events[7]...": within its chunk
                      absl::StrCat(ChunkPath(chunks_ - 1), ".", e.status().message()));
}

absl::Status ChunkEventSource::ConvertChunk() {
  if (chunk_->runs_size() > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        ChunkPath(chunks_ - 1),
        ".runs: runs make a compact stream, and the first chunk does not set compact"));
  }
  block_.clear();
  indices_.clear();
  block_first_ = received_;
  for (int k = 0; k < chunk_->events_size(); ++k) {
    const v1::Event& proto = chunk_->events(k);
    ASSIGN_OR_RETURN(const Event e, ChunkEvent(k));
    const int64_t previous = !block_.empty() ? block_.back().start : last_start_;
    if (received_ > 0 && e.start < previous) {
      return absl::InvalidArgumentError(absl::StrCat(
          ChunkPath(chunks_ - 1), ".events[", k, "]: start = ", e.start,
          " is before the previous event's start ", previous,
          "; the first chunk declares start_order (send the events sorted by start, or "
          "leave start_order unset)"));
    }
    if (proto.has_index() && indices_.empty()) {  // positions so far are implicit
      for (int64_t i = block_first_; i < received_; ++i) indices_.push_back(i);
    }
    if (!indices_.empty()) indices_.push_back(proto.has_index() ? proto.index() : received_);
    block_.push_back(e);
    ++received_;
  }
  if (!block_.empty()) last_start_ = block_.back().start;
  return absl::OkStatus();
}

absl::Status ChunkEventSource::AddRuns() {
  const std::string path = ChunkPath(chunks_ - 1);
  if (chunk_->events_size() > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".events: a compact stream carries runs, not events"));
  }
  for (int k = 0; k < chunk_->runs_size(); ++k) {
    absl::StatusOr<EventRun> run = RunFromProto(chunk_->runs(k), k, problem_.instance);
    if (!run.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ".", run.status().message()));
    }
    if (events_total_ != kUnknownTotal && run->count > events_total_ - received_) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".runs[", k, "]: more events than the first chunk's events_total = ",
          events_total_));
    }
    if (const int64_t limit = RunLimit(problem_, operations_, run->first); run->count > limit) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".runs[", k, "].count = ", run->count, ": more than the ", limit,
          " operations or items of its kind in the task graph (a run on one PE or link "
          "repeats none; write such a schedule as events)"));
    }
    if (absl::Status s = expander_->Add(*run); !s.ok()) {
      // "first: ..." names a field of the run; the limit on overlapping runs does not.
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".runs[", k, "]", absl::IsResourceExhausted(s) ? ": " : ".", s.message()));
    }
    received_ += run->count;
  }
  return absl::OkStatus();
}

EventSource::Block ChunkEventSource::NextExpandedBlock() {
  while (status_.ok()) {
    block_.clear();
    expander_->Take(ended_, ListBlocks::kBlockEvents, block_);
    if (!block_.empty()) {
      const int64_t first = expanded_;
      expanded_ += static_cast<int64_t>(block_.size());
      return {block_, first, {}};
    }
    if (ended_) break;
    if (first_pending_) {
      first_pending_ = false;
    } else {
      absl::StatusOr<bool> more = ReadChunkChecked();
      if (!more.ok()) {
        status_ = more.status();
        break;
      }
      if (!*more) {
        ended_ = true;
        status_ = CheckComplete();
        continue;
      }
    }
    status_ = AddRuns();
  }
  return {};
}

EventSource::Block ChunkEventSource::NextBlock() {
  if (held_blocks_) return held_blocks_->Next();
  if (expander_) return NextExpandedBlock();
  while (status_.ok()) {
    if (first_pending_) {
      first_pending_ = false;
    } else {
      absl::StatusOr<bool> more = ReadChunkChecked();
      if (!more.ok() || !*more) {
        status_ = more.ok() ? CheckComplete() : more.status();
        break;
      }
    }
    status_ = ConvertChunk();
    if (status_.ok() && !block_.empty()) return {block_, block_first_, indices_};
  }
  return {};
}

absl::Status ChunkEventSource::ReadAllAndSort() {
  held_.emplace(Schedule{problem_, placement_, {}});
  std::vector<Event>& events = held_->events;
  // Reserve what one chunk of 64 Ki events needs at most; growth does the rest, so an
  // announced total costs nothing until the events arrive.
  events.reserve(static_cast<size_t>(std::min<int64_t>(events_total_, 1 << 16)));
  while (true) {
    for (int k = 0; k < chunk_->events_size(); ++k, ++received_) {
      ASSIGN_OR_RETURN(const Event event, ChunkEvent(k));
      events.push_back(event);
    }
    ASSIGN_OR_RETURN(const bool more, ReadChunkChecked());
    if (!more) break;
  }
  RETURN_IF_ERROR(CheckComplete());
  held_blocks_.emplace(events);
  return absl::OkStatus();
}

absl::Status ChunkEventSource::CheckComplete() const {
  if (events_total_ == kUnknownTotal) {
    if (last_seen_) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        "the stream ended after ", ChunkPath(chunks_ - 1), " (", received_,
        " events) without its last chunk: a chunk was lost or could not be decoded"));
  }
  if (received_ == events_total_) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "the stream ended after ", ChunkPath(chunks_ - 1), " with ", received_, " of ",
      events_total_, " events: a chunk was lost or could not be decoded"));
}

ChunkWriter::ChunkWriter(const Problem& problem, const Placement& placement, int64_t events_total,
                         int64_t chunk_events, WriteChunk write, ChunkForm form)
    : chunk_events_(chunk_events), write_(std::move(write)), problem_(problem) {
  ProblemToProto(problem, chunk_.mutable_problem());
  const Placement homes = HeadPlacement(problem_.instance, placement);
  chunk_.mutable_placement()->Assign(homes.begin(), homes.end());
  chunk_.set_events_total(events_total);
  chunk_.set_start_order(true);
  if (form == ChunkForm::kRuns) {
    chunk_.set_compact(true);
    runs_.emplace(
        problem.pes(), RunEncoder::kDefaultMaxPending,
        [this](const EventRun& run) { return AddRun(run); },
        problem_.instance.heads() > 1 ? problem_.instance.rows_per_head() : 0);
  }
}

absl::Status ChunkWriter::AddRun(const EventRun& run) {
  RunToProto(run, problem_, chunk_.add_runs());
  if (chunk_.runs_size() < chunk_events_) return absl::OkStatus();
  return Send(false);
}

absl::Status ChunkWriter::Write(const Event& event, int64_t index) {
  if (runs_) return runs_->Add(event);
  v1::Event* e = chunk_.add_events();
  EventToProto(event, problem_, e);
  if (index != written_) e->set_index(index);
  ++written_;
  if (chunk_.events_size() < chunk_events_) return absl::OkStatus();
  return Send(false);
}

absl::Status ChunkWriter::Finish(const absl::Status& source_status) {
  RETURN_IF_ERROR(source_status);  // no `last` chunk: the receiver sees a cut stream
  if (runs_) RETURN_IF_ERROR(runs_->Finish());
  if (summary_) *chunk_.mutable_summary() = *summary_;
  return Send(true);
}

absl::Status ChunkWriter::Send(bool last) {
  chunk_.set_chunk_index(chunks_++);
  chunk_.set_last(last);
  if (!write_(chunk_)) return absl::CancelledError("the receiver of the chunk stream left");
  chunk_.Clear();
  return absl::OkStatus();
}

bool WriteChunks(EventSource& source, int64_t events_total, int64_t chunk_events,
                 const v1::ScheduleSummary* summary,
                 const std::function<bool(const v1::ScheduleChunk&)>& write,
                 absl::Status* error) {
  ChunkWriter writer(source.problem(), source.placement(), events_total, chunk_events, write);
  if (summary != nullptr) writer.set_summary(*summary);
  const absl::Status written = WriteAll(source, writer);
  if (!source.status().ok() && error != nullptr) *error = source.status();
  return written.ok();
}

}  // namespace attnsched::rpc
