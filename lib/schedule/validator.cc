#include "lib/schedule/validator.h"

#include <algorithm>
#include <limits>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/model/heads.h"
#include "lib/model/quote.h"
#include "lib/schedule/residency.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

constexpr int64_t kMaxIndexableEvents = int64_t{1} << 32;

std::string At(int64_t cycle, int32_t pe) { return absl::StrFormat("cycle %d, PE %d: ", cycle, pe); }

// `freed`: the schedule has FREE events, so an item never resident may have been freed.
std::string ReachesText(int64_t arrival, int32_t pe, bool freed) {
  if (arrival == Residency::kNever && freed) {
    return absl::StrCat("which is not on PE ", pe, " then (freed before, or never delivered)");
  }
  if (arrival == Residency::kNever) return absl::StrCat("which never reaches PE ", pe);
  return absl::StrCat("which reaches PE ", pe, " only at cycle ", arrival);
}

// The dense index of `op` among the operations of its kind: the row of a softmax, else
// its pair's, key by key (for a dot also its score's: DotIndex of ScoreItem). `op` must
// be in the task graph.
int64_t OperationIndex(const Instance& inst, const Operation& op) {
  if (op.kind == OpKind::kSoftmax) return op.i;
  if (op.kind == OpKind::kDot && inst.shared) return inst.mask.PairIndex(op.i, op.j);
  return inst.mask.ReaderIndex(op.i, op.j);
}

// One bit per index, in words whose addresses can be prefetched (std::vector<bool>
// hides them).
class BitSet {
 public:
  explicit BitSet(int64_t size) : words_(static_cast<size_t>((size + 63) / 64), 0) {}
  bool Get(int64_t k) const { return (words_[k >> 6] >> (k & 63)) & 1; }
  void Set(int64_t k) { words_[k >> 6] |= uint64_t{1} << (k & 63); }
  void Prefetch(int64_t k) const { __builtin_prefetch(&words_[k >> 6]); }

 private:
  std::vector<uint64_t> words_;
};

// Events ahead of the current one whose records the validator prefetches: 4 overlaps
// the loads best on this machine (Llama-2-7B: 55-56 M events/s, against 55 at 8 and
// 16, and 46-47 without prefetching).
constexpr size_t kPrefetchAhead = 4;

class ValidatorRun {
 public:
  explicit ValidatorRun(const Problem& problem, const Placement& placement)
      : problem_(problem),
        placement_(placement),
        inst_(problem.instance),
        m_(problem.pes()),
        untiled_(problem.mask().tile() == 1),
        useful_events_(MaxUsefulEvents(problem)),
        residency_(problem, placement),
        softmaxes_done_(inst_.n()),
        axpys_done_(inst_.mask.ScoreCount()),
        unit_free_(m_, 0),
        unit_last_(m_),
        link_free_(m_ > 1 ? m_ : 0, 0),
        link_last_(link_free_.size()),
        words_(m_, 0),
        touched_flag_(m_, false),
        row_started_(inst_.n(), false),
        unit_last_index_(m_, -1),
        link_last_index_(link_free_.size(), -1) {
    stats_.busy_cycles.assign(m_, 0);
    stats_.link_busy_cycles.assign(link_free_.size(), 0);
    for (int32_t t = 0; t < static_cast<int32_t>(placement.size()); ++t) {
      ForEachInput(inst_, t, [&](const Item& item) { words_[placement[t]] += Words(inst_, item); });
    }
    stats_.peak_words = words_;
  }

