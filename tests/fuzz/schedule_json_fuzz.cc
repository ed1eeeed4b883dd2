// libFuzzer harness: the schedule file reader, ReadScheduleJson (lib/export/
// schedule_json.h), which `attnsched verify FILE` and `prove FILE` use on the file's
// bytes; then what verify does with a schedule it read (fuzz_util.h). The same bytes
// opened as an event source (OpenScheduleJson: parsed on a thread when the file
// declares start order) must give the same events, or an error when the whole read
// gave one. Any error status is a normal answer; crashes, sanitizer reports, slow
// inputs (> 1 s), memory above the limit, broken round trips and the two readers
// disagreeing are findings.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "lib/export/schedule_json.h"
#include "tests/fuzz/fuzz_util.h"

namespace attnsched::fuzz {
namespace {

// The events of `text` opened as a source, in the order it yields them; an error when
// the open or the stream fails.
absl::StatusOr<std::vector<Event>> Streamed(const std::string& text) {
  absl::StatusOr<std::unique_ptr<EventSource>> source =
      OpenScheduleJson(std::make_unique<std::istringstream>(text), kMaxEvents);
  if (!source.ok()) return source.status();
  std::vector<Event> events;
  for (; (*source)->Valid(); (*source)->Next()) events.push_back((*source)->event());
  if (!(*source)->status().ok()) return (*source)->status();
  return events;
}

void CheckReadersAgree(const std::string& text, const absl::StatusOr<Schedule>& whole) {
  // Streaming has no event limit: a file refused for its size may stream.
  if (absl::IsResourceExhausted(whole.status())) return;
  const absl::StatusOr<std::vector<Event>> streamed = Streamed(text);
  if (!whole.ok()) {
    if (streamed.ok()) Finding("the stream accepts a file the whole read refuses: " +
                               std::string(whole.status().message()));
    return;
  }
  if (!streamed.ok()) {
    Finding("the stream refuses a file the whole read accepts: " +
            std::string(streamed.status().message()));
  }
  std::vector<Event> expected = whole->events;
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Event& a, const Event& b) { return a.start < b.start; });
  if (*streamed != expected) Finding("the stream and the whole read give different events");
}

}  // namespace
}  // namespace attnsched::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace attnsched;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream in(text);
  absl::StatusOr<Schedule> schedule = ReadScheduleJson(in, fuzz::kMaxEvents);
  // Without a declared order both readers read whole (the stream's thread is costly).
  if (text.find("event_order") != std::string::npos) fuzz::CheckReadersAgree(text, schedule);
  if (!schedule.ok()) {
    if (schedule.status().message().empty()) fuzz::Finding("an error without a message");
    return 0;
  }
  // Whatever the reader accepts, the writer writes back readably.
  fuzz::CheckJsonRoundTrip(*schedule);
  fuzz::CheckLikeVerify(*schedule);
  return 0;
}
