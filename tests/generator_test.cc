// Generators beyond the sweep: the values issue 10 asks for, measured reductions, any
// placement and any n, never slower than one PE, balancing, any costs, bad requests,
// the event limit, and the plan compiler.
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/algorithms/program.h"
#include "lib/algorithms/ring_plan.h"
#include "lib/model/bounds.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

int64_t MeasuredMakespan(const Schedule& s) {
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  EXPECT_TRUE(r.ok() && r->valid());
  return r.ok() ? r->stats.makespan : 0;
}

void ExpectValidAndExact(const Schedule& s) {
  absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->valid()) << r->violation->message;
  absl::StatusOr<SimulationReport> sim = testing::SimulateSchedule(s, 3);
  ASSERT_TRUE(sim.ok()) << sim.status();
  EXPECT_LE(sim->max_rel_error, kMaxRelError);
}

Problem WithCosts(Problem p, int64_t c_dot, int64_t c_axpy) {
  p.costs.c_dot = c_dot;
  p.costs.c_axpy = c_axpy;
  return p;
}

// The values issue 10 asks for, with the default local search budget.
// Ring rotation's loop nests (lib/algorithms/program.h) over every PE's rows visit
// each operation of the task graph once: with shared inputs, each unordered pair once,
// as dot(min, max), whichever PE's rows meet it first.
TEST(ProgramTest, RingNestsVisitEveryOperationOnce) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (OpKind kind : {OpKind::kDot, OpKind::kAxpy}) {
      const Problem p = MakeProblem(scheme, 23, 2, 4);
      const Placement homes = BlockPlacement(23, 4);
      auto ring = std::make_shared<const RingContext>(p.instance, homes, 4);
      std::set<std::pair<int32_t, int32_t>> seen;
      int64_t visited = 0;
      for (int32_t pe = 0; pe < 4; ++pe) {
        Program program;
        program.AppendRingRounds(kind, pe, ring->blocks.tokens[pe], ring);
        for (const Operation& op : program) {
          ASSERT_EQ(op.kind, kind);
          ASSERT_TRUE(InTaskGraph(p.instance, op)) << OperationName(p.instance, op);
          EXPECT_TRUE(seen.insert({op.i, op.j}).second) << OperationName(p.instance, op) << " twice";
          ++visited;
        }
        EXPECT_EQ(program.size(), static_cast<int64_t>(program.Expand().size()));
      }
      const OperationCounts counts = CountOperations(p.instance);
      EXPECT_EQ(visited, kind == OpKind::kDot ? counts.dots : counts.axpys);
    }
  }
}

TEST(GeneratorTest, ValuesForAnySequenceLength) {
  const struct {
    Problem problem;
    int64_t makespan;
    const char* generator;
  } cases[] = {
      {MakeProblem(Scheme::kCausal, 7, 2, 2), 70, "zigzag-ring"},     // = LB_work
      {MakeProblem(Scheme::kGeneral, 7, 2, 2), 123, "ring-rotation"},  // = LB_work
      {MakeProblem(Scheme::kCausal, 7, 1, 2), 42, "zigzag-ring"},      // = LB_work
      {MakeProblem(Scheme::kCausal, 2, 2, 4), 10, "zigzag-ring"},      // the SAT optimum
      // Links too slow for the compute: one PE, T = W.
      {WithCosts(MakeProblem(Scheme::kCausal, 2, 16, 2), 1, 1), 9, "one-pe"},
      {WithCosts(MakeProblem(Scheme::kGeneral, 2, 16, 2), 1, 1), 12, "one-pe"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(Describe(c.problem));
    absl::StatusOr<Generated> g = Generate(c.problem);
    ASSERT_TRUE(g.ok()) << g.status();
    const Schedule s = testing::Whole(*g);
    ExpectValidAndExact(s);
    EXPECT_EQ(Makespan(s), c.makespan);
    EXPECT_EQ(g->generator, c.generator);
  }
}

TEST(GeneratorTest, OnePeFallbackSaysWhy) {
  absl::StatusOr<Generated> g = Generate(WithCosts(MakeProblem(Scheme::kGeneral, 2, 16, 2), 1, 1));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->placement, "one-pe");
  EXPECT_EQ(g->events->placement(), (Placement{0, 0}));
  EXPECT_THAT(g->note, HasSubstr("all work on PE 0 of 2"));
  EXPECT_THAT(g->note, HasSubstr("total work W = 12"));
  EXPECT_FALSE(g->pinned);
}