  absl::StatusOr<ValidationReport> Run(EventSource& source, const ValidationOptions& options) {
    // Resident words are exact per cycle (closed when a later cycle begins) once a
    // storage limit or a FREE makes them matter; before, they only grow, and the
    // peak is the total. After a violation the rest is only counted: the summary's
    // figures are the whole schedule's, and a stream is read to its end.
    on_words_ = options.on_words;
    if (problem_.machine.max_words_per_pe > 0 || on_words_) TrackEveryCycle();
    int64_t seen = 0;
    const bool accepted_hook = static_cast<bool>(options.on_accepted);
    for (; source.Valid(); source.Next()) {
      if (++seen % kCancellationPollEvents == 0 && IsCancelled(options.cancelled)) {
        return StoppedError("validation");
      }
      if (seen > useful_events_) return TooManyEvents(seen);
      const Event& e = source.event();
      if (const Event* coming = source.Lookahead(kPrefetchAhead)) Prefetch(*coming);
      stats_.transfers += e.is_xfer();  // the operations are the rest (below)
      stats_.frees += e.is_free();
      if (violation_) continue;
      if (e.start != cycle_) {
        if (per_cycle_ && (violation_ = CloseCycle())) continue;
        cycle_ = e.start;
      }
      const int64_t index = source.index();
      if (const int64_t op_index = e.is_op() ? FineOperation(e) : -1; op_index >= 0) {
        RecordOp(index, e, op_index);  // the hot path: an operation that breaks no rule
      } else {
        violation_ = e.is_op()     ? CheckOp(index, e)
                     : e.is_xfer() ? CheckXfer(index, e)
                                   : CheckFree(index, e);
        if (violation_) continue;
      }
      if (accepted_hook) RETURN_IF_ERROR(options.on_accepted(e));
    }
    RETURN_IF_ERROR(source.status());
    stats_.operations = seen - stats_.transfers - stats_.frees;
    // A unit's operations do not overlap and come in start order: its last one ends
    // last, and its busy cycles are its work.
    for (int32_t p = 0; p < m_; ++p) {
      stats_.makespan = std::max(stats_.makespan, unit_free_[p]);
      stats_.work += stats_.busy_cycles[p];
    }
    if (!violation_ && per_cycle_) violation_ = CloseCycle();
    if (!per_cycle_) stats_.peak_words = words_;
    if (!violation_) violation_ = FindMissing();
    return ValidationReport{std::move(violation_), std::move(stats_)};
  }

 private:
  // From now on, resident words are closed per cycle: the peak so far is the total.
  void TrackEveryCycle() {
    per_cycle_ = true;
    stats_.peak_words = words_;
    for (int32_t p = 0; p < m_; ++p) Touch(p);  // the limit applies from cycle 0
  }

  void Touch(int32_t pe) {
    if (per_cycle_ && !touched_flag_[pe]) {
      touched_flag_[pe] = true;
      touched_.push_back(pe);
    }
  }

  void AddWords(int32_t pe, int64_t words) {
    words_[pe] += words;
    Touch(pe);
  }

  // The words resident at the end of cycle_ on the PEs they changed on: the peak, and
  // the first PE above the storage limit.
  std::optional<Violation> CloseCycle() {
    const int64_t limit = problem_.machine.max_words_per_pe;
    std::optional<Violation> over;
    for (int32_t p : touched_) {
      touched_flag_[p] = false;
      stats_.peak_words[p] = std::max(stats_.peak_words[p], words_[p]);
      if (on_words_) on_words_(cycle_, p, words_[p]);
      if (limit > 0 && words_[p] > limit && !over) {
        over = Violation{Rule::kStorageExceeded, cycle_, p, -1,
                         absl::StrFormat("cycle %d, PE %d: %d words resident, above the storage "
                                         "limit of %d words per PE (machine.max_words_per_pe); free "
                                         "items after their last use or raise the limit",
                                         cycle_, p, words_[p], limit)};
      }
    }
    touched_.clear();
    return over;
  }

