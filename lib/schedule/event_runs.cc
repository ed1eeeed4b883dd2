#include "lib/schedule/event_runs.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

// Types (3) times kinds (at most 8) of events on one PE: the encoder's lanes per PE.
constexpr int64_t kLanesPerPe = 24;

bool Increasing(int64_t start_step, int64_t i_step, int64_t j_step) {
  return start_step > 0 || (start_step == 0 && (i_step > 0 || (i_step == 0 && j_step > 0)));
}

bool Fits32(absl::int128 value) {
  return value >= std::numeric_limits<int32_t>::min() &&
         value <= std::numeric_limits<int32_t>::max();
}

}  // namespace

absl::Status CheckRun(const EventRun& run) {
  if (run.count < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("count = ", run.count, ": a run has at least one event"));
  }
  if (run.count == 1) return absl::OkStatus();
  if (!Increasing(run.start_step, run.i_step, run.j_step)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "start_step = ", run.start_step, ", i_step = ", run.i_step, ", j_step = ", run.j_step,
        ": a run's events must follow the canonical order (start_step > 0, or start_step = 0 "
        "and (i_step, j_step) > (0, 0))"));
  }
  const absl::int128 steps = run.count - 1;
  const absl::int128 last_start = run.first.start + steps * run.start_step;
  if (last_start > kMaxStart) {
    return absl::InvalidArgumentError(absl::StrCat(
        "count = ", run.count, ": the run's last event would start after cycle 2^62"));
  }
  for (const auto& [name, first, step] :
       {std::tuple{"i", run.first.i, run.i_step}, std::tuple{"j", run.first.j, run.j_step}}) {
    if (!Fits32(first + steps * step)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "count = ", run.count, ": the run's last ", name, " would not fit 32 bits"));
    }
  }
  return absl::OkStatus();
}

RunEncoder::RunEncoder(int64_t pes, size_t max_pending, Emit emit, int64_t rows_per_head)
    : pes_(pes),
      max_pending_(std::max<size_t>(max_pending, 1)),
      emit_(std::move(emit)),
      rows_per_head_(rows_per_head),
      open_(static_cast<size_t>(pes * kLanesPerPe), kNone) {}

absl::Status RunEncoder::Add(const Event& event) {
  if (!cycle_.empty() && event.start != cycle_.back().start) {
    if (event.start < cycle_.back().start) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the compact form needs events in start order: ", event.start, " after ",
          cycle_.back().start));
    }
    RETURN_IF_ERROR(CutCycle());
  }
  cycle_.push_back(event);
  return absl::OkStatus();
}

absl::Status RunEncoder::Finish() {
  RETURN_IF_ERROR(CutCycle());
  for (Pending& p : pending_) p.lane = kNone;
  std::fill(open_.begin(), open_.end(), kNone);
  return Flush();
}

absl::Status RunEncoder::CutCycle() {
  if (!std::is_sorted(cycle_.begin(), cycle_.end(), CanonicalLess)) {
    std::sort(cycle_.begin(), cycle_.end(), CanonicalLess);
  }
  for (const Event& e : cycle_) {
    RETURN_IF_ERROR(Cut(e));
    RETURN_IF_ERROR(Flush());
  }
  cycle_.clear();
  return absl::OkStatus();
}

int64_t RunEncoder::LaneOf(const Event& e) const {
  if (e.pe < 0 || e.pe >= pes_ || e.kind >= 8) return kNone;
  return e.pe * kLanesPerPe + static_cast<int64_t>(e.type) * 8 + e.kind;
}

absl::Status RunEncoder::Cut(const Event& event) {
  const int64_t lane = LaneOf(event);
  if (lane != kNone && open_[lane] != kNone) {
    Pending& open = pending_[static_cast<size_t>(open_[lane] - base_)];
    if (Extends(open.run, event)) return absl::OkStatus();
    open.lane = kNone;
    open_[lane] = kNone;
  }
  pending_.push_back(Pending{EventRun{event}, lane});
  if (lane != kNone) open_[lane] = base_ + static_cast<int64_t>(pending_.size()) - 1;
  return absl::OkStatus();
}

bool RunEncoder::Extends(EventRun& run, const Event& e) const {
  if (rows_per_head_ > 0 && e.i / rows_per_head_ != run.first.i / rows_per_head_) return false;
  const Event last = run.at(run.count - 1);
  const absl::int128 start_step = static_cast<absl::int128>(e.start) - last.start;
  const int64_t i_step = int64_t{e.i} - last.i;
  const int64_t j_step = int64_t{e.j} - last.j;
  if (start_step > kMaxStart || !Fits32(i_step) || !Fits32(j_step)) return false;
  if (run.count == 1) {
    if (!Increasing(static_cast<int64_t>(start_step), i_step, j_step)) return false;
    run.start_step = static_cast<int64_t>(start_step);
    run.i_step = static_cast<int32_t>(i_step);
    run.j_step = static_cast<int32_t>(j_step);
  } else if (start_step != run.start_step || i_step != run.i_step || j_step != run.j_step) {
    return false;
  }
  ++run.count;
  return true;
}

absl::Status RunEncoder::Flush() {
  while (!pending_.empty()) {
    Pending& front = pending_.front();
    if (front.lane != kNone) {
      if (pending_.size() <= max_pending_) break;
      open_[front.lane] = kNone;  // too many wait behind it: close it here
    }
    RETURN_IF_ERROR(emit_(front.run));
    pending_.pop_front();
    ++base_;
  }
  return absl::OkStatus();
}

absl::Status RunExpander::Add(const EventRun& run) {
  if (last_first_ && CanonicalLess(run.first, *last_first_)) {
    return absl::InvalidArgumentError(
        "first: before the previous run's first event (runs come in the canonical order of "
        "their first events)");
  }
  if (heap_.size() >= max_held_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "more than ", max_held_,
        " runs overlap (attnsched's writers keep at most 65536 open at once)"));
  }
  last_first_ = run.first;
  heap_.push_back(Held{run.first, run.count, run.start_step, run.i_step, run.j_step});
  for (size_t k = heap_.size() - 1; k > 0;) {  // sift up
    const size_t parent = (k - 1) / 2;
    if (!CanonicalLess(heap_[k].next, heap_[parent].next)) break;
    std::swap(heap_[k], heap_[parent]);
    k = parent;
  }
  return absl::OkStatus();
}

void RunExpander::Take(bool all, size_t max, std::vector<Event>& out) {
  for (size_t taken = 0; taken < max && !heap_.empty(); ++taken) {
    Held& top = heap_.front();
    if (!all && CanonicalLess(*last_first_, top.next)) return;
    out.push_back(top.next);
    if (--top.left == 0) {
      top = heap_.back();
      heap_.pop_back();
      if (heap_.empty()) return;
    } else {
      top.next.start += top.start_step;
      top.next.i += top.i_step;
      top.next.j += top.j_step;
    }
    SiftDown(0);
  }
}

void RunExpander::SiftDown(size_t k) {
  const size_t size = heap_.size();
  Held moving = heap_[k];
  while (true) {
    size_t child = 2 * k + 1;
    if (child >= size) break;
    if (child + 1 < size && CanonicalLess(heap_[child + 1].next, heap_[child].next)) ++child;
    if (!CanonicalLess(heap_[child].next, moving.next)) break;
    heap_[k] = heap_[child];
    k = child;
  }
  heap_[k] = moving;
}

}  // namespace attnsched
