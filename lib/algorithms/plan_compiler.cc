#include <algorithm>
#include <limits>
#include <queue>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "lib/algorithms/plan.h"
#include "lib/schedule/event_stream.h"
#include "lib/schedule/residency.h"

namespace attnsched {
namespace {

constexpr uint64_t kNotWaiting = ~uint64_t{0};
constexpr int64_t kNoWake = std::numeric_limits<int64_t>::max();

// Operations a unit commits per wake at most, so that a unit with every operand at
// hand does not run far ahead of the rest of the machine (its events wait in memory
// until they are final).
constexpr int kUnitBatch = 256;

// Events returned per block (EventSource::Block), once that many are final.
constexpr size_t kBlockEvents = 4096;

struct Queued {
  int64_t ready = 0;  // cycle from which the item is resident on the sender
  int32_t priority = 0;
  int64_t seq = 0;
  Item item;
  int32_t hops = 0;  // links still to cross, this one included
};

struct ByReady {
  bool operator()(const Queued& a, const Queued& b) const {
    return std::tie(a.ready, a.seq) > std::tie(b.ready, b.seq);
  }
};
struct ByPriority {
  bool operator()(const Queued& a, const Queued& b) const {
    return std::tie(a.priority, a.ready, a.seq) > std::tie(b.priority, b.ready, b.seq);
  }
};

struct Unit {
  std::optional<Program::Iterator> at;  // the next operation in the program
  int64_t next = 0;     // its index
  int64_t cursor = 0;   // operands of it known to be resident so far
  int64_t ready = 0;    // latest arrival among those operands
  int64_t free = 0;     // cycle the unit finishes its last operation
  uint64_t waiting = kNotWaiting;  // residency key it waits for
  int64_t wake = kNoWake;          // earliest wake queued for it
};

struct Link {
  int64_t free = 0;
  int64_t wake = kNoWake;  // earliest wake queued for it
  std::priority_queue<Queued, std::vector<Queued>, ByReady> pending;
  std::priority_queue<Queued, std::vector<Queued>, ByPriority> available;
};

// A link (id < m) or a compute unit (id - m) to serve at `time`.
struct Wake {
  int64_t time;
  int32_t id;
  bool operator>(const Wake& o) const { return std::tie(time, id) > std::tie(o.time, o.id); }
};

// Where the last operation of a PE reading a vector is in its program, and when it
// started (Plan::forward_after_last_use).
struct LastUse {
  int64_t index = 0;
  int64_t start = kNoWake;  // unknown until it is committed
};

// The list scheduling of plan.h as a discrete-event simulation in cycle order: links
// and units are served from one queue of wakes. Every event committed while serving
// cycle t starts at t or later (a link sends at t; a unit starts an operation when it
// is free and its operands have arrived, and an arrival is known from its transfer's
// start, which is earlier), so the events that start before the next wake are final
// and are handed out in canonical order. A unit commits operations ahead of the
// current cycle, but at most kUnitBatch per wake, so the events waiting in memory
// stay about kUnitBatch per unit.
class Compiler final : public EventSource {
 public:
  Compiler(const Problem& problem, Plan plan)
      : problem_(problem),
        inst_(problem_.instance),
        m_(static_cast<int32_t>(problem.pes())),
        plan_(std::move(plan)),
        residency_(problem_, plan_.placement),
        units_(m_),
        links_(m_),
        streams_(2 * static_cast<size_t>(m_)) {
    for (int32_t pe = 0; pe < m_; ++pe) units_[pe].at.emplace(plan_.programs[pe].begin());
    if (plan_.forward_after_last_use) FindLastUses();
    QueueInputs();
    for (int32_t pe = 0; pe < m_; ++pe) ResumeUnit(pe);
    Refill();
  }

  const Problem& problem() const override { return problem_; }
  const Placement& placement() const override { return plan_.placement; }
  absl::Status status() const override { return status_; }