  // A use at the FREE's own cycle, listed before it: the operation the unit of
  // e.pe started then, or the transfer its link started then, reading `item`.
  std::optional<Violation> UseInTheSameCycle(const Event& e, const Item& item) {
    const Operation op = unit_last_[e.pe].op();
    if (unit_last_index_[e.pe] >= 0 && unit_free_[e.pe] - Duration(problem_, op) == e.start) {
      for (int64_t k = 0, n = OperandCount(inst_, op); k < n; ++k) {
        if (Operand(inst_, op, k) == item) {
          return Fail(Rule::kOperandNotResident, Event::Op(e.start, e.pe, op),
                      unit_last_index_[e.pe],
                      absl::StrCat(OperationName(inst_, op), " needs ", ItemName(inst_, item),
                                   ", which PE ", e.pe, " frees in the same cycle"));
        }
      }
    }
    if (m_ > 1 && link_last_index_[e.pe] >= 0 && link_last_[e.pe] == item &&
        link_free_[e.pe] - TransferDuration(problem_, item) == e.start) {
      return Fail(Rule::kItemNotResident, Event::Xfer(e.start, e.pe, item), link_last_index_[e.pe],
                  absl::StrCat("transfer of ", ItemName(inst_, item),
                               " needs it on the sender, which frees "
                               "it in the same cycle"));
    }
    return std::nullopt;
  }

  std::optional<Violation> CheckFree(int64_t index, const Event& e) {
    if (auto v = CheckCommon(index, e)) return v;
    const Item item = e.item();
    if (std::string why = CheckIndices(inst_, item); !why.empty()) {
      return Fail(Rule::kIndexRange, e, index,
                  absl::StrCat("free of ", ItemName(inst_, item), ": ", why));
    }
    if (std::string why = CheckItem(inst_, item); !why.empty()) {
      return Fail(Rule::kNotInTaskGraph, e, index, absl::StrCat("free of ", why));
    }
    const int64_t arrival = ArrivalOn(item, e.pe, e.start);
    if (arrival > e.start) {
      const std::string when =
          arrival == Residency::kNever
              ? "it is not there (freed before, or never delivered)"
              : absl::StrCat("it arrives only at cycle ", arrival);
      return Fail(Rule::kBadFree, e, index,
                  absl::StrCat("free of ", ItemName(inst_, item), ": PE ", e.pe,
                               " does not hold it then: ", when, "; free only what is resident"));
    }
    if (auto v = UseInTheSameCycle(e, item)) return v;
    if (!per_cycle_) TrackEveryCycle();
    residency_.Free(item, e.pe);
    words_[e.pe] -= Words(inst_, item);
    Touch(e.pe);
    return std::nullopt;
  }

  // When `item` is resident on `pe` (Residency::ArrivalAt), for a score `pe` produced
  // too: the end of its dot while the unit still runs it at cycle `at`.
  int64_t ArrivalOn(const Item& item, int32_t pe, int64_t at) const {
    const int64_t arrival = residency_.ArrivalAt(item, pe);
    if (item.kind != ItemKind::kS || arrival != 0 || unit_free_[pe] <= at) return arrival;
    const Operation last = unit_last_[pe].op();
    const bool running = last.kind == OpKind::kDot && ScoreItem(inst_, last.i, last.j) == item;
    return running ? unit_free_[pe] : arrival;
  }

  // Prefetches the records an operation event's check will read (its run, and its key
  // or value), when its indices are in range: the loads that dominated validation.
  void Prefetch(const Event& coming) const {
    if (!coming.is_op() || coming.pe < 0 || coming.pe >= m_) return;
    const Operation op = coming.op();
    if (op.kind == OpKind::kSoftmax || !InTaskGraph(inst_, op)) return;
    const int64_t index = OperationIndex(inst_, op);
    if (op.kind == OpKind::kDot) {
      residency_.PrefetchDot(index);
    } else {
      axpys_done_.Prefetch(index);
    }
    residency_.Prefetch(Operand(inst_, op, 1), coming.pe);
  }

  // Whether `op`, at `index` (OperationIndex), ran.
  bool Ran(const Operation& op, int64_t index) const {
    switch (op.kind) {
      case OpKind::kDot: return residency_.Produced(index);
      case OpKind::kSoftmax: return softmaxes_done_.Get(index);
      case OpKind::kAxpy: return axpys_done_.Get(index);
    }
    return false;
  }
  std::optional<Violation> Fail(Rule rule, const Event& e, int64_t index, std::string text) {
    return Violation{rule, e.start, e.pe, index, At(e.start, e.pe) + text};
  }

