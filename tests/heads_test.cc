// Heads (SPEC section 10.3, lib/model/heads.h): multi-head, grouped-query and
// multi-query layers generated, validated, simulated and bounded together; names,
// files and the wire carry (head, index); bad head counts and head indices are
// refused naming the field.
#include "lib/model/heads.h"

#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "attnsched/v1/chunks.h"
#include "attnsched/v1/convert.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/algorithms/generator.h"
#include "lib/export/schedule_json.h"
#include "lib/model/bounds.h"
#include "lib/model/link_bounds.h"
#include "lib/model/task_graph.h"
#include "lib/sat/encoder.h"
#include "lib/sat/optimal_search.h"
#include "lib/sat/solver.h"
#include "lib/schedule/event_source.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

Problem LayerProblem(Scheme scheme, int64_t n, int64_t d, int64_t pes, int64_t heads,
                     int64_t kv_heads) {
  Problem p = MakeProblem(scheme, n, d, pes);
  absl::StatusOr<Instance> layer = WithHeads(p.instance, heads, kv_heads, "");
  EXPECT_TRUE(layer.ok()) << layer.status();
  p.instance = *layer;
  return p;
}

// Words of key/value vectors (k, v, x) carried over links.
int64_t KeyValueLinkWords(const Schedule& s) {
  int64_t words = 0;
  for (const Event& e : s.events) {
    const ItemKind kind = static_cast<ItemKind>(e.kind);
    if (e.is_xfer() && (kind == ItemKind::kK || kind == ItemKind::kV || kind == ItemKind::kX)) {
      words += Words(s.problem.instance, e.item());
    }
  }
  return words;
}

TEST(HeadsTest, NamesCarryTheHeadAndRoundTrip) {
  const Problem p = LayerProblem(Scheme::kGeneral, 4, 2, 2, 4, 2);
  const Instance& inst = p.instance;
  // Query head 3, token 1: layer row 13; its keys are those of key/value head 1,
  // named by the group's first head (2): row 2 * 4 + 2.
  const Operation dot{OpKind::kDot, 13, 14};
  EXPECT_EQ(OperationName(inst, dot), "dot[3](1,2)");
  EXPECT_EQ(ItemName(inst, Operand(inst, dot, 1)), "k[1](2)");
  EXPECT_EQ(Operand(inst, dot, 1), (Item{ItemKind::kK, 10, 0}));
  for (const char* name : {"dot[3](1,2)", "softmax[0](3)", "axpy[2](0,3)"}) {
    absl::StatusOr<Operation> op = ParseOperation(inst, name);
    ASSERT_TRUE(op.ok()) << op.status();
    EXPECT_EQ(OperationName(inst, *op), name);
  }
  for (const char* name : {"q[3](1)", "k[1](2)", "v[0](3)", "s[2](1,3)", "p[1](0,0)"}) {
    absl::StatusOr<Item> item = ParseItem(inst, name);
    ASSERT_TRUE(item.ok()) << item.status();
    EXPECT_TRUE(InTaskGraph(inst, *item)) << name;
    EXPECT_EQ(ItemName(inst, *item), name);
  }
  // One head keeps v1's names; "[0]" is accepted there.
  const Instance one = MakeInstance(Scheme::kGeneral, 4, 2);
  EXPECT_EQ(OperationName(one, Operation{OpKind::kDot, 1, 2}), "dot(1,2)");
  EXPECT_EQ(*ParseOperation(one, "dot[0](1,2)"), (Operation{OpKind::kDot, 1, 2}));
}

TEST(HeadsTest, NamesOutsideTheLayerAreRefused) {
  const Problem mqa = LayerProblem(Scheme::kGeneral, 4, 2, 2, 2, 1);
  EXPECT_THAT(std::string(ParseItem(mqa.instance, "k[1](2)").status().message()),
              HasSubstr("head 1 is out of range [0, 1): the instance has 1 key/value head"));
  EXPECT_THAT(std::string(ParseOperation(mqa.instance, "dot[2](0,1)").status().message()),
              HasSubstr("head 2 is out of range [0, 2)"));
  EXPECT_THAT(std::string(ParseOperation(mqa.instance, "dot[1](4,1)").status().message()),
              HasSubstr("index i = 4 is out of range [0, 4)"));
  EXPECT_THAT(std::string(ParseOperation(mqa.instance, "dot(0,1)").status().message()),
              HasSubstr("gives no head; the instance has 2 heads"));
  EXPECT_THAT(
      std::string(
          ParseOperation(MakeInstance(Scheme::kGeneral, 4, 2), "dot[1](0,1)").status().message()),
      HasSubstr("head 1: must be 0 (the instance has one head)"));
}

