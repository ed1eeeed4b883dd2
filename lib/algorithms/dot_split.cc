#include "lib/algorithms/dot_split.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "lib/model/task_graph.h"

namespace attnsched {
namespace {

// The PE and link loads of a split (dot_split.h), updated one row at a time.
class SplitLoads {
 public:
  // Every dot at its row's home.
  SplitLoads(const Problem& problem, const Placement& homes)
      : problem_(problem),
        inst_(problem.instance),
        homes_(homes),
        m_(static_cast<int32_t>(problem.pes())),
        pe_(m_, 0),
        link_(m_, 0),
        threshold_(problem.n(), m_),
        readers_(problem.n() * m_, 0),
        key_reach_(problem.n(), 0),
        query_reach_(problem.n(), 0) {
    std::vector<int32_t> value_reach(problem.n(), 0);
    for (int32_t i = 0; i < problem.n(); ++i) {
      const int64_t begin = inst_.mask.KeyBegin(i), end = begin + inst_.mask.RowLength(i);
      if (end > begin) pe_[homes_[i]] += Duration(problem_, {OpKind::kSoftmax, i, 0});
      for (int64_t j = begin; j < end; ++j) {
        const Operation dot{OpKind::kDot, i, static_cast<int32_t>(j)};
        pe_[homes_[i]] += Duration(problem_, dot) + Duration(problem_, {OpKind::kAxpy, i, dot.j});
        const int32_t c = inst_.KvRow(dot.j), distance = Distance(dot);
        value_reach[c] = std::max(value_reach[c], distance);
        AddReader(c, distance);
      }
    }
    for (int32_t c = 0; c < problem.n(); ++c) {
      Route(homes_[c], 0, value_reach[c], Transfer(ItemKind::kV, c), 1);
    }
  }

  int32_t threshold(int32_t row) const { return threshold_[row]; }

  // Row `row`'s dots whose key home is at least `threshold` links upstream run there.
  void Set(int32_t row, int32_t threshold) {
    const int32_t old = threshold_[row];
    const int64_t begin = inst_.mask.KeyBegin(row), end = begin + inst_.mask.RowLength(row);
    int32_t reach = 0;
    for (int64_t j = begin; j < end; ++j) {
      const Operation dot{OpKind::kDot, row, static_cast<int32_t>(j)};
      const int32_t distance = Distance(dot);
      const bool was = distance >= old, now = distance >= threshold;
      if (now) reach = std::max(reach, m_ - distance);
      if (was == now) continue;
      const int64_t sign = now ? 1 : -1;
      pe_[homes_[dot.j]] += sign * Duration(problem_, dot);
      pe_[homes_[row]] -= sign * Duration(problem_, dot);
      Route(homes_[dot.j], 0, distance, TransferDuration(problem_, ScoreItem(inst_, row, dot.j)),
            sign);
      if (now) {
        RemoveReader(inst_.KvRow(dot.j), distance);
      } else {
        AddReader(inst_.KvRow(dot.j), distance);
      }
    }
    threshold_[row] = threshold;
    Reach(homes_[row], query_reach_[row], reach, Transfer(ItemKind::kQ, row));
  }

  int64_t Largest() const {
    return std::max(*std::max_element(pe_.begin(), pe_.end()),
                    *std::max_element(link_.begin(), link_.end()));
  }

  // The mean of the squared loads, cycles^2.
  double MeanSquare() const {
    double sum = 0;
    for (const std::vector<int64_t>* loads : {&pe_, &link_}) {
      for (const int64_t x : *loads) sum += static_cast<double>(x) * static_cast<double>(x);
    }
    return sum / (2.0 * m_);
  }

 private:
  // Links from the home of dot's key forward to its row's home.
  int32_t Distance(const Operation& dot) const { return Ahead(homes_[dot.j], homes_[dot.i], m_); }

  int64_t Transfer(ItemKind kind, int32_t row) const {
    return TransferDuration(problem_, Item{kind, row, 0});
  }

  // Adds sign x duration to the links [from + first, from + last) (mod m).
  void Route(int32_t from, int32_t first, int32_t last, int64_t duration, int64_t sign) {
    for (int32_t h = first; h < last; ++h) link_[(from + h) % m_] += sign * duration;
  }

