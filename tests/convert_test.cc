// The service contract's mapping to library types: round trips, defaults, and bad
// requests named by field.
#include "attnsched/v1/convert.h"

#include "absl/strings/str_cat.h"
#include "attnsched/v1/chunks.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "lib/schedule/check.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched::rpc {
namespace {

using ::testing::HasSubstr;

TEST(ConvertTest, ScheduleRoundTripForEveryScheme) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    Schedule s = testing::MustGenerate(scheme, 6, 3, 3);
    s.problem.costs = Costs{4, 2, 5};
    s.events.push_back(Event::Xfer(1000, 1, Item{ItemKind::kP, 2, 1}));  // any item kind
    v1::Schedule proto;
    ScheduleToProto(s, &proto);
    absl::StatusOr<Schedule> back = ScheduleFromProto(proto);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->events, s.events);
    EXPECT_EQ(back->placement, s.placement);
    EXPECT_EQ(back->problem.costs.c_softmax, 2);
    EXPECT_EQ(SchemeOf(back->problem.instance), scheme);
  }
}

TEST(ConvertTest, EventsCarryTheirEndAndReceiverWhichReadersIgnore) {
  Schedule s = testing::MustGenerate(Scheme::kGeneral, 4, 2, 2);
  s.problem.machine.link_latency = 3;
  const int64_t k = testing::FindEvent(s, [](const Event& e) { return e.is_xfer(); });
  v1::Schedule proto;
  ScheduleToProto(s, &proto);
  const v1::Event& x = proto.events(static_cast<int>(k));
  EXPECT_EQ(x.end(), x.start() + 2);
  EXPECT_EQ(x.to_pe(), 1 - x.pe());
  EXPECT_EQ(x.arrival(), x.start() + 5);
  const v1::Event& op = proto.events(0);
  EXPECT_EQ(op.end(), op.start() + s.problem.costs.c_dot);
  EXPECT_FALSE(op.has_to_pe());
  // Output only: other values read as the same events.
  proto.mutable_events(static_cast<int>(k))->set_to_pe(x.pe());
  proto.mutable_events(0)->set_arrival(5);
  absl::StatusOr<Schedule> back = ScheduleFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->events, s.events);
}

TEST(ConvertTest, TilesRoundTripAndZeroMeansTokens) {
  Problem p = MakeProblem(Scheme::kCausal, 10, 2, 2);
  p.instance.mask = *p.instance.mask.Tiled(4);
  v1::Problem proto;
  ProblemToProto(p, &proto);
  EXPECT_EQ(proto.instance().tile(), 4);
  EXPECT_EQ(proto.instance().n(), 10);
  absl::StatusOr<Problem> back = ProblemFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->mask().tile(), 4);
  EXPECT_EQ(back->n(), 3);
  proto.mutable_instance()->set_tile(0);
  EXPECT_EQ(ProblemFromProto(proto)->mask().tile(), 1);
  proto.mutable_instance()->set_tile(11);
  EXPECT_THAT(std::string(ProblemFromProto(proto).status().message()),
              HasSubstr("problem.instance.tile = 11: must be in [1, 10]"));
}

TEST(ConvertTest, ZeroCostsMeanTheDefaults) {
  v1::Problem proto;
  proto.mutable_instance()->set_n(8);
  proto.mutable_instance()->set_d(64);
  proto.mutable_instance()->set_scheme(v1::SCHEME_CAUSAL);
  proto.mutable_machine()->set_pes(4);
  absl::StatusOr<Problem> p = ProblemFromProto(proto);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->costs.c_dot, 64);
  EXPECT_EQ(p->costs.c_softmax, 1);
  EXPECT_EQ(p->costs.c_axpy, 64);
  EXPECT_EQ(p->machine.link_words, 1);
  EXPECT_EQ(p->machine.link_cycles, 1);
  EXPECT_EQ(p->machine.link_latency, 0);
}