TEST(HeadsTest, BadHeadCountsAreRefusedNamingTheField) {
  const Instance general = MakeInstance(Scheme::kGeneral, 8, 2);
  const Instance shared = MakeInstance(Scheme::kShared, 8, 2);
  const struct {
    Instance head;
    int64_t heads, kv_heads;
    const char* message;
  } cases[] = {
      {general, 0, 0, "--heads = 0: must be in [1, 1024]"},
      {general, 4, -2, "--kv-heads = -2: must be in [1, 1024]"},
      {general, 6, 4, "--kv-heads = 4: must divide heads = 6"},
      {general, 4, 8, "--kv-heads = 8: must divide heads = 4"},
      {shared, 4, 2, "--kv-heads = 2 with shared inputs: must equal heads = 4"},
      {MakeInstance(Scheme::kGeneral, 1 << 19, 2), 4, 4, "above the limit of 1048576"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<Instance> layer = WithHeads(c.head, c.heads, c.kv_heads, "--");
    EXPECT_TRUE(absl::IsInvalidArgument(layer.status())) << c.message;
    EXPECT_THAT(std::string(layer.status().message()), HasSubstr(c.message));
  }
  absl::StatusOr<Mask> tiled = MakeInstance(Scheme::kCausal, 10, 2).mask.Tiled(4);
  ASSERT_TRUE(tiled.ok());
  absl::StatusOr<Instance> straddling = WithHeads(Instance(*tiled, 2, false), 2, 0, "");
  EXPECT_THAT(std::string(straddling.status().message()), HasSubstr("the tile must divide n = 10"));
}

TEST(HeadsTest, MultiQuerySendsEachKeyAndValueOverALinkAtMostOnce) {
  // h = 2, g = 1, general, n = 4, d = 2, m = 2 (issue 14).
  const Problem p = LayerProblem(Scheme::kGeneral, 4, 2, 2, 2, 1);
  const Schedule s = testing::MustGenerate(p);
  ASSERT_TRUE(testing::CheckGenerated(s, true, 7).has_value());
  std::map<std::tuple<int, int32_t, int32_t>, int> crossings;  // (kind, row, link)
  for (const Event& e : s.events) {
    if (!e.is_xfer()) continue;
    const ItemKind kind = static_cast<ItemKind>(e.kind);
    if (kind != ItemKind::kK && kind != ItemKind::kV) continue;
    EXPECT_EQ(HeadIndicesOf(p.instance, e.item()).head, 0) << DescribeEvent(p, e);
    const std::tuple<int, int32_t, int32_t> key{e.kind, e.i, e.pe};
    EXPECT_EQ(++crossings[key], 1) << DescribeEvent(p, e) << " twice";
  }
  EXPECT_FALSE(crossings.empty());  // each PE reads the other's keys
}

TEST(HeadsTest, AFileUsingAKeyHeadTheLayerLacksIsRefused) {
  const Problem p = LayerProblem(Scheme::kGeneral, 4, 2, 2, 2, 1);
  const Schedule s = testing::MustGenerate(p);
  VectorEventSource source(s);
  std::ostringstream out;
  ASSERT_TRUE(WriteScheduleJson(source, out).ok());
  std::string text = out.str();
  const size_t at = text.find("\"k[0](");
  ASSERT_NE(at, std::string::npos) << "the schedule sends no key";
  text[at + 3] = '1';
  std::istringstream in(text);
  absl::StatusOr<Schedule> read = ReadScheduleJson(in, 1000);
  EXPECT_TRUE(absl::IsInvalidArgument(read.status()));
  EXPECT_THAT(std::string(read.status().message()),
              HasSubstr("head 1 is out of range [0, 1): the instance has 1 key/value head"));
  EXPECT_THAT(std::string(read.status().message()), HasSubstr(".item: \"k[1]("));

  // Events named before the instance that gives their heads: the message says so.
  std::istringstream late(
      R"js({"format":"attnsched.schedule.v1","machine":{"pes":1},"placement":[0,0],)js"
      R"js("events":[{"start":0,"pe":0,"op":"dot[1](0,0)"}],)js"
      R"js("instance":{"n":2,"d":1,"scheme":"general","heads":2}})js");
  absl::StatusOr<Schedule> late_read = ReadScheduleJson(late, 1000);
  EXPECT_THAT(std::string(late_read.status().message()),
              HasSubstr("a file with heads gives its instance before its events"));
}

TEST(HeadsTest, GroupedHeadsCarryAQuarterOfTheKeyValueWords) {
  // h/g = 4 against g = h, n/m = 16 (issue 14: within 1%).
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kCausal}) {
    const Schedule mha = testing::MustGenerate(LayerProblem(scheme, 64, 4, 4, 8, 8));
    const Schedule gqa = testing::MustGenerate(LayerProblem(scheme, 64, 4, 4, 8, 2));
    const double ratio =
        static_cast<double>(KeyValueLinkWords(gqa)) / static_cast<double>(KeyValueLinkWords(mha));
    EXPECT_NEAR(ratio, 0.25, 0.0025) << SchemeName(scheme);
    EXPECT_EQ(testing::ValidateSchedule(gqa)->stats.key_value_link_words, KeyValueLinkWords(gqa));
  }
}

