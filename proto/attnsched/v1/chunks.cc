#include "attnsched/v1/chunks.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "attnsched/v1/convert.h"
#include "lib/schedule/validator.h"
#include "lib/status_macros.h"

namespace attnsched::rpc {

absl::Status ChunkAssembler::Add(const v1::ScheduleChunk& chunk) {
  const std::string path = absl::StrCat("chunks[", chunks_, "]");
  if (chunk.chunk_index() != chunks_) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": chunk_index = ", chunk.chunk_index(),
                                                   ", expected ", chunks_,
                                                   " (chunks arrive in order, none skipped)"));
  }
  if (chunks_++ == 0) {
    ASSIGN_OR_RETURN(const Problem problem, ProblemFromProto(chunk.problem()));
    Placement placement(chunk.placement().begin(), chunk.placement().end());
    RETURN_IF_ERROR(ValidatePlacement(placement, problem.n(), problem.pes()));
    events_total_ = chunk.events_total();
    RETURN_IF_ERROR(CheckScheduleHeader(problem, placement, events_total_, max_events_));
    if (events_total_ < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".events_total = ", events_total_, ": must be >= 0"));
    }
    schedule_ = Schedule{problem, std::move(placement), {}};
    // Reserve what one chunk of 64 Ki events needs at most; growth does the rest, so
    // an announced total costs nothing until the events arrive.
    schedule_->events.reserve(static_cast<size_t>(std::min<int64_t>(events_total_, 1 << 16)));
    if (chunk.has_summary()) summary_ = chunk.summary();
  } else {
    for (const auto& [set, field] : {std::pair{chunk.has_problem(), "problem"},
                                     {chunk.placement_size() > 0, "placement"},
                                     {chunk.events_total() != 0, "events_total"},
                                     {chunk.has_summary(), "summary"}}) {
      if (set) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ".", field, ": only the first chunk carries the ", field));
      }
    }
  }
  std::vector<Event>& events = schedule_->events;
  if (static_cast<int64_t>(events.size()) + chunk.events_size() > events_total_) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": more events than the first chunk's events_total = ", events_total_));
  }
  for (const v1::Event& e : chunk.events()) {
    ASSIGN_OR_RETURN(const Event event, EventFromProto(e, static_cast<int64_t>(events.size())));
    events.push_back(event);
  }
  return absl::OkStatus();
}

absl::StatusOr<Schedule> ChunkAssembler::Finish() {
  if (!schedule_) {
    return absl::InvalidArgumentError("problem: missing (the first chunk carries the problem)");
  }
  const int64_t received = static_cast<int64_t>(schedule_->events.size());
  if (received < events_total_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the stream ended after chunks[", chunks_ - 1, "] with ", received, " of ",
        events_total_, " events: a chunk was lost or could not be decoded"));
  }
  return *std::move(schedule_);
}

bool WriteChunks(const Schedule& schedule, int64_t chunk_events,
                 const v1::ScheduleSummary* summary,
                 const std::function<bool(const v1::ScheduleChunk&)>& write) {
  v1::ScheduleChunk chunk;
  if (summary != nullptr) *chunk.mutable_summary() = *summary;
  ProblemToProto(schedule.problem, chunk.mutable_problem());
  chunk.mutable_placement()->Assign(schedule.placement.begin(), schedule.placement.end());
  chunk.set_events_total(static_cast<int64_t>(schedule.events.size()));
  const std::vector<Event>& events = schedule.events;
  int64_t index = 0;
  for (size_t k = 0; k <= events.size(); ++k) {
    if (k < events.size()) EventToProto(events[k], chunk.add_events());
    const bool full = chunk.events_size() >= chunk_events;
    if (!full && k < events.size()) continue;
    chunk.set_chunk_index(index++);
    if (!write(chunk)) return false;
    chunk.Clear();
  }
  return true;
}

}  // namespace attnsched::rpc
