// The schedule file format: round trips and every kind of bad file.
#include "lib/export/schedule_json.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

std::string ToJson(const Schedule& s) { return testing::ScheduleJsonText(s); }

absl::StatusOr<Schedule> FromJson(const std::string& text, int64_t max_events = 1000000) {
  std::istringstream in(text);
  return ReadScheduleJson(in, max_events);
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Schedule> s = FromJson(text);
  EXPECT_FALSE(s.ok()) << text;
  return std::string(s.status().message());
}

constexpr char kHeader[] =
    R"({"format":"attnsched.schedule.v1","instance":{"n":2,"d":1,"scheme":"general"},)"
    R"("machine":{"pes":1},"placement":[0,0],)";

TEST(ScheduleJsonTest, RoundTripKeepsEverything) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    Schedule s = testing::MustGenerate(scheme, 6, 3, 3);
    s.problem.costs = Costs{4, 2, 5};  // non-default costs survive too
    absl::StatusOr<Schedule> back = FromJson(ToJson(s));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->events, s.events);
    EXPECT_EQ(back->placement, s.placement);
    EXPECT_EQ(back->problem.costs.c_softmax, 2);
    EXPECT_EQ(SchemeOf(back->problem.instance), scheme);
  }
}

TEST(ScheduleJsonTest, MinimalFileWithDefaults) {
  absl::StatusOr<Schedule> s =
      FromJson(std::string(kHeader) + R"js("events":[{"start":0,"pe":0,"op":"dot(0,1)"}]})js");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->problem.costs.c_dot, 1);  // default d
  EXPECT_EQ(s->problem.machine.link_words, 1);
  EXPECT_EQ(s->problem.machine.link_cycles, 1);
  EXPECT_EQ(s->problem.machine.link_latency, 0);
  ASSERT_EQ(s->events.size(), 1u);
  EXPECT_EQ(s->events[0].op(), (Operation{OpKind::kDot, 0, 1}));
}

TEST(ScheduleJsonTest, EventsCarryTheirEndAndReceiverWhichReadersIgnore) {
  Schedule s = testing::MustGenerate(Scheme::kCausal, 4, 2, 2);
  s.problem.machine.link_latency = 3;
  const std::string text = ToJson(s);
  // A transfer of d = 2 words on a 1 word/cycle link, received 3 cycles later.
  const int64_t k = testing::FindEvent(s, [](const Event& e) { return e.is_xfer(); });
  const Event& x = s.events[k];
  const std::string line =
      absl::StrCat("{\"start\":", x.start, ",\"end\":", x.start + 2, ",\"from_pe\":", x.pe,
                   ",\"to_pe\":", 1 - x.pe, ",\"arrival\":", x.start + 5, ",\"item\":\"");
  EXPECT_THAT(text, HasSubstr(line));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("{\"start\":0,\"end\":2,\"pe\":0,\"op\":\"dot(")));
  // Output only: other values read as the same events (an edited start needs no
  // edited end); they must still be integers.
  std::string edited = text;
  edited.replace(edited.find(line), line.size(),
                 absl::StrCat("{\"start\":", x.start, ",\"end\":7,\"from_pe\":", x.pe,
                              ",\"to_pe\":9,\"arrival\":0,\"item\":\""));
  absl::StatusOr<Schedule> back = FromJson(edited);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->events, s.events);
  EXPECT_THAT(ErrorOf(std::string(kHeader) +
                      R"js("events":[{"start":0,"end":"soon","pe":0,"op":"dot(0,1)"}]})js"),
              HasSubstr("events[0].end = \"soon\""));
  // An integer beyond 64 bits is out of range, not "not an integer".
  EXPECT_THAT(ErrorOf(std::string(kHeader) + R"js("events":[{"start":0,)js"
                                             R"js("end":100000000000000000000000000000,"pe":0,)js"
                                             R"js("op":"dot(0,1)"}]})js"),
              HasSubstr("events[0].end = 100000000000000000000000000000: must be in ["));
}

TEST(ScheduleJsonTest, TruncatedFileSaysWhere) {
  const std::string full = ToJson(testing::MustGenerate(Scheme::kCausal, 4, 2, 2));
  const std::string cut = full.substr(0, full.size() / 2);
  const std::string error = ErrorOf(cut);
  EXPECT_THAT(error, HasSubstr("malformed JSON at byte"));
  EXPECT_THAT(error, HasSubstr("truncated"));
}