  std::optional<Violation> CheckCommon(int64_t index, const Event& e) {
    if (e.start < 0 || e.start > kMaxStart) {
      return Violation{Rule::kStartRange, e.start, e.pe, index,
                       absl::StrCat(DescribeEvent(problem_, e), " starts at cycle ", e.start,
                                    "; time is counted in whole cycles from 0 to 2^62")};
    }
    if (e.pe < 0 || e.pe >= m_) {
      return Fail(Rule::kPeRange, e, index,
                  absl::StrFormat("%s: PE %d is out of range [0, %d)", DescribeEvent(problem_, e),
                                  e.pe, m_));
    }
    return std::nullopt;
  }

  // An operation event FineOperation did not pass: its violation, named by
  // OpViolation, or none, and then its effects are recorded.
  std::optional<Violation> CheckOp(int64_t index, const Event& e) {
    if (auto v = OpViolation(index, e)) return v;
    RecordOp(index, e, OperationIndex(inst_, e.op()));
    return std::nullopt;
  }

  // The operation event `e`'s OperationIndex when it breaks no rule (OpViolation would
  // find nothing), else -1: the rules tested without building any message.
  ABSL_ATTRIBUTE_ALWAYS_INLINE int64_t FineOperation(const Event& e) const {
    return OpIsFine(e) ? OperationIndex(inst_, e.op()) : -1;
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool OpIsFine(const Event& e) const {
    if (e.start < 0 || e.start > kMaxStart || e.pe < 0 || e.pe >= m_) return false;
    const Operation op = e.op();
    if (!InTaskGraph(inst_, op) || Ran(op, OperationIndex(inst_, op))) return false;
    if (op.kind != OpKind::kDot && e.pe != placement_[op.i]) return false;
    if (unit_free_[e.pe] > e.start) return false;
    if (op.kind != OpKind::kSoftmax) {  // two operands, each of a kind known here
      return residency_.ArrivalAt(Operand(inst_, op, 0), e.pe) <= e.start &&
             residency_.ArrivalAt(Operand(inst_, op, 1), e.pe) <= e.start;
    }
    const int64_t operands = OperandCount(inst_, op);
    for (int64_t k = residency_.FirstOperandToLookUp(op, e.pe); k < operands; ++k) {
      if (residency_.ArrivalAt(Operand(inst_, op, k), e.pe) > e.start) return false;
    }
    return true;
  }

  // The first rule the operation event `e` breaks, in words, or none.
  ABSL_ATTRIBUTE_NOINLINE std::optional<Violation> OpViolation(int64_t index, const Event& e) {
    if (auto v = CheckCommon(index, e)) return v;
    const Operation op = e.op();
    if (!InTaskGraph(inst_, op)) {
      if (std::string why = CheckIndices(inst_, op); !why.empty()) {
        return Fail(Rule::kIndexRange, e, index, absl::StrCat(OperationName(inst_, op), ": ", why));
      }
      return Fail(Rule::kNotInTaskGraph, e, index, CheckOperation(inst_, op));
    }
    if (Ran(op, OperationIndex(inst_, op))) {
      return Fail(Rule::kDuplicateOperation, e, index,
                  absl::StrCat(OperationName(inst_, op), " runs a second time (first ",
                               FirstRunOf(op), "); every operation runs exactly once"));
    }
    const int32_t home = placement_[op.i];
    if (op.kind != OpKind::kDot && e.pe != home) {
      return Fail(Rule::kNotAtHome, e, index,
                  absl::StrFormat("%s must run on the home of token %d, PE %d",
                                  OperationName(inst_, op), HeadIndicesOf(inst_, op).i, home));
    }
    if (unit_free_[e.pe] > e.start) {
      return Fail(Rule::kUnitBusy, e, index,
                  absl::StrFormat("%s starts while the compute unit runs %s until cycle %d "
                                  "(one operation at a time, no preemption)",
                                  OperationName(inst_, op),
                                  OperationName(inst_, unit_last_[e.pe].op()), unit_free_[e.pe]));
    }
    const int64_t operands = OperandCount(inst_, op);
    for (int64_t k = residency_.FirstOperandToLookUp(op, e.pe); k < operands; ++k) {
      const Item item = Operand(inst_, op, k);
      const int64_t arrival = residency_.ArrivalAt(item, e.pe);
      if (arrival > e.start) {
        return Fail(Rule::kOperandNotResident, e, index,
                    absl::StrCat(OperationName(inst_, op), " needs ", ItemName(inst_, item), ", ",
                                 ReachesText(arrival, e.pe, stats_.frees > 0)));
      }
    }
    return std::nullopt;
  }

  // The effects of an operation that breaks no rule: its unit, its result, the words.
  void RecordOp(int64_t index, const Event& e, int64_t op_index) {
    const Operation op = e.op();
    const int64_t duration = Duration(problem_, op);
    const int64_t end = e.start + duration;
    unit_free_[e.pe] = end;
    unit_last_[e.pe] = e;  // the event, not `op`: a copy of memory not just written
    unit_last_index_[e.pe] = index;
    stats_.busy_cycles[e.pe] += duration;
    switch (op.kind) {
      case OpKind::kDot: {
        const Item s = ScoreItem(inst_, op.i, op.j);
        residency_.RecordDot(s, op_index, e.pe);  // also marks the dot as run
        AddWords(e.pe, untiled_ ? 1 : Words(inst_, s));
        break;
      }
      case OpKind::kSoftmax:
        softmaxes_done_.Set(op_index);
        residency_.RecordResult(op, e.pe, end);
        AddWords(e.pe, inst_.mask.RowPairs(op.i));
        break;
      case OpKind::kAxpy:
        axpys_done_.Set(op_index);
        if (!row_started_[op.i]) {  // o(i) accumulates from here
          row_started_[op.i] = true;
          AddWords(e.pe, inst_.d * inst_.mask.TileTokens(op.i));
        }
        break;
    }
  }

  std::optional<Violation> CheckXfer(int64_t index, const Event& e) {
    if (auto v = CheckCommon(index, e)) return v;
    const Item item = e.item();
    if (m_ == 1) {
      return Fail(
          Rule::kNoLink, e, index,
          absl::StrCat("transfer of ", ItemName(inst_, item), ": a machine with 1 PE has no link"));
    }
    if (!InTaskGraph(inst_, item)) {  // the messages only for an item that is not
      if (std::string why = CheckIndices(inst_, item); !why.empty()) {
        return Fail(Rule::kIndexRange, e, index,
                    absl::StrCat("transfer of ", ItemName(inst_, item), ": ", why));
      }
      return Fail(Rule::kNotInTaskGraph, e, index,
                  absl::StrCat("transfer of ", CheckItem(inst_, item)));
    }
    const int32_t to = static_cast<int32_t>((e.pe + 1) % m_);
    if (link_free_[e.pe] > e.start) {
      return Fail(Rule::kLinkBusy, e, index,
                  absl::StrFormat("transfer of %s starts while link %d->%d carries %s until "
                                  "cycle %d (one transfer at a time)",
                                  ItemName(inst_, item), e.pe, to,
                                  ItemName(inst_, link_last_[e.pe]), link_free_[e.pe]));
    }
    const int64_t at_sender = ArrivalOn(item, e.pe, e.start);
    if (at_sender > e.start) {
      return Fail(Rule::kItemNotResident, e, index,
                  absl::StrCat("transfer of ", ItemName(inst_, item), " to PE ", to, " needs ",
                               ItemName(inst_, item), " on the sender, ",
                               ReachesText(at_sender, e.pe, stats_.frees > 0)));
    }
    const int64_t duration = TransferDuration(problem_, item);
    const int64_t arrival = ArrivalCycle(problem_, item, e.start);
    link_free_[e.pe] = e.start + duration;
    link_last_[e.pe] = item;
    link_last_index_[e.pe] = index;
    stats_.link_busy_cycles[e.pe] += duration;
    if (item.kind == ItemKind::kK || item.kind == ItemKind::kV || item.kind == ItemKind::kX) {
      stats_.key_value_link_words += Words(inst_, item);
    }
    const int64_t before = residency_.RecordArrival(item, to, arrival);
    if (before == Residency::kNever) {
      AddWords(to, Words(inst_, item));
    } else if (before <= arrival && stats_.redundant_transfers++ == 0) {
      stats_.first_redundant =
          absl::StrCat(At(e.start, e.pe), "transfer of ", ItemName(inst_, item), " to PE ", to,
                       ", which already holds it from cycle ", before);
    }
    return std::nullopt;
  }

  // "on PE 0": where `op`, which ran before, ran. Dots and softmaxes are found from
  // their results (unless freed since); an axpy runs at home and leaves no result.
  std::string FirstRunOf(const Operation& op) const {
    if (const std::optional<int32_t> pe = residency_.WhereRan(op)) return absl::StrCat("on PE ", *pe);
    if (op.kind == OpKind::kAxpy) return absl::StrCat("earlier on PE ", placement_[op.i]);
    return "earlier";
  }

  absl::Status TooManyEvents(int64_t seen) const {
    return absl::InvalidArgumentError(absl::StrFormat(
        "events: %d or more, more than any schedule of %s has without repeating an "
        "operation, a transfer over one link or a FREE on one PE (%d); events are repeated",
        seen, Describe(problem_), useful_events_));
  }

  std::optional<Violation> FindMissing() const {
    const int64_t n = inst_.n();
    const Mask& mask = inst_.mask;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t end = static_cast<int32_t>(mask.KeyEnd(i));
      for (int32_t j = static_cast<int32_t>(mask.KeyBegin(i)); j < end; ++j) {
        const Operation dot = inst_.shared && j < i ? Operation{OpKind::kDot, j, i}
                                                    : Operation{OpKind::kDot, i, j};
        for (const Operation& op : {dot, Operation{OpKind::kAxpy, i, j}}) {
          if (!Ran(op, OperationIndex(inst_, op))) return Missing(op);
        }
      }
      if (end == mask.KeyBegin(i)) continue;  // a row without keys has no softmax
      if (const Operation sm{OpKind::kSoftmax, i, 0}; !Ran(sm, i)) return Missing(sm);
    }
    return std::nullopt;
  }

