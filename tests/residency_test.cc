// Residency (lib/schedule/residency.h), the state the validator, simulator and plan
// compiler share, and MergeBefore (lib/schedule/event_stream.h), which the
// compiler uses to assemble a schedule: arrivals at home, results, copies by
// transfers (earliest kept), the dense and hashed vector tables, score indices, and
// stream merges against a sort.
#include "lib/schedule/event_stream.h"
#include "lib/schedule/residency.h"

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "lib/schedule/schedule.h"

namespace attnsched {
namespace {

constexpr int64_t kNever = Residency::kNever;

TEST(ResidencyTest, InputsAreAtHomeFromCycleZeroAndNowhereElse) {
  const Problem p = MakeProblem(Scheme::kGeneral, 4, 2, 2);
  const Placement homes = BlockPlacement(4, 2);  // tokens 0, 1 on PE 0; 2, 3 on PE 1
  const Residency r(p, homes);
  for (ItemKind kind : {ItemKind::kQ, ItemKind::kK, ItemKind::kV}) {
    EXPECT_EQ(r.ArrivalAt({kind, 1, 0}, 0), 0);
    EXPECT_EQ(r.ArrivalAt({kind, 1, 0}, 1), kNever);
    EXPECT_EQ(r.ArrivalAt({kind, 3, 0}, 1), 0);
  }
}

TEST(ResidencyTest, ResultsAndTransfersKeepTheEarliestArrival) {
  const Problem p = MakeProblem(Scheme::kGeneral, 4, 2, 2);
  const Placement homes = BlockPlacement(4, 2);
  Residency r(p, homes);
  const Item s01{ItemKind::kS, 0, 1};
  EXPECT_EQ(r.ArrivalAt(s01, 0), kNever);
  r.RecordResult({OpKind::kDot, 0, 1}, 1, 7);  // computed on PE 1, ready at 7
  // On its producer: 0, resident once the unit has finished the dot (the unit's
  // state says when); the producer is kept, not the cycle.
  EXPECT_EQ(r.ArrivalAt(s01, 1), 0);
  EXPECT_EQ(r.WhereRan({OpKind::kDot, 0, 1}), 1);
  EXPECT_EQ(r.ArrivalAt(s01, 0), kNever);
  EXPECT_EQ(r.RecordArrival(s01, 0, 12), kNever);  // first copy on PE 0
  EXPECT_EQ(r.ArrivalAt(s01, 0), 12);
  EXPECT_EQ(r.RecordArrival(s01, 0, 15), 12);      // a later copy: the earliest stays
  EXPECT_EQ(r.ArrivalAt(s01, 0), 12);
  EXPECT_EQ(r.RecordArrival(s01, 0, 9), 12);       // an earlier one replaces it
  EXPECT_EQ(r.ArrivalAt(s01, 0), 9);
  // A vector copied away from home; at home it stays resident from 0.
  const Item k2{ItemKind::kK, 2, 0};
  EXPECT_EQ(r.RecordArrival(k2, 0, 4), kNever);
  EXPECT_EQ(r.ArrivalAt(k2, 0), 4);
  EXPECT_EQ(r.ArrivalAt(k2, 1), 0);
}

TEST(ResidencyTest, ASoftmaxMakesItsWholeRowResidentAtHome) {
  const Problem p = MakeProblem(Scheme::kCausal, 4, 2, 2);
  const Placement homes = CyclicPlacement(4, 2);  // token 3 on PE 1
  Residency r(p, homes);
  r.RecordResult({OpKind::kSoftmax, 3, 0}, 1, 20);
  for (int32_t j = 0; j <= 3; ++j) {
    EXPECT_EQ(r.ArrivalAt({ItemKind::kP, 3, j}, 1), 20) << j;
    EXPECT_EQ(r.ArrivalAt({ItemKind::kP, 3, j}, 0), kNever) << j;
  }
  EXPECT_EQ(r.ArrivalAt({ItemKind::kP, 2, 0}, 0), kNever);  // another row: not yet
  r.RecordArrival({ItemKind::kP, 3, 2}, 0, 25);
  EXPECT_EQ(r.ArrivalAt({ItemKind::kP, 3, 2}, 0), 25);
  EXPECT_EQ(r.ArrivalAt({ItemKind::kP, 3, 1}, 0), kNever);  // only the copied one
}

// A score's producer is kept in 2 bits: the home of i, the home of j, or (a hash map)
// another PE; freed there it is gone until a copy comes back.
TEST(ResidencyTest, ProducersAnywhereAndFreedThere) {
  const Problem p = MakeProblem(Scheme::kGeneral, 6, 2, 3);
  const Placement homes = BlockPlacement(6, 3);  // 0, 1 on PE 0; 2, 3 on 1; 4, 5 on 2
  Residency r(p, homes);
  r.RecordResult({OpKind::kDot, 0, 2}, 0, 3);  // home of i
  r.RecordResult({OpKind::kDot, 0, 3}, 1, 4);  // home of j
  r.RecordResult({OpKind::kDot, 0, 1}, 2, 5);  // elsewhere
  for (const auto& [j, pe] : {std::pair{2, 0}, {3, 1}, {1, 2}}) {
    const Item s{ItemKind::kS, 0, j};
    EXPECT_EQ(r.WhereRan({OpKind::kDot, 0, j}), pe) << j;
    for (int32_t q = 0; q < 3; ++q) EXPECT_EQ(r.ArrivalAt(s, q), q == pe ? 0 : kNever) << j << q;
  }
  EXPECT_FALSE(r.WhereRan({OpKind::kDot, 0, 0}).has_value());
  const Item s01{ItemKind::kS, 0, 1};
  EXPECT_EQ(r.Free(s01, 2), 0);
  EXPECT_EQ(r.ArrivalAt(s01, 2), kNever);
  EXPECT_FALSE(r.WhereRan({OpKind::kDot, 0, 1}).has_value());
  EXPECT_EQ(r.RecordArrival(s01, 2, 30), kNever);  // back by a transfer
  EXPECT_EQ(r.ArrivalAt(s01, 2), 30);
}

// The softmax's shortcut: the scores of a row produced at the home of its row and not
// freed there, counted as dots are recorded and scores freed; dots run are known by
// their scores.
TEST(ResidencyTest, ScoresAtHomeOfRowCountsWhatASoftmaxFindsThere) {
  const Problem p = MakeProblem(Scheme::kGeneral, 100, 2, 2);
  const Placement homes = BlockPlacement(100, 2);  // rows 0..49 on PE 0
  Residency r(p, homes);
  EXPECT_EQ(r.ScoresAtHomeOfRow(3), 0);
  for (int32_t j = 0; j < 100; ++j) {
    const int64_t index = DotIndex(p.instance, {ItemKind::kS, 3, j});
    EXPECT_FALSE(r.Produced(index));
    r.RecordResult({OpKind::kDot, 3, j}, j == 77 ? 1 : 0, 1);  // s(3,77) on PE 1
    EXPECT_TRUE(r.Produced(index));
  }
  EXPECT_EQ(r.ScoresAtHomeOfRow(3), 99);
  EXPECT_EQ(r.ScoresAtHomeOfRow(4), 0);
  r.Free({ItemKind::kS, 3, 40}, 0);
  EXPECT_EQ(r.ScoresAtHomeOfRow(3), 98);
  r.Free({ItemKind::kS, 3, 77}, 1);  // freed where it was produced, not at home
  EXPECT_EQ(r.ScoresAtHomeOfRow(3), 98);
  EXPECT_TRUE(r.Produced(DotIndex(p.instance, {ItemKind::kS, 3, 40})));  // freed, but it ran
}

TEST(ResidencyTest, SharedScoresAreOneItemEitherWay) {
  // Shared: s(i,j) = s(j,i), stored once under its canonical name (i <= j).
  const Problem p = MakeProblem(Scheme::kShared, 3, 2, 3);
  const Placement homes = BlockPlacement(3, 3);
  Residency r(p, homes);
  r.RecordResult({OpKind::kDot, 0, 2}, 2, 5);
  EXPECT_EQ(r.ArrivalAt({ItemKind::kS, 0, 2}, 2), 0);
  EXPECT_EQ(r.ArrivalAt({ItemKind::kS, 0, 2}, 0), kNever);
  // Each canonical score has its own index in [0, dots).
  std::set<int64_t> seen;
  for (int32_t j = 0; j < 3; ++j) {
    for (int32_t i = 0; i <= j; ++i) seen.insert(DotIndex(p.instance, {ItemKind::kS, i, j}));
  }
  EXPECT_EQ(seen, (std::set<int64_t>{0, 1, 2, 3, 4, 5}));
}

TEST(ResidencyTest, KeysSeparateEveryField) {
  const Item a{ItemKind::kS, 5, 7};
  std::set<uint64_t> keys = {ResidencyKey(a, 3), ResidencyKey({ItemKind::kP, 5, 7}, 3),
                             ResidencyKey({ItemKind::kS, 6, 7}, 3),
                             ResidencyKey({ItemKind::kS, 5, 8}, 3), ResidencyKey(a, 4),
                             ResidencyKey({ItemKind::kS, (1 << 20) - 1, (1 << 20) - 1}, 65535)};
  EXPECT_EQ(keys.size(), 6u);
}

TEST(ResidencyTest, ManyPesUseTheHashedVectorTable) {
  // 1024 tokens on 16384 PEs: 3 kinds x 1024 x 16384 vector entries exceed
  // kDenseVectorLimit, while the scores (a million) stay dense.
  const Problem p = MakeProblem(Scheme::kGeneral, 1024, 1, 16384);
  const Placement homes = BlockPlacement(1024, 16384);
  ASSERT_GT(int64_t{3} * p.n() * p.pes(), Residency::kDenseVectorLimit);
  Residency r(p, homes);
  const Item q{ItemKind::kQ, 1000, 0};
  const int32_t home = homes[1000];
  EXPECT_EQ(r.ArrivalAt(q, home), 0);
  const int32_t away = home + 1;
  EXPECT_EQ(r.ArrivalAt(q, away), kNever);
  EXPECT_EQ(r.RecordArrival(q, away, 31), kNever);
  EXPECT_EQ(r.ArrivalAt(q, away), 31);
  EXPECT_EQ(r.RecordArrival(q, away, 40), 31);
  EXPECT_EQ(r.ArrivalAt(q, away), 31);
}

// Merging before a limit, then the rest, equals sorting the concatenation: the first
// step yields exactly the events starting before the limit.
TEST(MergeBeforeTest, EqualsSortingTheConcatenation) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    // Ranked streams: PE p's operations at 2p, its link's transfers at 2p + 1, each
    // with strictly increasing starts.
    std::vector<EventStream> streams(1 + rng() % 6);
    std::vector<Event> all;
    for (size_t s = 0; s < streams.size(); ++s) {
      // Some streams empty, some longer than a block.
      const int count = static_cast<int>(rng() % 3 == 0 ? EventStream::kBlockEvents + rng() % 9000
                                                         : rng() % 40);
      const int32_t pe = static_cast<int32_t>(s / 2);
      int64_t start = 0;
      for (int k = 0; k < count; ++k) {
        start += 1 + static_cast<int64_t>(rng() % 3);
        const Event e = s % 2 == 0
                            ? Event::Op(start, pe, {OpKind::kDot, int32_t(rng() % 5), int32_t(rng() % 5)})
                            : Event::Xfer(start, pe, {ItemKind::kK, int32_t(rng() % 5), 0});
        streams[s].push_back(e);
        all.push_back(e);
      }
    }
    SortEvents(all);
    const int64_t limit = static_cast<int64_t>(rng() % 64);
    std::vector<EventStream*> ranked;
    for (EventStream& stream : streams) ranked.push_back(&stream);
    std::vector<Event> merged;
    MergeBefore(ranked, limit, merged);
    const size_t before = merged.size();
    EXPECT_EQ(before, static_cast<size_t>(std::count_if(
                          all.begin(), all.end(), [&](const Event& e) { return e.start < limit; })));
    MergeBefore(ranked, kMaxStart + 1, merged);
    ASSERT_EQ(merged.size(), all.size());
    for (size_t k = 0; k < all.size(); ++k) {
      ASSERT_EQ(merged[k], all[k]) << "trial " << trial << " position " << k;
    }
    EXPECT_TRUE(std::is_sorted(merged.begin(), merged.end(), CanonicalLess));
  }
  std::vector<Event> out;
  std::vector<EventStream> two_empty(2);
  MergeBefore({}, kMaxStart + 1, out);
  MergeBefore({&two_empty[0], &two_empty[1]}, kMaxStart + 1, out);
  EXPECT_TRUE(out.empty());
}

// Reading across block boundaries keeps every unread event addressable by its
// position, whatever has been released.
TEST(EventStreamTest, ReadsAcrossBlocksInOrder) {
  EventStream stream;
  const size_t n = 2 * EventStream::kBlockEvents + 77;
  for (size_t k = 0; k < n; ++k) stream.push_back(Event::Op(int64_t(k), 0, {OpKind::kDot, 0, 0}));
  EXPECT_EQ(stream.size(), n);
  for (size_t k = 0; k < n; ++k) {
    ASSERT_EQ(stream.front().start, int64_t(k));
    ASSERT_EQ(stream.at_appended(n - 1).start, int64_t(n - 1));
    stream.pop_front();
  }
  EXPECT_TRUE(stream.empty());
  stream.push_back(Event::Op(5, 0, {OpKind::kDot, 0, 0}));  // appending after reading all
  EXPECT_EQ(stream.front().start, 5);
  EXPECT_EQ(stream.at_appended(n).start, 5);
}

}  // namespace
}  // namespace attnsched