TEST(ScheduleJsonTest, BadFieldsAreNamed) {
  const std::string ev = R"("events":[]})";
  EXPECT_THAT(ErrorOf("[1,2]"), HasSubstr("not a JSON object"));
  EXPECT_THAT(ErrorOf(R"({"format":"other","events":[]})"), HasSubstr("format = \"other\""));
  EXPECT_THAT(ErrorOf(R"({"format":"attnsched.schedule.v1","machine":{"pes":1},)" + ev),
              HasSubstr("instance: missing"));
  EXPECT_THAT(
      ErrorOf(R"({"format":"attnsched.schedule.v1","instance":{"n":0,"d":1,"scheme":"general"},)"
              R"("machine":{"pes":1},"placement":[],)" + ev),
      HasSubstr("instance.n = 0: must be in [1, 1048576]"));
  EXPECT_THAT(
      ErrorOf(R"({"format":"attnsched.schedule.v1","instance":{"n":2,"d":"4","scheme":"general"},)"
              R"("machine":{"pes":1},"placement":[0,0],)" + ev),
      HasSubstr("instance.d = \"4\": must be an integer"));
  EXPECT_THAT(
      ErrorOf(R"({"format":"attnsched.schedule.v1","instance":{"n":2,"d":1,"scheme":"dense"},)"
              R"("machine":{"pes":1},"placement":[0,0],)" + ev),
      HasSubstr("scheme = \"dense\""));
  EXPECT_THAT(
      ErrorOf(R"({"format":"attnsched.schedule.v1","instance":{"n":2,"d":1,"scheme":"general"},)"
              R"("machine":{"pes":1},"placement":[0],)" + ev),
      HasSubstr("placement: 1 homes given"));
  EXPECT_THAT(
      ErrorOf(R"({"format":"attnsched.schedule.v1","instance":{"n":2,"d":1,"scheme":"general"},)"
              R"("machine":{"pes":1},"placement":[0,3],)" + ev),
      HasSubstr("placement[1] = 3: must be a PE in [0, 1)"));
  EXPECT_THAT(ErrorOf(std::string(kHeader) + R"("events":{}})"), HasSubstr("events: must be an array"));
}

TEST(ScheduleJsonTest, BadEventsAreNamedByIndex) {
  auto with_events = [](const std::string& events) {
    return std::string(kHeader) + R"js("events":[{"start":0,"pe":0,"op":"dot(0,0)"},)js" + events +
           "]}";
  };
  EXPECT_THAT(ErrorOf(with_events(R"js({"start":1,"pe":0,"op":"dit(0,1)"})js")),
              HasSubstr("events[1].op: \"dit(0,1)\" is not an operation"));
  EXPECT_THAT(ErrorOf(with_events(R"js({"start":1.5,"pe":0,"op":"dot(0,1)"})js")),
              HasSubstr("events[1].start = 1.5: must be an integer"));
  EXPECT_THAT(ErrorOf(with_events(R"js({"pe":0,"op":"dot(0,1)"})js")),
              HasSubstr("events[1].start: missing"));
  EXPECT_THAT(ErrorOf(with_events(R"js({"start":1,"pe":0,"op":"dot(0,1)","item":"k(0)"})js")),
              HasSubstr("events[1]: needs exactly one of"));
  EXPECT_THAT(ErrorOf(with_events(R"js({"start":1,"from_pe":0,"item":"o(1)"})js")),
              HasSubstr("o(i) never moves"));
  EXPECT_THAT(ErrorOf(with_events(R"js({"start":1,"pe":99999999999,"op":"dot(0,1)"})js")),
              HasSubstr("events[1].pe = 99999999999"));
  EXPECT_THAT(ErrorOf(with_events("7")), HasSubstr("must be an object"));
}