  Violation Missing(const Operation& op) const {
    return Violation{Rule::kMissingOperation, -1, -1, -1,
                     absl::StrCat(OperationName(inst_, op),
                                  " never runs: every operation of the task graph must appear "
                                  "exactly once")};
  }

  const Problem& problem_;
  const Placement& placement_;
  const Instance& inst_;
  const int64_t m_;
  const bool untiled_;  // every operation covers one pair (mask tile 1)
  const int64_t useful_events_;
  Residency residency_;
  // The softmaxes and axpys run, by OperationIndex; a dot's run is its score's record
  // in residency_.
  BitSet softmaxes_done_, axpys_done_;
  std::vector<int64_t> unit_free_;
  std::vector<Event> unit_last_;  // the operation that keeps each unit busy
  std::vector<int64_t> link_free_;
  std::vector<Item> link_last_;  // the item that keeps each link busy
  std::vector<int64_t> words_;   // resident on each PE now (SPEC 10.6)
  std::vector<int32_t> touched_;     // PEs whose words changed in cycle_ (per_cycle_)
  std::vector<bool> touched_flag_;   // per PE: in touched_
  std::vector<bool> row_started_;    // per row: an axpy ran (o(i) is resident)
  std::vector<int64_t> unit_last_index_;  // the event of each unit's last operation
  std::vector<int64_t> link_last_index_;  // the event of each link's last transfer
  bool per_cycle_ = false;           // resident words closed every cycle
  std::function<void(int64_t, int32_t, int64_t)> on_words_;  // ValidationOptions
  int64_t cycle_ = 0;                // the start of the events being read
  ScheduleStats stats_;
  std::optional<Violation> violation_;
};

}  // namespace