TEST(GeneratorTest, MeasuredReductionsAgainstGeneralAtD64) {
  // SPEC section 5: >= 24% (shared) and >= 49% (causal) in makespan, measured.
  // The work ratios alone allow that only from n >= 50 (causal W is (n+1)/(2n) of
  // general's), so n = 16 m with m >= 4.
  for (int64_t m : {4, 8, 16}) {
    const int64_t n = 16 * m;
    const double general =
        static_cast<double>(MeasuredMakespan(testing::MustGenerate(Scheme::kGeneral, n, 64, m)));
    const double shared =
        static_cast<double>(MeasuredMakespan(testing::MustGenerate(Scheme::kShared, n, 64, m)));
    const double causal =
        static_cast<double>(MeasuredMakespan(testing::MustGenerate(Scheme::kCausal, n, 64, m)));
    EXPECT_GE(1 - shared / general, 0.24) << "m = " << m;
    EXPECT_GE(1 - causal / general, 0.49) << "m = " << m;
  }
}

TEST(GeneratorTest, BalancingReachesTheWorkBoundWhereRowsDoNotDivide) {
  // One token more on the first PE (n = 16 m + 1, block homes): without balancing it
  // carries a row's work more than the mean; with it every PE's busy time is within
  // one dot of the mean, and T <= 1.001 LB_work.
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    const Schedule s = testing::MustGenerate(scheme, 16 * 8 + 1, 64, 8);
    absl::StatusOr<ValidationReport> r = testing::ValidateSchedule(s);
    ASSERT_TRUE(r.ok() && r->valid());
    const LowerBounds lb = ComputeLowerBounds(s.problem, s.placement);
    EXPECT_LE(static_cast<double>(r->stats.makespan), 1.001 * static_cast<double>(lb.work))
        << SchemeName(scheme);
    const auto [lo, hi] = std::minmax_element(r->stats.busy_cycles.begin(), r->stats.busy_cycles.end());
    EXPECT_LE(*hi - *lo, 2 * 64) << SchemeName(scheme);
  }
}

TEST(GeneratorTest, EveryPlacementIsServedForAnyN) {
  // Pinned named and explicit placements, n not a multiple of m, n < m (empty PEs),
  // one token, one PE: the schedule keeps the homes, is valid, exact and above every
  // bound of those homes.
  std::mt19937 rng(7);
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (const auto& [n, m] : {std::pair{1, 1}, {1, 3}, {2, 5}, {7, 2}, {11, 4}, {13, 5}}) {
      const Problem p = MakeProblem(scheme, n, 3, m);
      Placement random(n);
      for (int32_t& h : random) h = static_cast<int32_t>(rng() % m);
      for (const Placement& homes : {BlockPlacement(n, m), CyclicPlacement(n, m),
                                     ZigzagPlacement(n, m), random}) {
        SCOPED_TRACE(absl::StrCat(SchemeName(scheme), " n=", n, " m=", m));
        absl::StatusOr<Generated> g =
            Generate(p, {kDefaultMaxEvents, PlacementSpec{PlacementKind::kExplicit, homes}, 0});
        ASSERT_TRUE(g.ok()) << g.status();
        EXPECT_TRUE(g->pinned);
        const Schedule s = testing::Whole(*g);
        EXPECT_EQ(s.placement, homes);
        ExpectValidAndExact(s);
        EXPECT_GE(Makespan(s), ComputeLowerBounds(p, homes).Max());
      }
    }
  }
}

