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
  size_t next = 0;      // index of the next operation in the program
  int64_t cursor = 0;   // operands of it known to be resident so far
  int64_t ready = 0;    // latest arrival among those operands
  int64_t free = 0;     // cycle the unit finishes its last operation
  uint64_t waiting = kNotWaiting;  // residency key it waits for
};

struct Link {
  int64_t free = 0;
  int64_t wake = std::numeric_limits<int64_t>::max();  // earliest wake queued for it
  std::priority_queue<Queued, std::vector<Queued>, ByReady> pending;
  std::priority_queue<Queued, std::vector<Queued>, ByPriority> available;
};

struct Wake {
  int64_t time;
  int32_t link;
  bool operator>(const Wake& o) const { return std::tie(time, link) > std::tie(o.time, o.link); }
};

class Compiler {
 public:
  Compiler(const Problem& problem, Plan plan)
      : problem_(problem),
        inst_(problem.instance),
        m_(static_cast<int32_t>(problem.pes())),
        plan_(std::move(plan)),
        residency_(problem_, plan_.placement),
        units_(m_),
        links_(m_),
        ops_(m_),
        xfers_(m_) {}

  absl::StatusOr<Schedule> Run() {
    if (plan_.forward_after_last_use) FindLastUses();
    QueueInputs();
    for (int32_t pe = 0; pe < m_; ++pe) ResumeUnit(pe);
    do {
      while (!wakes_.empty()) {
        const Wake w = wakes_.top();
        wakes_.pop();
        now_ = w.time;
        ServeLink(w.link, w.time);
      }
    } while (ReleaseAllHeld());
    if (absl::Status s = CheckFinished(); !s.ok()) return s;
    // Each unit's and each link's events are already in start order.
    std::vector<EventStream> streams = std::move(ops_);
    for (auto& x : xfers_) streams.push_back(std::move(x));
    return Schedule{problem_, std::move(plan_.placement), MergeSortedStreams(std::move(streams))};
  }

 private:
  void QueueInputs() {
    for (int32_t i = 0; i < inst_.n(); ++i) {
      for (ItemKind kind : {ItemKind::kQ, ItemKind::kK, ItemKind::kV, ItemKind::kX}) {
        if (IsInputOf(inst_, kind)) Route(Item{kind, i, 0}, plan_.placement[i], 0);
      }
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
      const std::vector<Operation>& program = plan_.programs[pe];
      for (size_t k = 0; k < program.size(); ++k) {
        if (program[k].kind == OpKind::kSoftmax) continue;  // reads scores only
        for (int64_t x = 0, n = OperandCount(inst_, program[k]); x < n; ++x) {
          const Item item = Operand(inst_, program[k], x);
          if (IsVector(item.kind)) last_use_[ResidencyKey(item, pe)] = k;
        }
      }
    }
  }

  // Queues `q` on `link`, or holds it there until the PE's last use of it
  // (Plan::forward_after_last_use).
  void Enqueue(int32_t link, Queued q) {
    if (plan_.forward_after_last_use && IsVector(q.item.kind)) {
      if (auto it = last_use_.find(ResidencyKey(q.item, link)); it != last_use_.end()) {
        if (units_[link].next <= it->second) {
          held_.emplace(it->first, q);
          return;
        }
        q.ready = std::max(q.ready, ops_[link].at_appended(it->second).start);
      }
    }
    Push(link, q);
  }

