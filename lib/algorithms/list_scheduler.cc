#include "lib/algorithms/list_scheduler.h"

#include <algorithm>
#include <iterator>
#include <tuple>
#include <utility>
#include <vector>

#include "lib/model/task_graph.h"

namespace attnsched {
namespace {

// The busy intervals [start, end) of a compute unit or a link, disjoint, by start and
// merged where they touch (so a run of back-to-back reservations is one interval to
// skip), for inserting an operation or a transfer in the earliest idle gap that holds
// it.
class Timeline {
 public:
  int64_t EarliestStart(int64_t ready, int64_t length) const {
    // The first interval ending after `ready` (ends grow with starts).
    auto it = std::upper_bound(busy_.begin(), busy_.end(), ready,
                               [](int64_t t, const Interval& b) { return t < b.end; });
    int64_t t = ready;
    for (; it != busy_.end() && t + length > it->start; ++it) t = std::max(t, it->end);
    return t;
  }

  // Requires [start, start + length) to be idle.
  void Reserve(int64_t start, int64_t length) {
    auto it = std::lower_bound(busy_.begin(), busy_.end(), start,
                               [](const Interval& b, int64_t t) { return b.start < t; });
    const bool joins_previous = it != busy_.begin() && std::prev(it)->end == start;
    const bool joins_next = it != busy_.end() && it->start == start + length;
    if (joins_previous && joins_next) {
      std::prev(it)->end = it->end;
      busy_.erase(it);
    } else if (joins_previous) {
      std::prev(it)->end = start + length;
    } else if (joins_next) {
      it->start = start;
    } else {
      busy_.insert(it, Interval{start, start + length});
    }
  }

 private:
  struct Interval {
    int64_t start;
    int64_t end;
  };
  std::vector<Interval> busy_;
};

// What must reach a home chain by `deadline` (a cycle): a dot's score, or an axpy's
// value.
struct Task {
  int64_t deadline;
  Operation op;
};

class ListScheduler {
 public:
  ListScheduler(const Problem& problem, const Placement& homes, int64_t target, bool time_values,
                const DotPlacement& dot_pe)
      : problem_(problem),
        dot_pe_(dot_pe),
        inst_(problem.instance),
        homes_(homes),
        m_(static_cast<int32_t>(problem.pes())),
        target_(target),
        time_values_(time_values),
        links_(m_),
        link_load_(m_, 0),
        units_(m_),
        load_(m_, 0),
        placed_(m_),
        chains_(m_),
        routes_(4 * problem.n()),
        counted_hops_(4 * problem.n(), 0),
        row_ready_(problem.n(), 0),
        softmax_start_(problem.n(), 0) {}