TEST(HeadsTest, LayersReachTheirBoundsWithSixteenTokensPerPe) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kCausal, Scheme::kShared}) {
    for (auto [heads, kv_heads] : {std::pair{4, 4}, std::pair{4, 1}, std::pair{8, 2}}) {
      if (scheme == Scheme::kShared && kv_heads != heads) continue;
      const Schedule s = testing::MustGenerate(LayerProblem(scheme, 64, 4, 4, heads, kv_heads));
      const std::optional<testing::Checked> c = testing::CheckGenerated(s, true, 3);
      ASSERT_TRUE(c.has_value());
      EXPECT_LE(static_cast<double>(c->makespan),
                1.01 * static_cast<double>(std::max(c->bounds.work, c->bounds.link)))
          << SchemeName(scheme) << " heads " << heads << "/" << kv_heads;
    }
  }
}

TEST(HeadsTest, OneTokenPerPeWithEightHeadsStaysWithinFivePercentOfTheBounds) {
  for (int64_t kv_heads : {8, 2}) {
    const Schedule s = testing::MustGenerate(LayerProblem(Scheme::kGeneral, 8, 4, 8, 8, kv_heads));
    const std::optional<testing::Checked> c = testing::CheckGenerated(s, true, 5);
    ASSERT_TRUE(c.has_value());
    EXPECT_LE(static_cast<double>(c->makespan), 1.05 * static_cast<double>(c->bounds.Max()))
        << "kv heads " << kv_heads;
  }
}

TEST(HeadsTest, MultiQueryNeedsOneHeadsLinkBound) {
  // Every query head reads the same keys and values: the incoming links carry what one
  // head's do (the bound would count them once per head if it ignored the groups).
  const Problem one = MakeProblem(Scheme::kCausal, 32, 4, 4);
  const Problem mqa = LayerProblem(Scheme::kCausal, 32, 4, 4, 4, 1);
  const Placement homes = ZigzagPlacement(32, 4);
  EXPECT_EQ(LinkBound(mqa, LayerPlacement(mqa.instance, homes)), LinkBound(one, homes));
  EXPECT_EQ(TrafficBound(mqa, LayerPlacement(mqa.instance, homes)), TrafficBound(one, homes));
  const Problem mha = LayerProblem(Scheme::kCausal, 32, 4, 4, 4, 4);
  EXPECT_GT(LinkBound(mha, LayerPlacement(mha.instance, homes)), LinkBound(one, homes));
}

TEST(HeadsTest, SchedulesRoundTripThroughProtoAndCompactChunks) {
  const Problem p = LayerProblem(Scheme::kCausal, 16, 2, 4, 4, 2);
  const Schedule s = testing::MustGenerate(p);
  v1::Schedule proto;
  rpc::ScheduleToProto(s, &proto);
  EXPECT_EQ(proto.placement_size(), 16);  // one head's homes
  EXPECT_EQ(proto.problem().instance().heads(), 4);
  EXPECT_EQ(proto.problem().instance().kv_heads(), 2);
  absl::StatusOr<Schedule> back = rpc::ScheduleFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->events, s.events);
  EXPECT_EQ(back->placement, s.placement);

  std::vector<v1::ScheduleChunk> chunks;
  VectorEventSource source(s);
  rpc::ChunkWriter writer(
      p, s.placement, static_cast<int64_t>(s.events.size()), 64,
      [&chunks](const v1::ScheduleChunk& c) {
        chunks.push_back(c);
        return true;
      },
      rpc::ChunkForm::kRuns);
  ASSERT_TRUE(WriteAll(source, writer).ok());
  int64_t runs = 0;
  for (const v1::ScheduleChunk& c : chunks) {
    for (const v1::EventRun& run : c.runs()) {
      ++runs;
      const int64_t count = run.count() == 0 ? 1 : run.count();
      const v1::Event& first = run.first();
      const int64_t i = first.has_op() ? first.op().i() : first.item().i();
      EXPECT_LT(i + (count - 1) * run.i_step(), 16) << "a run leaves its head";
    }
  }
  EXPECT_LT(runs, static_cast<int64_t>(s.events.size()));  // the form compresses
  size_t next = 0;
  absl::StatusOr<std::unique_ptr<EventSource>> read = rpc::ChunkEventSource::Open(
      [&](v1::ScheduleChunk& c) -> absl::StatusOr<bool> {
        if (next == chunks.size()) return false;
        c = chunks[next++];
        return true;
      },
      1 << 20);
  ASSERT_TRUE(read.ok()) << read.status();
  std::vector<Event> events;
  for (; (*read)->Valid(); (*read)->Next()) events.push_back((*read)->event());
  ASSERT_TRUE((*read)->status().ok()) << (*read)->status();
  EXPECT_EQ(events, s.events);
}