  // Releases the vectors whose last use on `pe` is the operation just committed.
  void Release(int32_t pe, size_t index, const Operation& op, int64_t start) {
    for (int64_t x = 0, n = OperandCount(inst_, op); x < n; ++x) {
      const Item item = Operand(inst_, op, x);
      if (!IsVector(item.kind)) continue;
      const uint64_t key = ResidencyKey(item, pe);
      auto last = last_use_.find(key);
      auto held = held_.find(key);
      if (last == last_use_.end() || last->second != index || held == held_.end()) continue;
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
    WakeAt(link, std::max(q.ready, links_[link].free));
  }

  // Queues a wake of `link` at cycle `t` unless an earlier one is queued already.
  void WakeAt(int32_t link, int64_t t) {
    if (t >= links_[link].wake) return;
    links_[link].wake = t;
    wakes_.push(Wake{t, link});
  }

  // Link `p` at cycle `now` (all items resident on p by `now` are known).
  void ServeLink(int32_t p, int64_t now) {
    Link& link = links_[p];
    if (now != link.wake) return;  // superseded by an earlier wake
    link.wake = std::numeric_limits<int64_t>::max();
    while (!link.pending.empty() && link.pending.top().ready <= now) {
      link.available.push(link.pending.top());
      link.pending.pop();
    }
    if (link.available.empty()) {
      if (!link.pending.empty()) WakeAt(p, link.pending.top().ready);
      return;
    }
    const Queued q = link.available.top();
    link.available.pop();
    const int64_t free = now + TransferDuration(problem_, q.item);
    xfers_[p].push_back(Event::Xfer(now, p, q.item));
    link.free = free;
    if (!link.available.empty() || !link.pending.empty()) WakeAt(p, free);
    Arrive(q, (p + 1) % m_, ArrivalCycle(problem_, q.item, now));
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

  // Runs PE `pe`'s program as far as known operands allow.
  void ResumeUnit(int32_t pe) {
    Unit& u = units_[pe];
    const std::vector<Operation>& program = plan_.programs[pe];
    u.waiting = kNotWaiting;
    for (; u.next < program.size(); ++u.next) {
      const Operation& op = program[u.next];
      const int64_t operands = OperandCount(inst_, op);
      for (; u.cursor < operands; ++u.cursor) {
        const Item item = Operand(inst_, op, u.cursor);
        const int64_t arrival = residency_.ArrivalAt(item, pe);
        if (arrival == Residency::kNever) {
          u.waiting = ResidencyKey(item, pe);
          return;
        }
        u.ready = std::max(u.ready, arrival);
      }
      Commit(pe, u, op);
    }
  }

  void Commit(int32_t pe, Unit& u, const Operation& op) {
    const int64_t start = std::max(u.free, u.ready);
    const int64_t end = start + Duration(problem_, op);
    ops_[pe].push_back(Event::Op(start, pe, op));
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
      const std::vector<Operation>& program = plan_.programs[pe];
      if (u.next == program.size()) continue;
      const Operation& op = program[u.next];
      return absl::InternalError(absl::StrCat(
          "generator plan deadlocks: PE ", pe, " waits for ",
          ItemName(Operand(inst_, op, u.cursor)), " before ", OperationName(op),
          ", and it never arrives (a generator bug; please report it with the command line)"));
    }
    return absl::OkStatus();
  }

  const Problem& problem_;
  const Instance& inst_;
  const int32_t m_;
  Plan plan_;
  Residency residency_;
  std::vector<Unit> units_;
  std::vector<Link> links_;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<Wake>> wakes_;
  std::vector<EventStream> ops_;    // per compute unit, in start order
  std::vector<EventStream> xfers_;  // per link, in start order
  int64_t seq_ = 0;
  absl::flat_hash_map<uint64_t, size_t> last_use_;  // forward_after_last_use
  absl::flat_hash_map<uint64_t, Queued> held_;      // vectors waiting for that use
  int64_t now_ = 0;                                  // the last link wake served
};

}  // namespace

int64_t CountPlanEvents(const Problem& problem, const Plan& plan) {
  const Instance& inst = problem.instance;
  int64_t events = 0;
  for (int32_t i = 0; i < inst.n(); ++i) {
    for (ItemKind kind : {ItemKind::kQ, ItemKind::kK, ItemKind::kV, ItemKind::kX}) {
      if (IsInputOf(inst, kind)) events += plan.route(Item{kind, i, 0}, plan.placement[i]).hops;
    }
  }
  for (int32_t pe = 0; pe < static_cast<int32_t>(plan.programs.size()); ++pe) {
    events += static_cast<int64_t>(plan.programs[pe].size());
    for (const Operation& op : plan.programs[pe]) {
      if (op.kind == OpKind::kDot) events += plan.route(ScoreItem(inst, op.i, op.j), pe).hops;
    }
  }
  return events;
}

absl::StatusOr<Schedule> CompilePlan(const Problem& problem, Plan plan) {
  return Compiler(problem, std::move(plan)).Run();
}

}  // namespace attnsched