TEST(GeneratorTest, AFreePlacementIsNeverSlowerThanOnePe) {
  // Slow links, latency and cheap compute, where the ring loses to one PE.
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (const auto& [n, m, latency] : {std::tuple{3, 2, 0}, {5, 4, 9}, {9, 3, 30}}) {
      Problem p = WithCosts(MakeProblem(scheme, n, 32, m), 1, 1);
      p.machine.link_latency = latency;
      const Schedule s = testing::MustGenerate(p);
      ExpectValidAndExact(s);
      EXPECT_LE(Makespan(s), TotalWork(p)) << Describe(p);
    }
  }
}

// Above 300,000 operations the ring is streamed unless its bound exceeds W (one PE)
// or comes within 2x of it (compiled once to measure): never slower than one PE.
TEST(GeneratorTest, AStreamedScheduleIsNeverSlowerThanOnePe) {
  // Causal n = 1024 on 8 PEs with 14 or 15 cycles per word: the ring's bound is below
  // W but its makespan above (1.61 M and 1.72 M cycles against W = 1.57 M), so only the
  // measuring compile finds that one PE is faster.
  std::set<std::string> generators;
  for (const auto& [scheme, n, m, link_cycles] :
       {std::tuple{Scheme::kGeneral, 600, 7, 1}, {Scheme::kGeneral, 600, 7, 16},
        {Scheme::kGeneral, 600, 7, 64}, {Scheme::kCausal, 1024, 8, 13},
        {Scheme::kCausal, 1024, 8, 14}, {Scheme::kCausal, 1024, 8, 15}}) {
    Problem p = WithCosts(MakeProblem(scheme, n, 64, m), 1, 1);
    p.machine.link_cycles = link_cycles;
    ASSERT_GT(CountOperations(p.instance).total(), 300'000);
    absl::StatusOr<Generated> g = Generate(p);
    ASSERT_TRUE(g.ok()) << g.status();
    generators.insert(g->generator);
    const Schedule s = testing::Whole(*g);
    EXPECT_LE(Makespan(s), TotalWork(p)) << Describe(p);
  }
  EXPECT_EQ(generators, (std::set<std::string>{"ring-rotation", "zigzag-ring", "one-pe"}));
}

TEST(GeneratorTest, ValidForAnyCostsAndLinks) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (const auto& [costs, machine] :
         {std::pair{Costs{5, 2, 1}, Machine{4, 3, 1, 0}}, std::pair{Costs{1, 1, 1}, Machine{4, 1, 1, 0}},
          std::pair{Costs{7, 3, 11}, Machine{4, 64, 1, 0}},
          std::pair{Costs{2, 1, 2}, Machine{5, 2, 7, 13}}}) {
      const Problem p{MakeInstance(scheme, 27, 16), machine, costs};
      const Schedule s = testing::MustGenerate(p);
      ExpectValidAndExact(s);
      EXPECT_GE(Makespan(s), ComputeLowerBounds(p, s.placement).Max());
    }
  }
}

TEST(GeneratorTest, TheEventCountIsExactBeforeCompiling) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    const Problem p = MakeProblem(scheme, 37, 4, 5);
    for (bool balance : {false, true}) {
      const Placement homes = BlockPlacement(37, 5);
      Plan plan = FinishRingPlan(p, homes, GeneratorFor(p.instance).dots(p, homes, balance));
      const int64_t counted = CountPlanEvents(p, plan);
      absl::StatusOr<Schedule> s = CompilePlan(p, std::move(plan));
      ASSERT_TRUE(s.ok());
      EXPECT_EQ(counted, static_cast<int64_t>(s->events.size())) << SchemeName(scheme);
    }
  }
}

TEST(GeneratorTest, BadRequestsAreRefusedByName) {
  const Problem p = MakeProblem(Scheme::kShared, 4, 2, 2);
  const struct {
    Problem problem;
    std::optional<PlacementSpec> placement;
    const char* message;
  } cases[] = {
      {MakeProblem(Scheme::kShared, 8, 0, 2), std::nullopt, "d = 0"},
      {MakeProblem(Scheme::kShared, -8, 2, 2), std::nullopt, "n = -8"},
      {Problem{p.instance, Machine{2, 0, 1, 0}, p.costs}, std::nullopt, "link_words = 0"},
      {Problem{p.instance, Machine{2, 1, 1, -4}, p.costs}, std::nullopt, "link_latency = -4"},
      {p, PlacementSpec{PlacementKind::kExplicit, {0, 1}}, "placement: 2 homes given"},
      {p, PlacementSpec{PlacementKind::kExplicit, {0, 1, 2, 0}}, "placement[2] = 2"},
  };
  for (const auto& c : cases) {
    absl::Status s = Generate(c.problem, {kDefaultMaxEvents, c.placement, 0}).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message));
  }
}