absl::string_view RuleName(Rule rule) {
  switch (rule) {
    case Rule::kStartRange: return "start_range";
    case Rule::kPeRange: return "pe_range";
    case Rule::kIndexRange: return "index_range";
    case Rule::kNotInTaskGraph: return "not_in_task_graph";
    case Rule::kDuplicateOperation: return "duplicate_operation";
    case Rule::kMissingOperation: return "missing_operation";
    case Rule::kNotAtHome: return "not_at_home";
    case Rule::kUnitBusy: return "unit_busy";
    case Rule::kOperandNotResident: return "operand_not_resident";
    case Rule::kNoLink: return "no_link";
    case Rule::kLinkBusy: return "link_busy";
    case Rule::kItemNotResident: return "item_not_resident";
    case Rule::kBadFree: return "bad_free";
    case Rule::kStorageExceeded: return "storage_exceeded";
  }
  return "unknown";
}

absl::StatusOr<Rule> ParseRuleName(absl::string_view name) {
  for (int r = 0; r <= static_cast<int>(Rule::kStorageExceeded); ++r) {
    if (RuleName(static_cast<Rule>(r)) == name) return static_cast<Rule>(r);
  }
  return absl::InvalidArgumentError(absl::StrCat("rule = ", Quoted(name), " is not a rule name"));
}

