// What the libFuzzer harnesses (tests/fuzz/*_fuzz.cc, docs/fuzzing.md) share: the
// checks a schedule that was read successfully goes through next, as the CLI's
// `verify` and the server's VerifySchedule run them, and round trips through the
// schedule formats and the compact form. Every error status is a normal outcome; a broken round trip is a
// finding and aborts (libFuzzer saves the input).
#ifndef ATTNSCHED_TESTS_FUZZ_FUZZ_UTIL_H_
#define ATTNSCHED_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "lib/schedule/schedule.h"

namespace attnsched::fuzz {

// The event limit of every reader and of the validator in the harnesses: far above
// what an input of libFuzzer's length can hold, small enough that no instance the
// validator accepts takes long (it refuses task graphs above it before allocating).
inline constexpr int64_t kMaxEvents = int64_t{1} << 14;

// Simulation runs on valid schedules only when n * n * d is at most this (the
// simulator computes the attention itself: O(n^2 d)).
inline constexpr int64_t kMaxSimulatedWork = int64_t{1} << 16;

// Validates `schedule` (kMaxEvents), simulates it when valid and small, and
// summarises it as a table and as JSON: `attnsched verify FILE`'s path. Checks that
// its events survive the compact form (CheckRunsRoundTrip), and when it is valid,
// that it survives JSON and Protobuf round trips unchanged.
void CheckLikeVerify(const Schedule& schedule);

// Writes `schedule` as JSON, reads it back and writes it again: both texts must be
// equal (anything the reader accepts, the writer writes so that the reader accepts it).
void CheckJsonRoundTrip(const Schedule& schedule);

// The same through attnsched.v1.Schedule (ScheduleToProto, ScheduleFromProto).
void CheckProtoRoundTrip(const Schedule& schedule);

// Cuts the events of `schedule` (stably sorted by start) into the runs of the compact
// form, with the encoder's default and with a budget of 3 pending runs, and expands
// them again: both must give the events in canonical order (lib/schedule/event_runs.h).
void CheckRunsRoundTrip(const Schedule& schedule);

// Prints `what` and aborts: a finding.
[[noreturn]] void Finding(absl::string_view what);

}  // namespace attnsched::fuzz

#endif  // ATTNSCHED_TESTS_FUZZ_FUZZ_UTIL_H_