TEST(GeneratorTest, EventLimitIsCheckedBeforeAnyWork) {
  // Llama-2-7B on 64 PEs has 16.8 million operations; an operation limit of 1000
  // refuses it at once, counting them. Held whole, an event limit of 1000 refuses it
  // at once too; 17 million admits the operations and refuses the transfers. Streamed,
  // the event limit does not apply.
  const Problem llama = MakeProblem(Scheme::kCausal, 4096, 128, 64);
  const auto options = [](int64_t max_events, int64_t max_operations, bool hold) {
    GenerateOptions o;
    o.max_events = max_events;
    o.max_operations = max_operations;
    o.hold = hold;
    o.search_events = 0;
    return o;
  };
  absl::Status s = Generate(llama, options(kDefaultMaxEvents, 1000, false)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("16785408 operations"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("operation limit 1000;"));
  s = Generate(llama, options(1000, kDefaultMaxOperations, true)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("event limit 1000;"));
  s = Generate(llama, options(17'000'000, kDefaultMaxOperations, true)).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("17297472 events"));
  absl::StatusOr<Generated> streamed = Generate(llama, options(1000, kDefaultMaxOperations, false));
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_EQ(streamed->event_count, 17297472);
}

// Above 300,000 operations the schedule is compiled as it is read: every scheme's
// stream comes in canonical order, as many events as announced, and validates.
TEST(GeneratorTest, StreamedSchedulesComeInCanonicalOrder) {
  for (const Problem& p : {MakeProblem(Scheme::kCausal, 1024, 8, 4),
                           MakeProblem(Scheme::kGeneral, 700, 4, 3),
                           MakeProblem(Scheme::kShared, 900, 2, 5),
                           WithCosts(MakeProblem(Scheme::kGeneral, 600, 64, 7), 1, 1)}) {
    ASSERT_GT(CountOperations(p.instance).total(), 300'000) << Describe(p);
    absl::StatusOr<Generated> g = Generate(p);
    ASSERT_TRUE(g.ok()) << g.status();
    const int64_t announced = g->event_count;
    const Schedule s = testing::Whole(*g);
    EXPECT_EQ(static_cast<int64_t>(s.events.size()), announced) << Describe(p);
    EXPECT_TRUE(std::is_sorted(s.events.begin(), s.events.end(), CanonicalLess)) << Describe(p);
    ExpectValidAndExact(s);
  }
}

TEST(PlanCompilerTest, DeadlockIsAnInternalErrorNamingTheItem) {
  // softmax(0) is never run, so axpy(0,0) waits for p(0,0) forever.
  const Problem p = MakeProblem(Scheme::kGeneral, 1, 1, 1);
  Plan plan{{0},
            {{{OpKind::kDot, 0, 0}, {OpKind::kAxpy, 0, 0}, {OpKind::kSoftmax, 0, 0}}},
            [](const Item&, int32_t) { return Forward{}; },
            {}};
  absl::StatusOr<Schedule> s = CompilePlan(p, std::move(plan));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("PE 0 waits for p(0,0)"));
}

// Start cycle of the transfer of `item` over `link`, or -1.
int64_t SentAt(const Schedule& s, const Item& item, int32_t link) {
  const int64_t k = testing::FindEvent(
      s, [&](const Event& e) { return !e.is_op() && e.pe == link && e.item() == item; });
  return k < 0 ? -1 : s.events[k].start;
}