absl::Status CheckScheduleHeader(const Problem& problem, const Placement& placement,
                                 int64_t event_count, int64_t max_events,
                                 int64_t max_operations) {
  if (absl::Status s = ValidateProblem(problem); !s.ok()) return s;
  if (absl::Status s = ValidatePlacement(placement, problem.n(), problem.pes()); !s.ok()) {
    return s;
  }
  if (problem.instance.heads() > 1 &&
      placement != LayerPlacement(problem.instance, HeadPlacement(problem.instance, placement))) {
    return absl::InvalidArgumentError(
        "placement: the heads' rows of a token have different homes; a token's vectors of "
        "every head live on its home (give one head's homes)");
  }
  const int64_t limit = std::min(max_events, kMaxIndexableEvents - 1);
  const int64_t operations = CountOperations(problem.instance).total();
  if (operations > max_operations) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s has %d operations, above the operation limit %d; raise --max-operations if "
        "the machine has the memory (about 1 byte per operation to generate and check)",
        Describe(problem), operations, max_operations));
  }
  if (const int64_t useful = MaxUsefulEvents(problem); event_count > useful) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "events: %d, more than any schedule of %s has without repeating an operation or "
        "a transfer over one link (%d); events are repeated",
        event_count, Describe(problem), useful));
  }
  if (event_count > limit) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "the schedule has %d events, above the event limit %d; raise --max-events if the "
        "machine has the memory (about 80 bytes per event)",
        event_count, limit));
  }
  return absl::OkStatus();
}

int64_t MaxUsefulEvents(const Problem& problem) {
  const OperationCounts ops = CountOperations(problem.instance);
  const int64_t inputs = problem.n() * (problem.instance.shared ? 1 : 3);
  // One PE has no link; counting one there leaves such transfers to the validator
  // (no_link) instead of refusing the file.
  const int64_t links = problem.pes();
  // Each item crosses each link once and is freed once per PE (links = PEs here).
  const absl::int128 total =
      absl::int128(ops.total()) + absl::int128(inputs + ops.dots + ops.axpys) * links * 2;
  const absl::int128 cap = std::numeric_limits<int64_t>::max() / 4;
  return static_cast<int64_t>(total > cap ? cap : total);
}

absl::StatusOr<ValidationReport> Validate(EventSource& source, const ValidationOptions& options) {
  RETURN_IF_ERROR(CheckScheduleHeader(source.problem(), source.placement(), 0,
                                      std::numeric_limits<int64_t>::max(), options.max_operations));
  return ValidatorRun(source.problem(), source.placement()).Run(source, options);
}

}  // namespace attnsched
