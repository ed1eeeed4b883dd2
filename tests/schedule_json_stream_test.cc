// Opening a JSON schedule as an event source (OpenScheduleJson): a file that declares
// start order is parsed on a thread as the consumer advances; any other is read whole.
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/export/schedule_json.h"
#include "lib/schedule/validator.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<std::unique_ptr<EventSource>> Open(const std::string& text, int64_t max_events) {
  return OpenScheduleJson(std::make_unique<std::istringstream>(text), max_events);
}

// Every event the source yields and its index; the source's status at the end.
struct Read {
  std::vector<Event> events;
  std::vector<int64_t> indices;
  absl::Status status;
};
Read ReadAll(EventSource& source) {
  Read r;
  for (; source.Valid(); source.Next()) {
    r.events.push_back(source.event());
    r.indices.push_back(source.index());
  }
  r.status = source.status();
  return r;
}

// More events than three batches of the parsing thread.
const Schedule& Large() {
  static const Schedule s = testing::MustGenerate(Scheme::kCausal, 512, 2, 4);
  return s;
}

TEST(ScheduleJsonStreamTest, AFileInStartOrderStreamsWithoutAnEventLimit) {
  const Schedule& s = Large();
  ASSERT_GT(s.events.size(), 3u << 16);
  absl::StatusOr<std::unique_ptr<EventSource>> source = Open(testing::ScheduleJsonText(s), 1);
  ASSERT_TRUE(source.ok()) << source.status();  // the limit is for files read whole
  EXPECT_EQ((*source)->placement(), s.placement);
  const Read r = ReadAll(**source);
  EXPECT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.events, s.events);
  for (size_t k = 0; k < r.indices.size(); ++k) ASSERT_EQ(r.indices[k], static_cast<int64_t>(k));
}

// Every scheme and a mask: the report of a streamed file equals the report of the
// schedule in memory, figure by figure.
TEST(ScheduleJsonStreamTest, StreamedAndMaterialisedReportsAgreeOnEveryScheme) {
  std::vector<Problem> problems;
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    problems.push_back(MakeProblem(scheme, 300, 4, 4));  // beyond one batch of events
  }
  Problem masked = MakeProblem(Scheme::kCausal, 300, 4, 4);
  masked.instance.mask = *Mask::Make(*ParseSegments("120c,100b,70c,10p"), 50, kMaxTokens);
  problems.push_back(masked);
  for (const Problem& p : problems) {
    const Schedule s = testing::MustGenerate(p);
    absl::StatusOr<ValidationReport> here = testing::ValidateSchedule(s);
    absl::StatusOr<std::unique_ptr<EventSource>> source = Open(testing::ScheduleJsonText(s), 1);
    ASSERT_TRUE(here.ok() && source.ok()) << Describe(p);
    absl::StatusOr<ValidationReport> streamed = Validate(**source);
    ASSERT_TRUE(streamed.ok()) << streamed.status();
    EXPECT_TRUE(streamed->valid()) << Describe(p);
    EXPECT_EQ(streamed->stats.makespan, here->stats.makespan) << Describe(p);
    EXPECT_EQ(streamed->stats.operations, here->stats.operations);
    EXPECT_EQ(streamed->stats.transfers, here->stats.transfers);
    EXPECT_EQ(streamed->stats.busy_cycles, here->stats.busy_cycles);
    EXPECT_EQ(streamed->stats.link_busy_cycles, here->stats.link_busy_cycles);
    EXPECT_EQ(streamed->stats.peak_words, here->stats.peak_words);
  }
}