TEST(HeadsTest, ARunLeavingItsHeadIsRefused) {
  const Problem p = LayerProblem(Scheme::kGeneral, 4, 2, 2, 2, 2);
  v1::EventRun run;
  run.mutable_first()->mutable_op()->set_kind(v1::OP_KIND_DOT);
  run.mutable_first()->mutable_op()->set_i(3);
  run.set_count(2);
  run.set_start_step(2);
  run.set_i_step(1);
  absl::StatusOr<EventRun> read = rpc::RunFromProto(run, 0, p.instance);
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("a run stays in one head"));
}

TEST(HeadsTest, TheSatEngineDecidesTinyLayers) {
  // h = 2, n <= 4, m = 2, d <= 2 (issue 14), over pinned homes and free ones; the
  // optimum is a schedule of the layer (valid, one home per token) and never above the
  // generator's.
  const struct {
    Problem problem;
    Placement homes;
  } cases[] = {
      {LayerProblem(Scheme::kCausal, 3, 1, 2, 2, 1), BlockPlacement(3, 2)},
      {LayerProblem(Scheme::kGeneral, 3, 1, 2, 2, 1), BlockPlacement(3, 2)},
      {LayerProblem(Scheme::kShared, 3, 1, 2, 2, 2), CyclicPlacement(3, 2)},
  };
  for (const auto& c : cases) {
    const Placement layer = LayerPlacement(c.problem.instance, c.homes);
    sat::SearchOptions options;
    options.placement = layer;
    options.time_limit = absl::Seconds(60);
    absl::StatusOr<sat::OptimalResult> r = sat::SolveOptimal(c.problem, options);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->optimal) << Describe(c.problem);
    EXPECT_EQ(r->witness.placement, layer);
    EXPECT_TRUE(testing::ValidateSchedule(r->witness)->valid());
    EXPECT_LE(r->makespan, Makespan(testing::MustGenerateOn(c.problem, c.homes)));
  }
  // Free placements: SAT chooses one home per token, shared by its heads, and its
  // optimum is at most every pinned one's (not the shared layer: free, it is still
  // open after 60 s, docs/optimality.md).
  for (const auto& c : cases) {
    if (c.problem.instance.shared) continue;
    sat::SearchOptions free;
    free.time_limit = absl::Seconds(60);
    absl::StatusOr<sat::OptimalResult> r = sat::SolveOptimal(c.problem, free);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->optimal) << Describe(c.problem);
    const Placement& homes = r->witness.placement;
    EXPECT_EQ(homes, LayerPlacement(c.problem.instance, HeadPlacement(c.problem.instance, homes)))
        << "a token's heads on different PEs";
    EXPECT_TRUE(testing::ValidateSchedule(r->witness)->valid());
    sat::SearchOptions pinned;
    pinned.placement = LayerPlacement(c.problem.instance, c.homes);
    EXPECT_LE(r->makespan, sat::SolveOptimal(c.problem, pinned)->makespan);
  }
}

TEST(HeadsTest, TheFreeEncodingKeepsATokensHeadsOnOneHome) {
  // Token 0 is on PE 0 (the rotation symmetry); a model with head 1's softmax of token
  // 0 on PE 1 would give the token two homes: UNSAT, at a horizon where everything else
  // fits (W).
  const Problem p = LayerProblem(Scheme::kGeneral, 2, 1, 2, 2, 2);
  sat::EncodeOptions options;
  options.horizon = TotalWork(p);
  absl::StatusOr<sat::Encoding> e = sat::Encode(p, options);
  ASSERT_TRUE(e.ok()) << e.status();
  const Operation softmax{OpKind::kSoftmax, 2, 0};  // softmax[1](0)
  ASSERT_EQ(OperationName(p.instance, softmax), "softmax[1](0)");
  std::vector<int> somewhere_on_pe1;
  for (int64_t t = 0; t < options.horizon; ++t) {
    if (const int v = e->OpVar(softmax, 1, t); v != 0) somewhere_on_pe1.push_back(v);
  }
  ASSERT_FALSE(somewhere_on_pe1.empty());
  {
    sat::SatSolver solver(e->cnf());
    ASSERT_EQ(solver.Solve({}), sat::SatResult::kSat);
  }
  e->mutable_cnf().AddClause(somewhere_on_pe1);
  sat::SatSolver solver(e->cnf());
  EXPECT_EQ(solver.Solve({}), sat::SatResult::kUnsat);
}

}  // namespace
}  // namespace attnsched