TEST(ConvertTest, BadMasksNameTheirProtoFields) {
  v1::Problem problem;
  problem.mutable_instance()->set_d(2);
  problem.mutable_machine()->set_pes(2);
  v1::Mask* mask = problem.mutable_instance()->mutable_mask();
  v1::Segment* segment = mask->add_segments();
  segment->set_length(4);
  auto message = [&] { return std::string(ProblemFromProto(problem).status().message()); };
  EXPECT_THAT(message(), HasSubstr("problem.instance.mask.segments[0].kind: unspecified"));
  segment->set_kind(v1::SEGMENT_KIND_CAUSAL);
  mask->set_window(-1);
  EXPECT_THAT(message(), HasSubstr("problem.instance.mask.window = -1: must be in [0, 1048576]"));
  mask->set_window(2);
  segment->set_length(0);
  EXPECT_THAT(message(), HasSubstr("problem.instance.mask.segments[0].length = 0: must be >= 1"));
  segment->set_length(4);
  problem.mutable_instance()->set_n(5);
  EXPECT_THAT(message(), HasSubstr("problem.instance.n = 5 but the segments sum to 4 tokens"));
  problem.mutable_instance()->set_scheme(v1::SCHEME_CAUSAL);
  EXPECT_THAT(message(), HasSubstr("problem.instance.mask.segments: not together with a scheme"));
  problem.mutable_instance()->set_scheme(v1::SCHEME_UNSPECIFIED);
  problem.mutable_instance()->set_n(4);
  absl::StatusOr<Problem> good = ProblemFromProto(problem);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->mask().window(), 2);
  EXPECT_EQ(good->mask().segments().size(), 1u);
}

TEST(ConvertTest, BadRequestsNameTheField) {
  v1::Problem problem;
  problem.mutable_instance()->set_n(8);
  problem.mutable_instance()->set_d(2);
  problem.mutable_machine()->set_pes(2);
  EXPECT_THAT(std::string(ProblemFromProto(problem).status().message()),
              HasSubstr("problem.instance.scheme: unspecified"));
  problem.mutable_instance()->set_scheme(v1::SCHEME_GENERAL);
  problem.mutable_machine()->set_pes(0);
  EXPECT_THAT(std::string(ProblemFromProto(problem).status().message()),
              HasSubstr("pes = 0: must be in [1, 65536]"));

  v1::Schedule s;
  ScheduleToProto(testing::MustGenerate(Scheme::kGeneral, 2, 1, 2), &s);
  ASSERT_TRUE(s.events(3).has_op() || s.events(3).has_item());
  if (s.events(3).has_op()) {
    s.mutable_events(3)->mutable_op()->set_kind(v1::OP_KIND_UNSPECIFIED);
  } else {
    s.mutable_events(3)->mutable_item()->set_kind(v1::ITEM_KIND_UNSPECIFIED);
  }
  EXPECT_THAT(std::string(ScheduleFromProto(s).status().message()),
              HasSubstr(s.events(3).has_op() ? "events[3].op.kind: unspecified"
                                             : "events[3].item.kind: unspecified"));
  s.mutable_events(2)->clear_what();
  EXPECT_THAT(std::string(ScheduleFromProto(s).status().message()),
              HasSubstr("events[2]: needs an op, an item or a free"));
  s.mutable_placement()->RemoveLast();
  EXPECT_THAT(std::string(ScheduleFromProto(s).status().message()), HasSubstr("placement: 1 homes given"));
}

TEST(ConvertTest, SummaryJsonKeepsSnakeCaseNames) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 8, 2, 2);
  const Summary summary =
      Summarize(s.problem, s.placement, CheckReport{*testing::ValidateSchedule(s), std::nullopt});
  v1::ScheduleSummary proto;
  SummaryToProto(summary, &proto);
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(proto, &json, options).ok());
  for (const char* key : {"\"makespan_cycles\"", "\"work_cycles\"", "\"reduction_vs_general\"",
                          "\"link_words\"", "\"peak_words_per_pe\"", "\"link_cycles\""}) {
    EXPECT_THAT(json, HasSubstr(key));
  }
  EXPECT_EQ(proto.makespan_cycles(), summary.makespan);
  EXPECT_TRUE(proto.valid());
  EXPECT_FALSE(proto.has_max_rel_error());
}