 private:
  Block NextBlock() override {
    first_ += static_cast<int64_t>(out_.size());
    out_.clear();
    while (out_.empty() && !done_) {
      if (buffered_ >= next_merge_ || wakes_.empty()) TakeFinal();
      if (!out_.empty()) break;
      if (wakes_.empty()) {
        if (!ReleaseAllHeld()) Finish();
        continue;
      }
      const Wake w = wakes_.top();
      wakes_.pop();
      now_ = w.time;
      if (w.id < m_) {
        ServeLink(w.id, w.time);
      } else {
        ServeUnit(w.id - m_, w.time);
      }
    }
    return Block{out_, first_, {}};
  }

  // Moves the events that start before the next wake (all, when none is queued) to
  // out_, in canonical order.
  void TakeFinal() {
    const int64_t limit = wakes_.empty() ? kMaxStart + 1 : wakes_.top().time;
    std::sort(active_.begin(), active_.end());
    ranked_.clear();
    for (int32_t s : active_) ranked_.push_back(&streams_[s]);
    MergeBefore(ranked_, limit, out_);
    active_.erase(std::remove_if(active_.begin(), active_.end(),
                                 [this](int32_t s) { return streams_[s].empty(); }),
                  active_.end());
    buffered_ -= static_cast<int64_t>(out_.size());
    next_merge_ = buffered_ + static_cast<int64_t>(kBlockEvents);
  }

  void Finish() {
    done_ = true;
    status_ = CheckFinished();
  }

  void Append(int32_t stream, const Event& e) {
    if (streams_[stream].empty()) {
      if (std::find(active_.begin(), active_.end(), stream) == active_.end()) active_.push_back(stream);
    }
    streams_[stream].push_back(e);
    ++buffered_;
  }

  void QueueInputs() {
    for (int32_t i = 0; i < inst_.n(); ++i) {
      ForEachInput(inst_, i, [&](const Item& item) { Route(item, plan_.placement[i], 0); });
    }
  }

  // `item` became resident on `pe` at `ready` as an input or a result: ask the plan.
  void Route(const Item& item, int32_t pe, int64_t ready) {
    const Forward f = plan_.route(item, pe);
    if (f.hops > 0) Enqueue(pe, Queued{ready, f.priority, 0, item, f.hops});
  }

  // Per PE, the index in its program of the last operation reading each vector.
  void FindLastUses() {
    for (int32_t pe = 0; pe < m_; ++pe) {
      int64_t k = 0;
      for (auto op = plan_.programs[pe].begin(); op != plan_.programs[pe].end(); ++op, ++k) {
        if (op->kind == OpKind::kSoftmax) continue;  // reads scores only
        for (int64_t x = 0, n = OperandCount(inst_, *op); x < n; ++x) {
          const Item item = Operand(inst_, *op, x);
          if (IsVector(item.kind)) last_use_[ResidencyKey(item, pe)].index = k;
        }
      }
    }
  }

  // Queues `q` on `link`, or holds it there until the PE's last use of it
  // (Plan::forward_after_last_use).
  void Enqueue(int32_t link, Queued q) {
    if (plan_.forward_after_last_use && IsVector(q.item.kind)) {
      if (auto it = last_use_.find(ResidencyKey(q.item, link)); it != last_use_.end()) {
        if (units_[link].next <= it->second.index) {
          held_.emplace(it->first, q);
          return;
        }
        q.ready = std::max(q.ready, it->second.start);
      }
    }
    Push(link, q);
  }

  // Notes the start of the last uses among `op`'s operands, and releases the vectors
  // held for them.
  void Release(int32_t pe, int64_t index, const Operation& op, int64_t start) {
    for (int64_t x = 0, n = OperandCount(inst_, op); x < n; ++x) {
      const Item item = Operand(inst_, op, x);
      if (!IsVector(item.kind)) continue;
      const uint64_t key = ResidencyKey(item, pe);
      auto last = last_use_.find(key);
      if (last == last_use_.end() || last->second.index != index) continue;
      last->second.start = start;
      auto held = held_.find(key);
      if (held == held_.end()) continue;
      Queued q = held->second;
      held_.erase(held);
      q.ready = std::max(q.ready, start);
      Push(pe, q);
    }
  }