TEST(ScheduleJsonStreamTest, AnyOtherFileIsReadWholeAndSorted) {
  Schedule s = testing::MustGenerate(Scheme::kGeneral, 8, 2, 2);
  std::reverse(s.events.begin(), s.events.end());
  std::string text = testing::ScheduleJsonText(s);  // the writer sorts: reverse by hand
  text.replace(text.find("\"event_order\":\"start\","), 22, "");
  const size_t open = text.find("\"events\":[") + 10;
  std::vector<std::string> lines;
  std::istringstream body(text.substr(open, text.rfind("]}") - open));
  for (std::string line; std::getline(body, line);) {
    if (line.empty()) continue;
    if (line.back() == ',') line.pop_back();
    lines.push_back(line);
  }
  std::string reversed = text.substr(0, open);
  for (size_t k = lines.size(); k-- > 0;) reversed += "\n" + lines[k] + (k > 0 ? "," : "");
  reversed += "\n]}\n";
  EXPECT_EQ(Open(reversed, 10).status().code(), absl::StatusCode::kResourceExhausted);
  absl::StatusOr<std::unique_ptr<EventSource>> source = Open(reversed, 1000);
  ASSERT_TRUE(source.ok()) << source.status();
  const Read r = ReadAll(**source);
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(std::is_sorted(r.events.begin(), r.events.end(),
                             [](const Event& a, const Event& b) { return a.start < b.start; }));
  // index() is the position in the file, whatever the order read.
  std::istringstream again(reversed);
  absl::StatusOr<Schedule> file = ReadScheduleJson(again, 1000);
  ASSERT_TRUE(file.ok());
  ASSERT_EQ(r.events.size(), file->events.size());
  for (size_t k = 0; k < r.events.size(); ++k) {
    ASSERT_EQ(r.events[k], file->events[static_cast<size_t>(r.indices[k])]) << k;
  }
}

TEST(ScheduleJsonStreamTest, KeysAfterTheEventsMeanTheFileIsReadWhole) {
  // Tools that sort keys put format, instance, machine and placement after "events".
  const nlohmann::json sorted = nlohmann::json::parse(testing::ScheduleJsonText(Large()));
  const std::string text = sorted.dump();
  ASSERT_LT(text.find("\"events\""), text.find("\"placement\""));
  EXPECT_EQ(Open(text, 1).status().code(), absl::StatusCode::kResourceExhausted);
  absl::StatusOr<std::unique_ptr<EventSource>> source = Open(text, 1 << 22);
  ASSERT_TRUE(source.ok()) << source.status();
  const Read r = ReadAll(**source);
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(r.events, Large().events);
}

TEST(ScheduleJsonStreamTest, ErrorsAfterTheFirstEventEndTheStreamNamingThem) {
  const std::string text = testing::ScheduleJsonText(Large());
  const struct {
    std::string text;
    const char* message;
  } cases[] = {
      {text.substr(0, text.size() / 2), "malformed JSON at byte"},
      {text.substr(0, text.size() - 3) + "],\"costs\":{}}", "duplicate key \"costs\""},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::unique_ptr<EventSource>> source = Open(c.text, 1);
    ASSERT_TRUE(source.ok()) << source.status();
    const Read r = ReadAll(**source);
    EXPECT_THAT(std::string(r.status.message()), HasSubstr(c.message));
    EXPECT_GT(r.events.size(), 0u);
    // The validator ends with the source's error, not a verdict on a partial schedule.
    absl::StatusOr<std::unique_ptr<EventSource>> again = Open(c.text, 1);
    EXPECT_THAT(std::string(Validate(**again).status().message()), HasSubstr(c.message));
  }
  // An event earlier than the one before, in a file that declares start order.
  std::string moved = text;
  const size_t last = moved.rfind("{\"start\":") + 9;
  moved = moved.substr(0, last) + "0" + moved.substr(moved.find(',', last));
  absl::StatusOr<std::unique_ptr<EventSource>> source = Open(moved, 1);
  ASSERT_TRUE(source.ok());
  EXPECT_THAT(std::string(ReadAll(**source).status.message()),
              HasSubstr("].start = 0 is before the start of events["));
}

TEST(ScheduleJsonStreamTest, AConsumerMayStopEarly) {
  // The parsing thread waits to hand over a batch; destroying the source stops it.
  for (int stop : {0, 10, 70000}) {
    absl::StatusOr<std::unique_ptr<EventSource>> source =
        Open(testing::ScheduleJsonText(Large()), 1);
    ASSERT_TRUE(source.ok());
    for (int k = 0; k < stop && (*source)->Valid(); ++k) (*source)->Next();
  }
}

}  // namespace
}  // namespace attnsched