// The chunks of `s` as a ChunkWriter sends them, `per_chunk` events (or runs) each.
std::vector<v1::ScheduleChunk> ChunksOf(const Schedule& s, int64_t per_chunk,
                                        ChunkForm form = ChunkForm::kEvents) {
  std::vector<v1::ScheduleChunk> out;
  VectorEventSource events(s);
  ChunkWriter writer(s.problem, s.placement, static_cast<int64_t>(s.events.size()), per_chunk,
                     [&out](const v1::ScheduleChunk& c) {
                       out.push_back(c);
                       return true;
                     },
                     form);
  EXPECT_TRUE(WriteAll(events, writer).ok());
  return out;
}

// Reads `chunks` through a ChunkEventSource: the events in the order it yields them,
// or the first error. `*reads` counts the chunks it asked for.
absl::StatusOr<std::vector<Event>> ReadChunks(const std::vector<v1::ScheduleChunk>& chunks,
                                              int64_t max_events = 1 << 20,
                                              int* reads = nullptr) {
  size_t next = 0;
  auto read = [&](v1::ScheduleChunk& c) -> absl::StatusOr<bool> {
    if (reads != nullptr) ++*reads;
    if (next == chunks.size()) return false;
    c = chunks[next++];
    return true;
  };
  absl::StatusOr<std::unique_ptr<ChunkEventSource>> source =
      ChunkEventSource::Open(read, max_events);
  if (!source.ok()) return source.status();
  std::vector<Event> events;
  for (; (*source)->Valid(); (*source)->Next()) events.push_back((*source)->event());
  if (!(*source)->status().ok()) return (*source)->status();
  return events;
}

TEST(ConvertSatTest, SolveResultsRoundTripWithEveryEnumValue) {
  const Schedule witness = testing::MustGenerate(Scheme::kCausal, 4, 2, 2);
  for (sat::ProofKind proof : {sat::ProofKind::kNone, sat::ProofKind::kLowerBound,
                               sat::ProofKind::kUnsat, sat::ProofKind::kDratChecked}) {
    for (sat::StopReason stopped :
         {sat::StopReason::kNone, sat::StopReason::kTimeLimit, sat::StopReason::kConflictLimit,
          sat::StopReason::kCancelled, sat::StopReason::kDeadline,
          sat::StopReason::kServerShutdown, sat::StopReason::kWorkerKilled}) {
      sat::OptimalResult r;
      r.optimal = proof != sat::ProofKind::kNone;
      r.proof = proof;
      r.stopped = stopped;
      r.makespan = 23;
      r.lower_bound = 19;
      r.upper_bound = 30;
      r.stats = {100, 2000, 7, 0.5};
      r.witness = witness;
      v1::SolveResult proto;
      SolveResultToProto(r, &proto);
      absl::StatusOr<sat::OptimalResult> back = SolveResultFromProto(proto);
      ASSERT_TRUE(back.ok()) << back.status();
      EXPECT_EQ(back->optimal, r.optimal);
      EXPECT_EQ(back->proof, proof);
      EXPECT_EQ(back->stopped, stopped);
      EXPECT_EQ(back->makespan, 23);
      EXPECT_EQ(back->lower_bound, 19);
      EXPECT_EQ(back->upper_bound, 30);
      EXPECT_EQ(back->stats.clauses, 2000);
      EXPECT_EQ(back->witness.events, witness.events);
    }
  }
  for (sat::SatResult answer : {sat::SatResult::kSat, sat::SatResult::kUnsat,
                                sat::SatResult::kUnknown}) {
    v1::SolveProgress::Attempt proto;
    AttemptToProto({41, answer, 0.25}, &proto);
    absl::StatusOr<sat::BoundAttempt> back = AttemptFromProto(proto);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->result, answer);
    EXPECT_EQ(back->bound, 41);
  }
}