  // An item of `duration` that travelled `reach` links from `from` now travels `next`.
  void Reach(int32_t from, int32_t& reach, int32_t next, int64_t duration) {
    if (next > reach) Route(from, reach, next, duration, 1);
    if (next < reach) Route(from, next, reach, duration, -1);
    reach = next;
  }

  // k(c) has one more (one fewer) reader `distance` links from its home.
  void AddReader(int32_t c, int32_t distance) {
    ++readers_[c * m_ + distance];
    Reach(homes_[c], key_reach_[c], std::max(key_reach_[c], distance), Transfer(ItemKind::kK, c));
  }
  void RemoveReader(int32_t c, int32_t distance) {
    --readers_[c * m_ + distance];
    int32_t reach = key_reach_[c];
    while (reach > 0 && readers_[c * m_ + reach] == 0) --reach;
    Reach(homes_[c], key_reach_[c], reach, Transfer(ItemKind::kK, c));
  }

  const Problem& problem_;
  const Instance& inst_;
  const Placement& homes_;
  const int32_t m_;
  std::vector<int64_t> pe_, link_;    // cycles
  std::vector<int32_t> threshold_;    // per row
  std::vector<int32_t> readers_;      // per (kv row c, distance): dots at home reading k(c)
  std::vector<int32_t> key_reach_;    // per kv row: links k(c) travels
  std::vector<int32_t> query_reach_;  // per row: links q(i) travels
};

constexpr int64_t kMovesPerRow = 250;
constexpr double kStartTemperature = 0.05;  // of the starting largest load
constexpr double kSquareWeight = 0.04;      // of the mean square over the starting load
constexpr uint64_t kSeed = 20261201;

}  // namespace

DotSplit SplitDots(const Problem& problem, const Placement& homes) {
  SplitLoads loads(problem, homes);
  const int32_t m = static_cast<int32_t>(problem.pes());
  DotSplit best{std::vector<int32_t>(problem.n(), m), loads.Largest(), loads.Largest()};
  std::vector<int32_t> rows;  // rows with a key on another PE
  for (int32_t i = 0; i < problem.n(); ++i) {
    const int64_t begin = problem.mask().KeyBegin(i), end = begin + problem.mask().RowLength(i);
    for (int64_t j = begin; j < end; ++j) {
      if (homes[j] != homes[i]) {
        rows.push_back(i);
        break;
      }
    }
  }
  if (rows.empty() || m < 2) return best;
  const double start = static_cast<double>(best.load);
  auto score = [&] {
    return static_cast<double>(loads.Largest()) + kSquareWeight * loads.MeanSquare() / start;
  };
  std::mt19937_64 rng(kSeed);
  const int64_t moves = kMovesPerRow * static_cast<int64_t>(rows.size());
  double current = score();
  for (int64_t move = 0; move < moves; ++move) {
    const double temperature =
        kStartTemperature * start * (1.0 - static_cast<double>(move) / static_cast<double>(moves)) +
        1e-3;
    const int32_t row = rows[rng() % rows.size()];
    const int32_t old = loads.threshold(row);
    const int32_t next = 1 + static_cast<int32_t>(rng() % m);
    if (next == old) continue;
    loads.Set(row, next);
    const double candidate = score();
    const double uniform = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    if (candidate > current && uniform >= std::exp((current - candidate) / temperature)) {
      loads.Set(row, old);
      continue;
    }
    current = candidate;
    if (loads.Largest() < best.load) {
      best.load = loads.Largest();
      for (int32_t i = 0; i < problem.n(); ++i) best.threshold[i] = loads.threshold(i);
    }
  }
  return best;
}

DotPlacement SplitPlacement(const DotSplit& split, const Placement& homes, int64_t pes) {
  return [threshold = split.threshold, homes, pes](const Operation& dot) {
    return Ahead(homes[dot.j], homes[dot.i], pes) >= threshold[dot.i] ? homes[dot.j] : homes[dot.i];
  };
}

}  // namespace attnsched