  OperationOrders Run() {
    CountValueTrips();
    for (const Task& t : PlaceChains()) {
      if (t.op.kind == OpKind::kDot) {
        PlaceDot(t.op);
      } else {
        VectorTrip(Operand(inst_, t.op, 1), homes_[t.op.i], true);
      }
    }
    OrderChainsAfterInputs();
    OperationOrders orders(m_);
    for (int32_t p = 0; p < m_; ++p) {
      std::sort(placed_[p].begin(), placed_[p].end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (const auto& [start, op] : placed_[p]) orders[p].push_back(op);
    }
    return orders;
  }

 private:
  // Adds every value's trip to its farthest reader to link_load_.
  void CountValueTrips() {
    for (int32_t i = 0; i < problem_.n(); ++i) {
      const int64_t begin = inst_.mask.KeyBegin(i);
      for (int64_t j = begin; j < begin + inst_.mask.RowLength(i); ++j) {
        const Item v = Operand(inst_, Operation{OpKind::kAxpy, i, static_cast<int32_t>(j)}, 1);
        int32_t& hops = counted_hops_[TravellingItemIndex(v, problem_.n())];
        hops = std::max(hops, Ahead(homes_[j], homes_[i], m_));
      }
    }
    const ItemKind value = inst_.shared ? ItemKind::kX : ItemKind::kV;
    for (int32_t c = 0; c < problem_.n(); ++c) {
      const Item v{value, c, 0};
      for (int32_t h = 0; h < counted_hops_[TravellingItemIndex(v, problem_.n())]; ++h) {
        link_load_[(homes_[c] + h) % m_] += TransferDuration(problem_, v);
      }
    }
  }

  // Moves each chain operation's position in its PE's order to after its inputs'
  // estimated arrival (a late score or value), keeping the chain's order, and adds the
  // chains to placed_. Every operation is then ordered after everything it waits for,
  // so the orders compile without deadlock.
  void OrderChainsAfterInputs() {
    for (int32_t p = 0; p < m_; ++p) {
      int64_t end = 0;
      for (auto& [start, op] : chains_[p]) {
        int64_t ready = row_ready_[op.i];
        if (op.kind == OpKind::kAxpy) {
          ready = VectorTrip(Operand(inst_, op, 1), p, false).arrival;
        }
        start = std::max({start, end, ready});
        end = start + Duration(problem_, op);
        placed_[p].emplace_back(start, op);
      }
    }
  }

  // Reserves every PE's home chain (its rows in row order, each softmax followed by
  // its axpys, nearest value first) back to back, ending at target_ (or from cycle 0
  // if longer). Returns what must reach the chains in time, by deadline: each dot
  // (its score by its softmax's start) and each axpy (its value by the axpy's start).
  std::vector<Task> PlaceChains() {
    std::vector<std::vector<int32_t>> rows(m_);
    for (int32_t i = 0; i < problem_.n(); ++i) {
      if (inst_.mask.RowLength(i) > 0) rows[homes_[i]].push_back(i);
    }
    std::vector<Task> out;
    for (int32_t p = 0; p < m_; ++p) {
      std::vector<Operation> chain;
      for (const int32_t i : rows[p]) {
        chain.push_back({OpKind::kSoftmax, i, 0});
        const int64_t begin = inst_.mask.KeyBegin(i), end = begin + inst_.mask.RowLength(i);
        std::vector<std::pair<int32_t, int32_t>> keys;  // (links from the key's home, key)
        for (int64_t j = begin; j < end; ++j) {
          keys.emplace_back(Ahead(homes_[j], p, m_), static_cast<int32_t>(j));
        }
        std::sort(keys.begin(), keys.end());
        for (const auto& [distance, j] : keys) chain.push_back({OpKind::kAxpy, i, j});
      }
      for (const Operation& op : chain) load_[p] += Duration(problem_, op);
      int64_t t = std::max<int64_t>(0, target_ - load_[p]);
      for (const Operation& op : chain) {
        units_[p].Reserve(t, Duration(problem_, op));
        chains_[p].emplace_back(t, op);
        if (op.kind == OpKind::kAxpy) out.push_back({t, op});
        if (op.kind != OpKind::kSoftmax) {
          t += Duration(problem_, op);
          continue;
        }
        softmax_start_[op.i] = t;
        const int64_t begin = inst_.mask.KeyBegin(op.i);
        for (int64_t j = begin; j < begin + inst_.mask.RowLength(op.i); ++j) {
          out.push_back({t, DotOf(op.i, static_cast<int32_t>(j))});
        }
        t += Duration(problem_, op);
      }
    }
    if (inst_.shared) {  // a shared dot serves two rows: it keeps the earlier deadline
      std::sort(out.begin(), out.end(), [](const Task& a, const Task& b) {
        return std::tuple(a.op.kind, a.op.i, a.op.j, a.deadline) <
               std::tuple(b.op.kind, b.op.i, b.op.j, b.deadline);
      });
      out.erase(std::unique(out.begin(), out.end(),
                            [](const Task& a, const Task& b) { return a.op == b.op; }),
                out.end());
    }
    std::sort(out.begin(), out.end(), [](const Task& a, const Task& b) {
      return std::tuple(a.deadline, a.op.kind, a.op.i, a.op.j) <
             std::tuple(b.deadline, b.op.kind, b.op.i, b.op.j);
    });
    return out;
  }

  // The dot that makes the score row i reads for key j (ScoreItem: s(min, max) with
  // shared inputs).
  Operation DotOf(int32_t i, int32_t j) const {
    const Item s = ScoreItem(inst_, i, j);
    return Operation{OpKind::kDot, s.i, s.j};
  }

  // The rows whose softmax reads the score of `dot`: i, and with shared inputs j too
  // where row j attends i (j != i). Returns their number; rows in `rows`.
  int Readers(const Operation& dot, int32_t rows[2]) const {
    int count = 0;
    if (!inst_.shared || inst_.mask.Attends(dot.i, dot.j)) rows[count++] = dot.i;
    if (inst_.shared && dot.j != dot.i && inst_.mask.Attends(dot.j, dot.i)) rows[count++] = dot.j;
    return count;
  }

  // Cycles above target_ that `extra` more cycles of work add to `load`.
  int64_t Over(int64_t load, int64_t extra) const {
    return std::clamp<int64_t>(load + extra - target_, 0, extra);
  }

  // Where a trip ends: its arrival cycle, and the cycles it adds above target_ to the
  // loads of the links it crosses.
  struct Trip {
    int64_t arrival = 0;
    int64_t over = 0;
    int64_t cycles = 0;  // link cycles not yet counted in link_load_
  };

  // `item` crosses `link` at or after `trip`'s arrival, in the link's first idle gap;
  // with `commit` the link is taken (a value's trip, `counted`, only with
  // time_values_), and its load grows unless `counted`.
  void Hop(const Item& item, int32_t link, bool counted, bool commit, Trip& trip) {
    const int64_t duration = TransferDuration(problem_, item);
    const int64_t start = links_[link].EarliestStart(trip.arrival, duration);
    trip.arrival = ArrivalCycle(problem_, item, start);
    if (commit && (!counted || time_values_)) links_[link].Reserve(start, duration);
    if (counted) return;
    trip.cycles += duration;
    trip.over += Over(link_load_[link], duration);
    if (commit) link_load_[link] += duration;
  }

  // Vector `item` forwarded from its home to PE `to`, one link at a time; with
  // `commit` its route is extended there.
  Trip VectorTrip(const Item& item, int32_t to, bool commit) {
    const int64_t index = TravellingItemIndex(item, problem_.n());
    std::vector<int64_t>& route = routes_[index];
    if (route.empty()) route.push_back(0);  // resident at home from cycle 0
    const int32_t home = homes_[item.i];
    const int32_t hops = Ahead(home, to, m_);
    if (hops < static_cast<int32_t>(route.size())) return Trip{route[hops], 0};
    Trip trip{route.back(), 0};
    for (int32_t h = static_cast<int32_t>(route.size()) - 1; h < hops; ++h) {
      Hop(item, (home + h) % m_, h < counted_hops_[index], commit, trip);
      if (commit) route.push_back(trip.arrival);
    }
    return trip;
  }

  // The score of `dot`, made on `from` at `ready`, sent on to its readers' homes (the
  // farthest last); `late` when it reaches a reader's home after that row's softmax
  // starts. With `commit` the readers' row_ready_ take its arrivals.
  struct ScoreTrip : Trip {
    bool late = false;
  };
  ScoreTrip SendScore(const Operation& dot, int32_t from, int64_t ready, bool commit) {
    const Item item = ScoreItem(inst_, dot.i, dot.j);
    int32_t rows[2];
    const int readers = Readers(dot, rows);
    int32_t hops = 0;
    for (int r = 0; r < readers; ++r) hops = std::max(hops, Ahead(from, homes_[rows[r]], m_));
    ScoreTrip trip;
    trip.arrival = ready;
    for (int32_t h = 0;; ++h) {
      const int32_t pe = (from + h) % m_;
      for (int r = 0; r < readers; ++r) {
        if (homes_[rows[r]] != pe) continue;
        trip.late = trip.late || trip.arrival > softmax_start_[rows[r]];
        if (commit) row_ready_[rows[r]] = std::max(row_ready_[rows[r]], trip.arrival);
      }
      if (h == hops) return trip;
      Hop(item, pe, false, commit, trip);
    }
  }

  void PlaceDot(const Operation& op) {
    const Item q = Operand(inst_, op, 0), k = Operand(inst_, op, 1);
    const int64_t c = Duration(problem_, op);
    int32_t best = homes_[op.i];
    // (late, cycles above target_, link cycles added, score arrival); a late dot is
    // placed where its score arrives first.
    std::tuple<bool, int64_t, int64_t, int64_t> best_key;
    // Every PE, or the one dot_pe_ gives.
    const int32_t fixed = dot_pe_ ? dot_pe_(op) : -1;
    const int32_t first = fixed < 0 ? 0 : fixed, last = fixed < 0 ? m_ : fixed + 1;
    for (int32_t r = first; r < last; ++r) {
      const Trip tq = VectorTrip(q, r, false), tk = VectorTrip(k, r, false);
      const int64_t start = units_[r].EarliestStart(std::max(tq.arrival, tk.arrival), c);
      const ScoreTrip ts = SendScore(op, r, start + c, false);
      const int64_t over = Over(load_[r], c) + tq.over + tk.over + ts.over;
      const std::tuple<bool, int64_t, int64_t, int64_t> key =
          ts.late ? std::tuple(true, over, int64_t{0}, ts.arrival)
                  : std::tuple(false, over, tq.cycles + tk.cycles + ts.cycles, ts.arrival);
      if (r == first || key < best_key) {
        best_key = key;
        best = r;
      }
    }
    const int64_t ready =
        std::max(VectorTrip(q, best, true).arrival, VectorTrip(k, best, true).arrival);
    const int64_t start = units_[best].EarliestStart(ready, c);
    units_[best].Reserve(start, c);
    placed_[best].emplace_back(start, op);
    load_[best] += c;
    SendScore(op, best, start + c, true);
  }

  const Problem& problem_;
  const DotPlacement& dot_pe_;
  const Instance& inst_;
  const Placement& homes_;
  const int32_t m_;
  const int64_t target_;
  const bool time_values_;
  std::vector<Timeline> links_;  // link p -> p+1's transfers
  // Per link, the cycles of the transfers placed on it and of every value's trip to
  // its farthest reader (counted from the start: no schedule avoids them).
  std::vector<int64_t> link_load_;
  std::vector<Timeline> units_;
  std::vector<int64_t> load_;  // home work plus the dots placed, cycles
  std::vector<std::vector<std::pair<int64_t, Operation>>> placed_;  // (start, op) per PE
  std::vector<std::vector<std::pair<int64_t, Operation>>> chains_;  // home chains, the same
  // Per vector (TravellingItemIndex): its arrival cycle at each PE of its route, from
  // its home (0 links crossed) on.
  std::vector<std::vector<int64_t>> routes_;
  std::vector<int32_t> counted_hops_;  // per vector: links whose link_load_ counts it
  std::vector<int64_t> row_ready_;     // the last score of the row reaches its home
  std::vector<int64_t> softmax_start_;  // per row: its softmax's reserved start
};

}  // namespace

OperationOrders LinkTimedOrders(const Problem& problem, const Placement& homes, int64_t target,
                                bool time_values, const DotPlacement& dot_pe) {
  return ListScheduler(problem, homes, target, time_values, dot_pe).Run();
}

}  // namespace attnsched
