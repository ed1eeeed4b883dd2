#include "lib/schedule/storage.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lib/schedule/residency.h"

namespace attnsched {
namespace {

struct Delivery {
  int64_t arrival = 0;
  int64_t last_use = -1;
};

}  // namespace

void FreeAfterLastUse(Schedule& s) {
  const Problem& p = s.problem;
  const Instance& inst = p.instance;
  absl::flat_hash_map<uint64_t, Delivery> delivered;
  auto use = [&delivered](const Item& item, int32_t pe, int64_t t) {
    if (auto it = delivered.find(ResidencyKey(item, pe)); it != delivered.end()) {
      it->second.last_use = std::max(it->second.last_use, t);
    }
  };
  SortEvents(s.events);  // uses come after the transfers that deliver their items
  for (const Event& e : s.events) {
    if (e.is_op()) {
      const Operation op = e.op();
      for (int64_t k = 0, n = OperandCount(inst, op); k < n; ++k) use(Operand(inst, op, k), e.pe, e.start);
    } else if (e.is_xfer()) {
      use(e.item(), e.pe, e.start);
      const int32_t to = static_cast<int32_t>((e.pe + 1) % p.pes());
      const int64_t arrival = ArrivalCycle(p, e.item(), e.start);
      auto [it, fresh] = delivered.try_emplace(ResidencyKey(e.item(), to), Delivery{arrival, -1});
      if (!fresh) it->second.arrival = std::min(it->second.arrival, arrival);
    }
  }
  std::vector<Event> frees;
  frees.reserve(delivered.size());
  for (const Event& e : s.events) {
    if (!e.is_xfer()) continue;
    const int32_t to = static_cast<int32_t>((e.pe + 1) % p.pes());
    auto it = delivered.find(ResidencyKey(e.item(), to));
    if (it == delivered.end()) continue;  // freed already (a redundant transfer)
    const Delivery d = it->second;
    frees.push_back(Event::Free(std::max(d.arrival, d.last_use + 1), to, e.item()));
    delivered.erase(it);
  }
  s.events.insert(s.events.end(), frees.begin(), frees.end());
  SortEvents(s.events);
}

int64_t StorageLowerBound(const Problem& problem, const Placement* placement) {
  const int64_t input_words = (problem.instance.shared ? 1 : 3) * problem.d();
  const int64_t m = problem.pes();
  const Mask& mask = problem.mask();
  if (placement == nullptr) {
    // Some PE holds ceil(n / m) tiles, all of b tokens but perhaps the last, shorter one.
    const int64_t tiles = (problem.n() + m - 1) / m;
    return ((tiles - 1) * mask.tile() + mask.TileTokens(problem.n() - 1)) * input_words;
  }
  std::vector<int64_t> tokens(static_cast<size_t>(m), 0);
  for (size_t t = 0; t < placement->size(); ++t) {
    tokens[static_cast<size_t>((*placement)[t])] += mask.TileTokens(static_cast<int64_t>(t));
  }
  return *std::max_element(tokens.begin(), tokens.end()) * input_words;
}

}  // namespace attnsched