  // A stall with vectors held (programs that read them against the ring's order):
  // sends them all now, in a fixed order. False when nothing was held.
  bool ReleaseAllHeld() {
    if (held_.empty()) return false;
    std::vector<std::pair<uint64_t, Queued>> held(held_.begin(), held_.end());
    held_.clear();
    std::sort(held.begin(), held.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [key, q] : held) {
      q.ready = std::max(q.ready, now_);
      Push(static_cast<int32_t>(key & 0xffff), q);  // ResidencyKey's low 16 bits: the PE
    }
    return true;
  }

  void Push(int32_t link, Queued q) {
    q.seq = seq_++;
    links_[link].pending.push(q);
    WakeLinkAt(link, std::max(q.ready, links_[link].free));
  }

  // Queues a wake of `link` at cycle `t` unless an earlier one is queued already.
  void WakeLinkAt(int32_t link, int64_t t) {
    if (t >= links_[link].wake) return;
    links_[link].wake = t;
    wakes_.push(Wake{t, link});
  }
  void WakeUnitAt(int32_t pe, int64_t t) {
    if (t >= units_[pe].wake) return;
    units_[pe].wake = t;
    wakes_.push(Wake{t, m_ + pe});
  }

  // Link `p` at cycle `now` (all items resident on p by `now` are known).
  void ServeLink(int32_t p, int64_t now) {
    Link& link = links_[p];
    if (now != link.wake) return;  // superseded by an earlier wake
    link.wake = kNoWake;
    while (!link.pending.empty() && link.pending.top().ready <= now) {
      link.available.push(link.pending.top());
      link.pending.pop();
    }
    if (link.available.empty()) {
      if (!link.pending.empty()) WakeLinkAt(p, link.pending.top().ready);
      return;
    }
    const Queued q = link.available.top();
    link.available.pop();
    const int64_t free = now + TransferDuration(problem_, q.item);
    Append(2 * p + 1, Event::Xfer(now, p, q.item));
    link.free = free;
    if (!link.available.empty() || !link.pending.empty()) WakeLinkAt(p, free);
    Arrive(q, (p + 1) % m_, ArrivalCycle(problem_, q.item, now));
  }

  void ServeUnit(int32_t pe, int64_t now) {
    if (now != units_[pe].wake) return;  // superseded by an earlier wake
    units_[pe].wake = kNoWake;
    ResumeUnit(pe);
  }

  void Arrive(Queued q, int32_t pe, int64_t arrival) {
    residency_.RecordArrival(q.item, pe, arrival);
    if (--q.hops > 0) {
      q.ready = arrival;
      if (plan_.relay_priority) q.priority = plan_.relay_priority(q.item, pe);
      Enqueue(pe, q);
    }
    if (units_[pe].waiting == ResidencyKey(q.item, pe)) ResumeUnit(pe);
  }

  // Runs PE `pe`'s program as far as known operands allow, at most kUnitBatch
  // operations past the current cycle. (Committing ahead is exact: an operand's arrival
  // is final once known, and a result pushed on a link early waits there until it is
  // ready.)
  void ResumeUnit(int32_t pe) {
    Unit& u = units_[pe];
    Program::Iterator& at = *u.at;
    u.waiting = kNotWaiting;
    for (int batch = 0; at != plan_.programs[pe].end(); ++at, ++u.next) {
      const Operation& op = *at;
      const int64_t operands = OperandCount(inst_, op);
      if (u.cursor == 0) u.cursor = residency_.FirstOperandToLookUp(op, pe);
      for (; u.cursor < operands; ++u.cursor) {
        const Item item = Operand(inst_, op, u.cursor);
        const int64_t arrival = residency_.ArrivalAt(item, pe);
        if (arrival == Residency::kNever) {
          u.waiting = ResidencyKey(item, pe);
          return;
        }
        u.ready = std::max(u.ready, arrival);
      }
      const int64_t start = std::max(u.free, u.ready);
      if (start > now_ && ++batch > kUnitBatch) {
        WakeUnitAt(pe, start);
        return;
      }
      Commit(pe, u, op, start);
    }
  }

