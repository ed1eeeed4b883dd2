// libFuzzer harness: the schedule file reader, ReadScheduleJson (lib/export/
// schedule_json.h), which `attnsched verify FILE` and `prove FILE` use on the file's
// bytes; then what verify does with a schedule it read (fuzz_util.h). Any error status
// is a normal answer; crashes, sanitizer reports, slow inputs (> 1 s), memory above
// the limit and broken round trips are findings.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "lib/export/schedule_json.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace attnsched;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  absl::StatusOr<Schedule> schedule = ReadScheduleJson(in, fuzz::kMaxEvents);
  if (!schedule.ok()) {
    if (schedule.status().message().empty()) fuzz::Finding("an error without a message");
    return 0;
  }
  // Whatever the reader accepts, the writer writes back readably.
  fuzz::CheckJsonRoundTrip(*schedule);
  fuzz::CheckLikeVerify(*schedule);
  return 0;
}