TEST(ScheduleJsonTest, NestingBeyondTheShapeIsRefusedAtOnce) {
  // 200,000 nested arrays (once a stack overflow in the error message) at every place a
  // value can go: refused at the first unexpected bracket, nothing recursed over.
  const std::string deep(200'000, '[');
  const struct {
    std::string text;
    const char* message;
  } cases[] = {
      {std::string(kHeader) + R"js("events":[)js" + deep, "events[0]: an array is not allowed here"},
      {R"js({"instance":{"n":)js" + deep, "instance.n: an array is not allowed here"},
      {R"js({"placement":[0,)js" + deep, "placement[1]: an array is not allowed here"},
      {R"js({"format":)js" + deep, "format: an array is not allowed here"},
      {deep, "the file is not a JSON object"},
      {std::string(kHeader) + R"js("events":[{"start":0,"pe":0,"op":{"a":)js" + deep,
       "events[0].op: an object is not allowed here"},
  };
  for (const auto& c : cases) EXPECT_THAT(ErrorOf(c.text), HasSubstr(c.message));
}

TEST(ScheduleJsonTest, DuplicateAndUnknownKeysAreRefused) {
  const std::string event = R"js({"start":0,"pe":0,"op":"dot(0,0)"})js";
  EXPECT_THAT(ErrorOf(std::string(kHeader) + R"js("events":[],"events":[]})js"),
              HasSubstr("duplicate key \"events\""));
  EXPECT_THAT(ErrorOf(std::string(kHeader) + R"js("events":[{"start":0,"start":1}]})js"),
              HasSubstr("events[0]: duplicate key \"start\""));
  EXPECT_THAT(ErrorOf(R"js({"instance":{"n":2,"n":3}})js"), HasSubstr("instance: duplicate key \"n\""));
  // 320,000 small objects under an unknown key: refused at the key, nothing kept.
  std::string many = R"js({"junk":[)js";
  for (int k = 0; k < 320'000; ++k) many += k ? ",{}" : "{}";
  EXPECT_THAT(ErrorOf(many + "]}"), HasSubstr("unknown key \"junk\" (expected format, instance"));
  EXPECT_THAT(ErrorOf(std::string(kHeader) + "\"events\":[" + event.substr(0, event.size() - 1) +
                      R"js(,"colour":"red"}]})js"),
              HasSubstr("events[0]: unknown key \"colour\""));
}

TEST(ScheduleJsonTest, EchoedValuesAreCutAndEscaped) {
  // A 600 KB operation name of escaped control bytes (\u0007, a raw byte once decoded):
  // the message quotes 48 bytes, escaped.
  std::string junk;
  for (int k = 0; k < 100'000; ++k) junk += "\\u0007";
  const std::string message =
      ErrorOf(std::string(kHeader) + R"js("events":[{"start":0,"pe":0,"op":")js" + junk + "\"}]}");
  ASSERT_LT(message.size(), 400u);
  EXPECT_EQ(message.find('\x07'), std::string::npos);
  EXPECT_THAT(message, HasSubstr("\\x07\\x07"));
  const std::string key = ErrorOf("{\"" + junk + "\":1}");
  ASSERT_LT(key.size(), 400u);
  EXPECT_THAT(key, HasSubstr("...\""));
  // A raw control byte is malformed JSON; the parser's message is cut too.
  const std::string raw = ErrorOf("{\"format\":\"" + std::string(200'000, 'a') + "\x07\"}");
  ASSERT_LT(raw.size(), 400u);
  EXPECT_THAT(raw, HasSubstr("malformed JSON"));
}

TEST(ScheduleJsonTest, PlacementsLongerThanAnyNAreRefusedWhileReading) {
  std::string text = R"js({"placement":[)js";
  for (int64_t k = 0; k <= kMaxTokens; ++k) text += k ? ",0" : "0";
  EXPECT_THAT(ErrorOf(text + "]}"), HasSubstr("placement: more than 1048576 entries"));
}

TEST(ScheduleJsonTest, OutOfRangeTokensAreLeftToTheValidator) {
  // Token 5 of n = 2 parses: it is a rule violation (index_range), not a format error.
  absl::StatusOr<Schedule> s =
      FromJson(std::string(kHeader) + R"js("events":[{"start":0,"pe":0,"op":"dot(5,0)"}]})js");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->events[0].i, 5);
}

TEST(ScheduleJsonTest, EventLimitStopsReading) {
  const std::string text = ToJson(testing::MustGenerate(Scheme::kGeneral, 4, 2, 2));
  absl::StatusOr<Schedule> s = FromJson(text, 10);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("more than 10 events"));
}

// A stream that fails (a full disk) stops the writer at the event that failed, so a
// long generation ends there instead of after the last event.
TEST(ScheduleJsonTest, AFailingStreamStopsTheWriterAtOnce) {
  const Schedule s = testing::MustGenerate(Scheme::kCausal, 8, 2, 2);
  std::ostream broken(nullptr);  // no buffer: every write fails
  ScheduleJsonWriter writer(s.problem, s.placement, broken);
  const absl::Status first = writer.Write(s.events[0], 0);
  EXPECT_EQ(first.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(first.message()), HasSubstr("writing the schedule failed"));
}

TEST(ScheduleJsonTest, MissingFileIsNotFound) {
  absl::StatusOr<Schedule> s = ReadScheduleFile("/nonexistent/schedule.json", 100);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace attnsched