  void Commit(int32_t pe, Unit& u, const Operation& op, int64_t start) {
    const int64_t end = start + Duration(problem_, op);
    Append(2 * pe, Event::Op(start, pe, op));
    if (plan_.forward_after_last_use && op.kind != OpKind::kSoftmax) Release(pe, u.next, op, start);
    u.free = end;
    u.cursor = 0;
    u.ready = 0;
    residency_.RecordResult(op, pe, end);
    if (op.kind == OpKind::kDot) Route(ScoreItem(inst_, op.i, op.j), pe, end);
  }

  absl::Status CheckFinished() const {
    for (int32_t pe = 0; pe < m_; ++pe) {
      const Unit& u = units_[pe];
      if (*u.at == plan_.programs[pe].end()) continue;
      const Operation& op = **u.at;
      return absl::InternalError(absl::StrCat(
          "generator plan deadlocks: PE ", pe, " waits for ",
          ItemName(inst_, Operand(inst_, op, u.cursor)), " before ", OperationName(inst_, op),
          ", and it never arrives (a generator bug; please report it with the command line)"));
    }
    return absl::OkStatus();
  }

  const Problem problem_;
  const Instance& inst_;
  const int32_t m_;
  Plan plan_;
  Residency residency_;
  std::vector<Unit> units_;
  std::vector<Link> links_;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<Wake>> wakes_;
  // Committed events not yet handed out, ranked as MergeBefore needs: the compute
  // unit of PE p at 2p, the link from p at 2p + 1, each in start order.
  std::vector<EventStream> streams_;
  std::vector<int32_t> active_;        // the streams with events (unsorted until merged)
  std::vector<EventStream*> ranked_;   // active_'s streams in rank order, for a merge
  int64_t buffered_ = 0;     // events in streams_
  int64_t next_merge_ = 0;   // try TakeFinal when buffered_ reaches this
  std::vector<Event> out_;   // the block handed out
  int64_t first_ = 0;        // index of out_[0] in the schedule
  bool done_ = false;
  absl::Status status_;
  int64_t seq_ = 0;
  absl::flat_hash_map<uint64_t, LastUse> last_use_;  // forward_after_last_use
  absl::flat_hash_map<uint64_t, Queued> held_;       // vectors waiting for that use
  int64_t now_ = 0;                                   // the cycle being served
};

}  // namespace

int64_t CountPlanEvents(const Problem& problem, const Plan& plan) {
  const Instance& inst = problem.instance;
  int64_t events = 0;
  for (int32_t i = 0; i < inst.n(); ++i) {
    ForEachInput(inst, i, [&](const Item& item) {
      events += plan.route(item, plan.placement[i]).hops;
    });
  }
  for (int32_t pe = 0; pe < static_cast<int32_t>(plan.programs.size()); ++pe) {
    events += static_cast<int64_t>(plan.programs[pe].size());
    for (const Operation& op : plan.programs[pe]) {
      if (op.kind == OpKind::kDot) events += plan.route(ScoreItem(inst, op.i, op.j), pe).hops;
    }
  }
  return events;
}

std::unique_ptr<EventSource> CompilePlanStream(const Problem& problem, Plan plan) {
  return std::make_unique<Compiler>(problem, std::move(plan));
}

absl::StatusOr<Schedule> CompilePlan(const Problem& problem, Plan plan) {
  const int64_t events = CountPlanEvents(problem, plan);
  Compiler compiler(problem, std::move(plan));
  return ReadWhole(compiler, events);
}

}  // namespace attnsched