TEST(PlanCompilerTest, RelayPriorityReordersARelayLink) {
  // Ring rotation, general n=6, d=2 on 3 PEs (homes 0,0,1,1,2,2): on every link
  // each k goes before each v, and of equal priorities the one ready first. On link
  // 1, PE 1's own v(3) is ready at cycle 0 and v(0) arrives at cycle 10 (link 0 sends
  // k(0), k(1), then relays k(4), k(5) first), so v(3) goes first at cycle 10, unless
  // relayed v items get priority -1.
  const Problem p = MakeProblem(Scheme::kGeneral, 6, 2, 3);
  const Placement homes = BlockPlacement(6, 3);
  Plan plan = FinishRingPlan(p, homes, RowHomeDots(p, homes, false));
  absl::StatusOr<Schedule> before = CompilePlan(p, plan);
  plan.relay_priority = [](const Item& item, int32_t) {
    return item.kind == ItemKind::kV ? -1 : 0;
  };
  absl::StatusOr<Schedule> after = CompilePlan(p, plan);
  ASSERT_TRUE(before.ok() && after.ok());
  const Item v0{ItemKind::kV, 0, 0}, v3{ItemKind::kV, 3, 0};
  EXPECT_EQ(SentAt(*before, v3, 1), 10);
  EXPECT_EQ(SentAt(*before, v0, 1), 12);
  EXPECT_EQ(SentAt(*after, v0, 1), 10);
  EXPECT_EQ(SentAt(*after, v3, 1), 12);
  const absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(*after);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->valid()) << report->violation->message;
}

TEST(PlanCompilerTest, ListSchedulingIsAsap) {
  // One PE: dot(0,0) at 0..1, softmax(0) at 2 (1 cycle), axpy(0,0) at 3 (2 cycles).
  const Problem p = MakeProblem(Scheme::kGeneral, 1, 2, 1);
  Plan plan{{0},
            {{{OpKind::kDot, 0, 0}, {OpKind::kSoftmax, 0, 0}, {OpKind::kAxpy, 0, 0}}},
            [](const Item&, int32_t) { return Forward{}; },
            {}};
  absl::StatusOr<Schedule> s = CompilePlan(p, std::move(plan));
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->events.size(), 3u);
  EXPECT_EQ(s->events[0].start, 0);
  EXPECT_EQ(s->events[1].start, 2);
  EXPECT_EQ(s->events[2].start, 3);
}

TEST(CancellationTest, GenerateValidateAndSimulateStopWhenAsked) {
  // 140,000 events: the validator and the simulator poll every 32,768.
  const Problem p = MakeProblem(Scheme::kCausal, 256, 8, 4);
  const Cancelled now = [] { return true; };
  GenerateOptions options;
  options.cancelled = now;
  EXPECT_EQ(Generate(p, options).status().code(), absl::StatusCode::kCancelled);
  const Schedule s = testing::MustGenerate(p);
  ASSERT_GT(static_cast<int64_t>(s.events.size()), kCancellationPollEvents);
  absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(s, ValidationOptions{kDefaultMaxEvents, now});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("validation stopped"));
  EXPECT_EQ(testing::SimulateSchedule(s, 1, now).status().code(), absl::StatusCode::kCancelled);
  // Asked but never true: the answers are the usual ones.
  const Cancelled never = [] { return false; };
  EXPECT_TRUE(testing::ValidateSchedule(s, ValidationOptions{kDefaultMaxEvents, never})->valid());
  EXPECT_LE(testing::SimulateSchedule(s, 1, never)->max_rel_error, kMaxRelError);
}

TEST(GeneratorTest, FarMorePesThanTokens) {
  // Most PEs hold no token (ring rotation skips their rounds): still valid, and with a
  // free placement never slower than one PE.
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    const Problem p = MakeProblem(scheme, 5, 2, 4096);
    const Schedule s = testing::MustGenerate(p);
    ASSERT_TRUE(testing::CheckGenerated(s, /*simulate=*/true, /*seed=*/3).has_value());
    const Schedule pinned = testing::MustGenerateOn(p, BlockPlacement(5, 4096));
    ASSERT_TRUE(testing::ValidateSchedule(pinned)->valid()) << SchemeName(scheme);
  }
}

}  // namespace
}  // namespace attnsched
