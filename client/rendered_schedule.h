// The input and the pass shared by the commands that turn a schedule into something
// else (trace, gantt, program): a schedule FILE, or the schedule the generate flags
// ask for, read once, validated on the way, each event handed to the output.
#ifndef ATTNSCHED_CLIENT_RENDERED_SCHEDULE_H_
#define ATTNSCHED_CLIENT_RENDERED_SCHEDULE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "client/commands.h"
#include "lib/algorithms/generator.h"
#include "lib/schedule/event_sink.h"
#include "lib/schedule/event_source.h"
#include "lib/schedule/validator.h"

namespace attnsched::cli {

// A schedule to read: a file's events, or a generated schedule's (compiled as read).
struct ScheduleToRender {
  std::unique_ptr<EventSource> file;
  std::optional<Generated> generated;
  EventSource& source() { return file ? *file : *generated->events; }
};

// --out, which the command needs: a path that can be written (checked before any
// work), or InvalidArgumentError naming the flag with `example` ("--out trace.json").
absl::StatusOr<std::string> RequiredOutFlag(absl::string_view what, absl::string_view example);

// With one operand, the schedule FILE (flags: `own`, --max-events, --max-operations);
// without, the schedule generate makes of the generate flags (`own` and generate's
// problem, placement and limit flags; local only). Errors name the flag or field.
absl::StatusOr<ScheduleToRender> OpenScheduleToRender(absl::string_view command,
                                                      const Invocation& call,
                                                      absl::Span<const absl::string_view> own);

// Reads `source` to its end, validating it and writing each event the rules accept to
// `sink` (ValidationOptions::on_accepted; `on_words` gets the resident words,
// ValidationOptions::on_words), then finishes the sink. An invalid schedule is
// FailedPreconditionError with the violation's message (exit 1: nothing is drawn of a schedule the
// machine cannot run).
absl::StatusOr<ScheduleStats> RenderValidated(
    EventSource& source, EventSink& sink,
    std::function<void(int64_t, int32_t, int64_t)> on_words = nullptr);

}  // namespace attnsched::cli

#endif  // ATTNSCHED_CLIENT_RENDERED_SCHEDULE_H_