TEST(ConvertSatTest, ProveResultsRoundTripAndBadEnumsAreNamed) {
  for (sat::ProofStatus status : {sat::ProofStatus::kOptimal, sat::ProofStatus::kImprovable,
                                  sat::ProofStatus::kUnknown}) {
    sat::ProofResult r;
    r.status = status;
    r.proof = sat::ProofKind::kUnsat;
    r.detail = "makespan <= 22 is UNSAT";
    if (status == sat::ProofStatus::kImprovable) {
      r.better = testing::MustGenerate(Scheme::kShared, 4, 2, 2);
    }
    v1::ProveResponse proto;
    ProveResultToProto(r, &proto);
    EXPECT_EQ(proto.optimal(), status == sat::ProofStatus::kOptimal);
    absl::StatusOr<sat::ProofResult> back = ProveResultFromProto(proto);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->status, status);
    EXPECT_EQ(back->proof, sat::ProofKind::kUnsat);
    EXPECT_EQ(back->detail, r.detail);
    EXPECT_EQ(back->better.has_value(), r.better.has_value());
  }
  v1::ProveResponse unspecified;
  EXPECT_THAT(std::string(ProveResultFromProto(unspecified).status().message()),
              HasSubstr("status = 0: not a known value"));
  v1::SolveResult future;
  future.set_status(v1::SolveResult::STATUS_UNKNOWN);
  future.set_proof(static_cast<v1::ProofKind>(99));  // a value newer than this build
  EXPECT_THAT(std::string(SolveResultFromProto(future).status().message()),
              HasSubstr("result.proof = 99"));
  v1::SolveResult disagree;
  disagree.set_status(v1::SolveResult::STATUS_OPTIMAL);  // but optimal = false
  EXPECT_THAT(std::string(SolveResultFromProto(disagree).status().message()),
              HasSubstr("agree with result.optimal"));
}

TEST(ChunksTest, AStreamRoundTripsInOrder) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 8, 2, 2);
  const std::vector<v1::ScheduleChunk> chunks = ChunksOf(s, 10);
  ASSERT_GT(chunks.size(), 3u);
  EXPECT_TRUE(chunks[0].start_order());
  absl::StatusOr<std::vector<Event>> back = ReadChunks(chunks);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, s.events);
}

TEST(ChunksTest, AStreamInStartOrderIsReadAsTheConsumerAdvances) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 8, 2, 2);
  const std::vector<v1::ScheduleChunk> chunks = ChunksOf(s, 10);
  size_t next = 0;
  auto read = [&](v1::ScheduleChunk& c) -> absl::StatusOr<bool> {
    if (next == chunks.size()) return false;
    c = chunks[next++];
    return true;
  };
  absl::StatusOr<std::unique_ptr<ChunkEventSource>> source = ChunkEventSource::Open(read, 1);
  ASSERT_TRUE(source.ok()) << source.status();  // the limit is for streams held in memory
  EXPECT_EQ(next, 1u);
  for (int k = 0; k < 10; ++k) (*source)->Next();
  EXPECT_EQ(next, 2u);
  EXPECT_EQ((*source)->index(), 10);
  EXPECT_EQ((*source)->event(), s.events[10]);
}

TEST(ChunksTest, AStreamWithoutATotalEndsWithItsLastChunk) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 8, 2, 2);
  std::vector<v1::ScheduleChunk> chunks;
  VectorEventSource events(s);
  ASSERT_TRUE(WriteChunks(events, kUnknownTotal, 10, nullptr, [&chunks](const v1::ScheduleChunk& c) {
    chunks.push_back(c);
    return true;
  }));
  ASSERT_GT(chunks.size(), 3u);
  EXPECT_TRUE(chunks.back().last());
  EXPECT_FALSE(chunks.front().last());
  absl::StatusOr<std::vector<Event>> back = ReadChunks(chunks);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, s.events);

  std::vector<v1::ScheduleChunk> cut(chunks.begin(), chunks.end() - 1);
  EXPECT_THAT(std::string(ReadChunks(cut).status().message()),
              HasSubstr("without its last chunk: a chunk was lost"));
  std::vector<v1::ScheduleChunk> unordered = chunks;
  unordered[0].set_start_order(false);
  EXPECT_THAT(std::string(ReadChunks(unordered).status().message()),
              HasSubstr("events_total = -1: must be >= 0, or -1 (not known in advance) with "
                        "start_order"));
  std::vector<v1::ScheduleChunk> after = chunks;
  after[1].set_last(true);
  EXPECT_THAT(std::string(ReadChunks(after).status().message()),
              HasSubstr("chunks[2]: a chunk after the one marked last"));
}

TEST(ChunksTest, AStreamInAnyOrderIsSortedByStart) {
  Schedule s = testing::MustGenerate(Scheme::kCausal, 8, 2, 2);
  std::reverse(s.events.begin(), s.events.end());
  std::vector<v1::ScheduleChunk> chunks = ChunksOf(s, 10);
  // As a client sends a list in its own order (WriteChunks sends start order):
  // the reversed list in the same chunks, without start_order.
  chunks[0].set_start_order(false);
  size_t k = 0;
  for (v1::ScheduleChunk& c : chunks) {
    for (v1::Event& e : *c.mutable_events()) EventToProto(s.events[k++], s.problem, &e);
  }
  absl::StatusOr<std::vector<Event>> back = ReadChunks(chunks);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(std::is_sorted(back->begin(), back->end(),
                             [](const Event& a, const Event& b) { return a.start < b.start; }));
  EXPECT_EQ(back->size(), s.events.size());
  EXPECT_EQ(ReadChunks(chunks, 10).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(ChunksTest, BrokenStreamsNameTheChunk) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 8, 2, 2);
  const std::vector<v1::ScheduleChunk> chunks = ChunksOf(s, 10);
  auto with = [&chunks](size_t k, const std::function<void(v1::ScheduleChunk&)>& change) {
    std::vector<v1::ScheduleChunk> out = chunks;
    change(out[k]);
    return out;
  };
  std::vector<v1::ScheduleChunk> dropped = chunks;
  dropped.erase(dropped.begin() + 2);
  std::vector<v1::ScheduleChunk> ended(chunks.begin(), chunks.end() - 2);
  const struct {
    std::vector<v1::ScheduleChunk> stream;
    const char* message;
  } cases[] = {
      {dropped, "chunks[2]: chunk_index = 3, expected 2"},
      {ended, "a chunk was lost or could not be decoded"},
      {with(1, [&](v1::ScheduleChunk& c) { *c.mutable_problem() = chunks[0].problem(); }),
       "chunks[1].problem: only the first chunk carries the problem"},
      {with(2, [](v1::ScheduleChunk& c) { c.add_placement(0); }),
       "chunks[2].placement: only the first chunk"},
      {with(0, [](v1::ScheduleChunk& c) { c.set_events_total(3); }),
       "chunks[0]: more events than the first chunk's events_total = 3"},
      {with(0, [](v1::ScheduleChunk& c) { c.set_events_total(20'000'000); }),
       "events are repeated"},  // n = 8 has at most a few hundred useful events
      {with(0, [](v1::ScheduleChunk& c) { c.mutable_placement()->RemoveLast(); }),
       "placement: 7 homes given"},
      {with(2, [&](v1::ScheduleChunk& c) { c.mutable_events(3)->set_start(0); }),
       "chunks[2].events[3]: start = 0 is before the previous event's start"},
      {with(1, [](v1::ScheduleChunk& c) { c.set_start_order(true); }),
       "chunks[1].start_order: only the first chunk"},
      {{}, "problem: missing"},
  };
  for (const auto& c : cases) {
    const absl::Status status = ReadChunks(c.stream).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
  }
}

TEST(ChunksTest, ACompactStreamRoundTripsOnEveryScheme) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    const Schedule s = testing::MustGenerate(scheme, 32, 2, 4);
    const std::vector<v1::ScheduleChunk> chunks = ChunksOf(s, 5, ChunkForm::kRuns);
    ASSERT_GT(chunks.size(), 2u);
    EXPECT_TRUE(chunks[0].compact());
    EXPECT_TRUE(chunks[0].start_order());
    int64_t runs = 0;
    for (const v1::ScheduleChunk& c : chunks) {
      EXPECT_EQ(c.events_size(), 0);
      runs += c.runs_size();
    }
    EXPECT_LT(3 * runs, static_cast<int64_t>(s.events.size()));
    absl::StatusOr<std::vector<Event>> back = ReadChunks(chunks);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, s.events);  // generated schedules come in canonical order
  }
}

TEST(ChunksTest, BrokenCompactStreamsNameTheRun) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 32, 2, 4);
  const std::vector<v1::ScheduleChunk> chunks = ChunksOf(s, 5, ChunkForm::kRuns);
  const std::vector<v1::ScheduleChunk> plain = ChunksOf(s, 10);
  auto with = [](std::vector<v1::ScheduleChunk> stream, size_t k,
                 const std::function<void(v1::ScheduleChunk&)>& change) {
    change(stream[k]);
    return stream;
  };
  std::vector<v1::ScheduleChunk> cut(chunks.begin(), chunks.end() - 1);
  const struct {
    std::vector<v1::ScheduleChunk> stream;
    const char* message;
  } cases[] = {
      {with(chunks, 0, [](v1::ScheduleChunk& c) { c.set_start_order(false); }),
       "chunks[0].compact: needs start_order"},
      {with(chunks, 1, [](v1::ScheduleChunk& c) { c.set_compact(true); }),
       "chunks[1].compact: only the first chunk"},
      {with(chunks, 1, [](v1::ScheduleChunk& c) { c.mutable_runs(2)->set_count(-1); }),
       "chunks[1].runs[2].count = -1: a run has at least one event"},
      {with(chunks, 1, [](v1::ScheduleChunk& c) { c.mutable_runs(2)->mutable_first()->set_index(3); }),
       "chunks[1].runs[2].first.index: not allowed"},
      {with(chunks, 1, [](v1::ScheduleChunk& c) { c.mutable_runs(2)->clear_first(); }),
       "chunks[1].runs[2].first: needs an op, an item or a free"},
      {with(chunks, 2, [](v1::ScheduleChunk& c) { c.mutable_runs(0)->mutable_first()->set_start(0); }),
       "chunks[2].runs[0].first: before the previous run's first event"},
      {with(chunks, 1, [](v1::ScheduleChunk& c) { c.mutable_runs(0)->set_count(1'000'000); }),
       "chunks[1].runs[0]: more events than the first chunk's events_total"},
      {with(chunks, 1, [&](v1::ScheduleChunk& c) { *c.add_events() = plain[0].events(0); }),
       "chunks[1].events: a compact stream carries runs, not events"},
      {with(plain, 1, [&](v1::ScheduleChunk& c) { *c.add_runs() = chunks[0].runs(0); }),
       "chunks[1].runs: runs make a compact stream, and the first chunk does not set compact"},
      {cut, "events: a chunk was lost or could not be decoded"},
      // A few bytes may not stand for more than the task graph has: causal n = 32 has
      // 528 dots, and 10^9 repeated transfers would take the reader minutes.
      {with(with(chunks, 0, [](v1::ScheduleChunk& c) { c.set_events_total(kUnknownTotal); }), 1,
            [](v1::ScheduleChunk& c) { c.mutable_runs(0)->set_count(1'000'000'000); }),
       "chunks[1].runs[0].count = 1000000000: more than the "},
      {with(chunks, 1,
            [](v1::ScheduleChunk& c) {
              for (int k = 0; k < kMaxChunkRecords; ++k) *c.add_runs() = c.runs(0);
            }),
       "chunks[1]: 131077 events and runs, more than the 131072 a chunk may carry"},
      {with(chunks, 1,
            [](v1::ScheduleChunk& c) {
              c.mutable_runs(1)->mutable_first()->mutable_op()->set_kind(
                  static_cast<v1::OpKind>(99));
            }),
       "chunks[1].runs[1].first.op.kind = 99: not a OpKind value"},
  };
  for (const auto& c : cases) {
    const absl::Status status = ReadChunks(c.stream).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace attnsched::rpc
