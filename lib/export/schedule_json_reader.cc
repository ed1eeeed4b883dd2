// Reading the schedule file (schedule_json.h) with nlohmann::json's SAX interface: a
// state machine over the file's fixed shape, so that no JSON document is ever built.
// Time is linear whatever the input: nesting beyond the shape, duplicate keys, unknown
// keys, over-long placements and too many events stop the parse at once. Read whole,
// memory is the schedule itself (24 bytes per event, 8 per placement entry). Opened as
// an event source, a file that declares "event_order": "start" before its events is
// parsed on a thread of its own that hands batches of events to the consumer through a
// bounded queue: memory is a few batches, whatever the file's size.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "lib/base/bounded_queue.h"
#include "lib/export/schedule_json.h"
#include "lib/model/heads.h"
#include "lib/model/mask_spec.h"
#include "lib/model/quote.h"
#include "lib/status_macros.h"
#include "nlohmann/json.hpp"

namespace attnsched {
namespace {

using json = nlohmann::json;

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr size_t kMessageChars = 240;  // of a JSON parser's message

// A JSON value as the handler sees it: an integer, or text describing anything else.
struct Scalar {
  std::optional<int64_t> integer;
  std::string shown;  // the value as echoed in messages
  std::optional<std::string> string;
  std::optional<bool> boolean;
};

enum class Where { kTop, kInstance, kMachine, kCosts, kPlacement, kEvents, kEvent };

struct Frame {
  Where where;
  std::string path;               // e.g. "instance", "events[12]"
  std::vector<std::string> keys;  // keys seen (objects)
};

// Events per batch handed from the parsing thread to the consumer, and batches that
// may wait: about 3 MB in flight.
constexpr size_t kBatchEvents = 1 << 16;
constexpr size_t kWaitingBatches = 2;

// What a streaming read hands over: first the header (a schedule without events), the
// whole schedule (a file read whole) or an error; then, when streaming, the events.
struct Opening {
  absl::StatusOr<Schedule> schedule;
  bool streaming = false;  // the schedule is the header; its events follow in batches
};
struct JsonStream {
  BoundedQueue<Opening> opening{1};
  BoundedQueue<std::vector<Event>> batches{kWaitingBatches};
};

// The fields of one event object, collected until it ends.
struct PartialEvent {
  std::optional<int64_t> start, pe, from_pe;
  std::optional<int64_t> end, to_pe, arrival;  // output only: read, not used
  std::optional<std::string> op, item, free;
};

class ScheduleReader final : public nlohmann::json_sax<json> {
 public:
  // `stream`: streams the events of a file that declares start order (else null).
  ScheduleReader(int64_t max_events, JsonStream* stream)
      : max_events_(max_events), stream_(stream) {}

  bool null() override { return OnScalar({std::nullopt, "null", std::nullopt, std::nullopt}); }
  bool boolean(bool v) override {
    return OnScalar({std::nullopt, v ? "true" : "false", std::nullopt, v});
  }
  bool number_integer(number_integer_t v) override {
    return OnScalar({v, absl::StrCat(v), std::nullopt, std::nullopt});
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (v > static_cast<number_unsigned_t>(std::numeric_limits<int64_t>::max())) {
      return OnScalar({std::nullopt, absl::StrCat(v), std::nullopt, std::nullopt});
    }
    return OnScalar({static_cast<int64_t>(v), absl::StrCat(v), std::nullopt, std::nullopt});
  }
  bool number_float(number_float_t, const string_t& text) override {
    return OnScalar({std::nullopt, absl::CHexEscape(text.substr(0, kQuotedBytes)), std::nullopt,
                     std::nullopt});
  }
  bool string(string_t& v) override {
    return OnScalar({std::nullopt, Quoted(v), v, std::nullopt});
  }
  bool binary(binary_t&) override { return Fail(absl::StrCat(Path(), ": binary values are not JSON")); }
  bool start_object(std::size_t) override;
  bool key(string_t& key) override;
  bool end_object() override;
  bool start_array(std::size_t) override;
  bool end_array() override;
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    // nlohmann's message ends with the token read so far, of any length: cut it.
    const absl::string_view what = e.what();
    const bool cut = what.size() > kMessageChars;
    return Fail(absl::StrCat("malformed JSON at byte ", position,
                             " (a truncated or corrupted file?): ",
                             absl::CHexEscape(what.substr(0, kMessageChars)), cut ? "..." : ""));
  }

  // The schedule read, or the first error.
  absl::StatusOr<Schedule> Finish();
  const absl::Status& error() const { return error_; }
  // True once the events stream (the header went to stream->opening).
  bool streaming() const { return streaming_; }
  // Streaming: hands over the last batch; false when the consumer is gone.
  bool FlushBatch();

 private:
  bool Fail(std::string message, absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
    if (error_.ok()) error_ = absl::Status(code, std::move(message));
    return false;
  }
  bool Fail(const absl::Status& status) { return Fail(std::string(status.message()), status.code()); }
  // The problem and the placement, checked.
  absl::StatusOr<Schedule> Header();
  // The instance, checked (the "instance" object has been read).
  absl::StatusOr<Instance> InstanceOf() const;
  // The instance that names the events: the file's once its "instance" object has
  // been read, else one head's (a file with heads states them before its events).
  bool SetNaming();
  // At the start of "events": streams from here when asked to and the header is whole.
  bool MaybeStartStreaming();
  // Keeps or hands over an event of the events array.
  bool Emit(const Event& e);
  // Where the next value goes: "instance.n", "events[3].op", "placement[7]".
  std::string Path() const;
  bool OnScalar(const Scalar& v);
  bool TopScalar(const Scalar& v);
  bool FieldScalar(const Scalar& v);
  bool EventScalar(const Scalar& v);
  // An integer in [lo, hi] for the current path, or an error.
  std::optional<int64_t> Integer(const Scalar& v, int64_t lo, int64_t hi);
  bool EndEvent();
  // The integer read at `name` ("instance.n"), if any.
  std::optional<int64_t> Field(absl::string_view name) const;
  // OK unless the file declares start order and an event breaks it.
  absl::Status CheckDeclaredOrder() const;

  const int64_t max_events_;
  JsonStream* const stream_;
  bool streaming_ = false;
  int64_t count_ = 0;       // events read
  int64_t last_start_ = 0;  // of the last event read
  std::vector<Event> batch_;
  absl::Status error_;
  std::vector<Frame> stack_;
  bool rooted_ = false;
  std::string key_;  // the last key of the innermost object
  std::optional<std::string> format_, scheme_, segments_;
  std::optional<bool> shared_;
  bool start_order_ = false;  // "event_order": "start"
  // instance.n, instance.d, machine.*, costs.*: by "object.field".
  std::vector<std::pair<std::string, int64_t>> fields_;
  std::vector<std::string> objects_;  // top-level objects and arrays present
  Placement placement_;
  std::vector<Event> events_;
  PartialEvent event_;
  std::optional<Instance> naming_;      // SetNaming's, from the first event on
  bool named_before_instance_ = false;  // naming_ is one head's: no instance yet
};

// The keys allowed in each object.
const std::vector<absl::string_view>& Allowed(Where where) {
  static const std::vector<absl::string_view> top = {"format",    "instance",    "machine", "costs",
                                                      "placement", "event_order", "events"};
  static const std::vector<absl::string_view> instance = {
      "n", "d", "scheme", "segments", "window", "shared", "tile", "heads", "kv_heads"};
  static const std::vector<absl::string_view> machine = {
      "pes", "link_words", "link_cycles", "link_latency", "link_words_per_cycle", "max_words_per_pe"};
  static const std::vector<absl::string_view> costs = {"c_dot", "c_softmax", "c_axpy"};
  static const std::vector<absl::string_view> event = {"start",   "end", "pe",   "from_pe", "to_pe",
                                                       "arrival", "op",  "item", "free"};
  static const std::vector<absl::string_view> none;
  switch (where) {
    case Where::kTop: return top;
    case Where::kInstance: return instance;
    case Where::kMachine: return machine;
    case Where::kCosts: return costs;
    case Where::kEvent: return event;
    default: return none;
  }
}

std::string ScheduleReader::Path() const {
  if (stack_.empty()) return "the file";
  const Frame& f = stack_.back();
  switch (f.where) {
    case Where::kTop: return key_;
    case Where::kPlacement: return absl::StrCat("placement[", placement_.size(), "]");
    case Where::kEvents: return absl::StrCat("events[", count_, "]");
    default: return absl::StrCat(f.path, ".", key_);
  }
}

bool ScheduleReader::start_object(std::size_t) {
  if (!rooted_) {
    rooted_ = true;
    stack_.push_back({Where::kTop, "", {}});
    return true;
  }
  if (stack_.empty()) return Fail("the file has more than one JSON value");
  const Where where = stack_.back().where;
  if (where == Where::kEvents) {
    event_ = PartialEvent{};
    stack_.push_back({Where::kEvent, Path(), {}});
    return true;
  }
  if (where == Where::kTop && (key_ == "instance" || key_ == "machine" || key_ == "costs")) {
    objects_.push_back(key_);
    stack_.push_back({key_ == "instance" ? Where::kInstance
                      : key_ == "machine" ? Where::kMachine
                                          : Where::kCosts,
                      key_, {}});
    return true;
  }
  if (where == Where::kTop && (key_ == "placement" || key_ == "events")) {
    return Fail(absl::StrCat(key_, ": must be an array"));
  }
  return Fail(absl::StrCat(Path(), ": an object is not allowed here"));
}

bool ScheduleReader::start_array(std::size_t) {
  if (!rooted_) return Fail("the file is not a JSON object");
  if (!stack_.empty() && stack_.back().where == Where::kTop &&
      (key_ == "placement" || key_ == "events")) {
    objects_.push_back(key_);
    stack_.push_back({key_ == "placement" ? Where::kPlacement : Where::kEvents, key_, {}});
    return key_ == "placement" || MaybeStartStreaming();
  }
  const std::string want = key_ == "instance" || key_ == "machine" || key_ == "costs"
                               ? "must be an object"
                               : "an array is not allowed here";
  return Fail(absl::StrCat(stack_.empty() ? "the file" : Path(), ": ", want));
}

bool ScheduleReader::key(string_t& key) {
  Frame& f = stack_.back();
  const std::vector<absl::string_view>& allowed = Allowed(f.where);
  const std::string where = f.path.empty() ? "" : absl::StrCat(f.path, ": ");
  if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
    return Fail(absl::StrCat(where, "unknown key ", Quoted(key), " (expected ",
                             absl::StrJoin(allowed, ", "), ")"));
  }
  if (std::find(f.keys.begin(), f.keys.end(), key) != f.keys.end()) {
    return Fail(absl::StrCat(where, "duplicate key ", Quoted(key)));
  }
  f.keys.push_back(key);
  key_ = key;
  return true;
}

bool ScheduleReader::end_object() {
  const Where where = stack_.back().where;
  stack_.pop_back();
  if (where == Where::kEvent) return EndEvent();
  return true;
}

bool ScheduleReader::end_array() {
  stack_.pop_back();
  return true;
}

std::optional<int64_t> ScheduleReader::Integer(const Scalar& v, int64_t lo, int64_t hi) {
  // An integer too large for 64 bits comes as a float or an unsigned of its digits.
  absl::string_view digits = v.shown;
  absl::ConsumePrefix(&digits, "-");
  const bool integer_text =
      !digits.empty() &&
      std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!v.integer || *v.integer < lo || *v.integer > hi) {
    if (!v.integer && !integer_text) {
      Fail(absl::StrCat(Path(), " = ", v.shown, ": must be an integer"));
      return std::nullopt;
    }
    Fail(absl::StrCat(Path(), " = ", v.shown, ": must be in [", lo, ", ", hi, "]"));
    return std::nullopt;
  }
  return v.integer;
}

bool ScheduleReader::OnScalar(const Scalar& v) {
  if (!rooted_) return Fail("the file is not a JSON object");
  if (stack_.empty()) return Fail("the file has more than one JSON value");
  switch (stack_.back().where) {
    case Where::kTop: return TopScalar(v);
    case Where::kEvent: return EventScalar(v);
    case Where::kEvents:
      return Fail(absl::StrCat(Path(), " = ", v.shown, ": must be an object"));
    case Where::kPlacement: {
      if (static_cast<int64_t>(placement_.size()) >= kMaxTokens) {
        return Fail(absl::StrCat("placement: more than ", kMaxTokens, " entries (n <= ",
                                 kMaxTokens, ")"));
      }
      const std::optional<int64_t> pe = Integer(v, -kInt32Max - 1, kInt32Max);
      if (pe) placement_.push_back(static_cast<int32_t>(*pe));
      return pe.has_value();
    }
    default: return FieldScalar(v);
  }
}

bool ScheduleReader::TopScalar(const Scalar& v) {
  if (key_ == "event_order") {
    if (v.string != kStartOrder) {
      return Fail(absl::StrCat("event_order = ", v.shown, ": must be \"", kStartOrder,
                               "\" (the events in start order) or absent (any order)"));
    }
    start_order_ = true;
    return true;
  }
  if (key_ != "format") {
    const std::string want = key_ == "placement" ? "must be an array of PEs"
                             : key_ == "events"  ? "must be an array of event objects"
                                                 : "must be an object";
    return Fail(absl::StrCat(key_, " = ", v.shown, ": ", want));
  }
  if (!v.string) return Fail(absl::StrCat("format = ", v.shown, ": must be a string"));
  format_ = *v.string;
  return true;
}

bool ScheduleReader::FieldScalar(const Scalar& v) {
  const std::string path = Path();
  if (path == "instance.scheme" || path == "instance.segments") {
    if (!v.string) return Fail(absl::StrCat(path, " = ", v.shown, ": must be a string"));
    (path == "instance.scheme" ? scheme_ : segments_) = *v.string;
    return true;
  }
  if (path == "instance.shared") {
    if (!v.boolean) return Fail(absl::StrCat(path, " = ", v.shown, ": must be true or false"));
    shared_ = *v.boolean;
    return true;
  }
  const bool zero = path == "machine.link_latency" || path == "instance.window" ||
                    path == "machine.max_words_per_pe" || path == "instance.kv_heads";
  const int64_t hi = path == "instance.n" || path == "instance.window" || path == "instance.tile"
                         ? kMaxTokens
                     : path == "machine.max_words_per_pe"                      ? kMaxWordsPerPe
                     : path == "instance.d"                                    ? kMaxHeadDim
                     : path == "instance.heads" || path == "instance.kv_heads" ? kMaxHeads
                     : path == "machine.pes"                                   ? kMaxPes
                     : path.rfind("costs.", 0) == 0                            ? kMaxCost
                                                                               : kMaxLinkParameter;
  const std::optional<int64_t> value = Integer(v, zero ? 0 : 1, hi);
  if (value) fields_.emplace_back(path, *value);
  return value.has_value();
}

bool ScheduleReader::EventScalar(const Scalar& v) {
  const std::string path = Path();
  if (key_ == "op" || key_ == "item" || key_ == "free") {
    if (!v.string) return Fail(absl::StrCat(path, " = ", v.shown, ": must be a string"));
    (key_ == "op" ? event_.op : key_ == "item" ? event_.item : event_.free) = *v.string;
    return true;
  }
  const bool cycle = key_ == "start" || key_ == "end" || key_ == "arrival";
  const std::optional<int64_t> value =
      cycle ? Integer(v, -kMaxStart, std::numeric_limits<int64_t>::max())
            : Integer(v, -kInt32Max, kInt32Max);
  if (!value) return false;
  (key_ == "start"     ? event_.start
   : key_ == "end"     ? event_.end
   : key_ == "arrival" ? event_.arrival
   : key_ == "pe"      ? event_.pe
   : key_ == "to_pe"   ? event_.to_pe
                       : event_.from_pe) = *value;
  return true;
}

bool ScheduleReader::EndEvent() {
  const std::string path = absl::StrCat("events[", count_, "]");
  if (!event_.start) return Fail(absl::StrCat(path, ".start: missing (an integer)"));
  const int kinds = event_.op.has_value() + event_.item.has_value() + event_.free.has_value();
  const bool on_pe = event_.pe && !event_.from_pe, on_link = event_.from_pe && !event_.pe;
  if (kinds != 1 || (event_.item ? !on_link : !on_pe)) {
    return Fail(absl::StrCat(path,
                             ": needs exactly one of \"op\" (with \"pe\"), \"item\" (with "
                             "\"from_pe\") or \"free\" (with \"pe\")"));
  }
  const bool is_op = event_.op.has_value();
  if (!naming_ && !SetNaming()) return false;
  if (!streaming_ && static_cast<int64_t>(events_.size()) >= max_events_) {
    return Fail(absl::StrCat("the schedule has more than ", max_events_,
                             " events, the event limit; raise --max-events if the machine "
                             "has the memory"),
                absl::StatusCode::kResourceExhausted);
  }
  std::string field = absl::StrCat(path, is_op ? ".op: " : event_.free ? ".free: " : ".item: ");
  const absl::string_view hint = named_before_instance_
                                     ? " (read before the instance; a file with heads gives its "
                                       "instance before its events)"
                                     : "";
  if (is_op) {
    absl::StatusOr<Operation> op = ParseOperation(*naming_, *event_.op);
    if (!op.ok()) return Fail(absl::StrCat(field, op.status().message(), hint));
    return Emit(Event::Op(*event_.start, static_cast<int32_t>(*event_.pe), *op));
  } else {
    absl::StatusOr<Item> item = ParseItem(*naming_, event_.free ? *event_.free : *event_.item);
    if (!item.ok()) return Fail(absl::StrCat(field, item.status().message(), hint));
    return Emit(event_.free
                    ? Event::Free(*event_.start, static_cast<int32_t>(*event_.pe), *item)
                    : Event::Xfer(*event_.start, static_cast<int32_t>(*event_.from_pe), *item));
  }
}

std::string OrderMessage(int64_t k, int64_t start, int64_t previous) {
  return absl::StrCat("events[", k, "].start = ", start, " is before the start of events[", k - 1,
                      "] (", previous, ") but the file declares \"event_order\": \"start\"; "
                      "sort the events or remove event_order");
}

bool ScheduleReader::Emit(const Event& e) {
  if (!streaming_) {
    events_.push_back(e);
    ++count_;
    return true;
  }
  if (count_ > 0 && e.start < last_start_) return Fail(OrderMessage(count_, e.start, last_start_));
  last_start_ = e.start;
  ++count_;
  batch_.push_back(e);
  if (batch_.size() < kBatchEvents) return true;
  return FlushBatch();
}

bool ScheduleReader::FlushBatch() {
  if (batch_.empty()) return true;
  return stream_->batches.Push(std::exchange(batch_, {}));  // false: the consumer is gone
}

bool ScheduleReader::MaybeStartStreaming() {
  auto present = [this](absl::string_view name) {
    return std::find(objects_.begin(), objects_.end(), name) != objects_.end();
  };
  // Every top-level key, costs included, must come before the events: a key after
  // them could change the header already handed over. Else the file is read whole.
  if (stream_ == nullptr || !start_order_ || !format_ || !present("instance") ||
      !present("machine") || !present("costs") || !present("placement")) {
    return true;
  }
  absl::StatusOr<Schedule> header = Header();
  if (!header.ok()) return Fail(header.status());
  if (!stream_->opening.Push(Opening{*std::move(header), true})) return false;
  streaming_ = true;
  return true;
}

absl::Status ScheduleReader::CheckDeclaredOrder() const {
  if (!start_order_) return absl::OkStatus();
  for (size_t k = 1; k < events_.size(); ++k) {
    if (events_[k].start < events_[k - 1].start) {
      return absl::InvalidArgumentError(OrderMessage(static_cast<int64_t>(k), events_[k].start,
                                                     events_[k - 1].start));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Schedule> ScheduleReader::Finish() {
  if (!error_.ok()) return error_;
  ASSIGN_OR_RETURN(Schedule s, Header());
  RETURN_IF_ERROR(CheckDeclaredOrder());
  s.events = std::move(events_);
  return s;
}

bool ScheduleReader::SetNaming() {
  naming_ = Instance{};
  if (std::find(objects_.begin(), objects_.end(), "instance") == objects_.end()) {
    named_before_instance_ = true;
    return true;
  }
  absl::StatusOr<Instance> inst = InstanceOf();
  if (!inst.ok()) return Fail(inst.status());
  naming_ = *std::move(inst);
  return true;
}

std::optional<int64_t> ScheduleReader::Field(absl::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

absl::StatusOr<Instance> ScheduleReader::InstanceOf() const {
  for (absl::string_view name : {"instance.n", "instance.d"}) {
    if (!Field(name))
      return absl::InvalidArgumentError(absl::StrCat(name, ": missing (an integer)"));
  }
  MaskSpec spec{scheme_,
                std::nullopt,
                Field("instance.window").value_or(0),
                shared_,
                *Field("instance.n"),
                Field("instance.tile").value_or(1),
                Field("instance.heads").value_or(1),
                Field("instance.kv_heads").value_or(0)};
  if (segments_) {
    absl::StatusOr<std::vector<Segment>> segments = ParseSegments(*segments_);
    if (!segments.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("instance.", segments.status().message()));
    }
    spec.segments = *std::move(segments);
  }
  return MakeMaskedInstance(spec, *Field("instance.d"), "instance.");
}

absl::StatusOr<Schedule> ScheduleReader::Header() {
  if (!error_.ok()) return error_;
  auto present = [this](absl::string_view name) {
    return std::find(objects_.begin(), objects_.end(), name) != objects_.end();
  };
  auto field = [this](absl::string_view name) { return Field(name); };
  if (!format_) return absl::InvalidArgumentError("format: missing (\"attnsched.schedule.v1\")");
  if (*format_ != kScheduleFormat) {
    return absl::InvalidArgumentError(
        absl::StrCat("format = ", Quoted(*format_), ": expected \"", kScheduleFormat, "\""));
  }
  for (absl::string_view object : {"instance", "machine", "placement", "events"}) {
    if (!present(object)) return absl::InvalidArgumentError(absl::StrCat(object, ": missing"));
  }
  Problem p;
  ASSIGN_OR_RETURN(p.instance, InstanceOf());
  if (!field("machine.pes")) return absl::InvalidArgumentError("machine.pes: missing (an integer)");
  if (naming_ && p.instance.heads() != naming_->heads()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "instance.heads = %d comes after the events, which were read as one head's; put the "
        "instance before the events",
        p.instance.heads()));
  }
  if (field("machine.link_words") && field("machine.link_words_per_cycle")) {
    return absl::InvalidArgumentError(
        "machine: give link_words or its v1 name link_words_per_cycle, not both");
  }
  p.machine = Machine{*field("machine.pes"),
                      field("machine.link_words")
                          .value_or(field("machine.link_words_per_cycle").value_or(1)),
                      field("machine.link_cycles").value_or(1),
                      field("machine.link_latency").value_or(0),
                      field("machine.max_words_per_pe").value_or(0)};
  p.costs = Costs::Default(p.instance.d);
  if (present("costs")) {
    for (absl::string_view name : {"costs.c_dot", "costs.c_softmax", "costs.c_axpy"}) {
      if (!field(name)) return absl::InvalidArgumentError(absl::StrCat(name, ": missing (an integer)"));
    }
    p.costs = Costs{*field("costs.c_dot"), *field("costs.c_softmax"), *field("costs.c_axpy")};
  }
  RETURN_IF_ERROR(ValidateProblem(p));
  ASSIGN_OR_RETURN(Placement placement, CheckedLayerPlacement(p.instance, placement_, p.pes()));
  return Schedule{p, std::move(placement), {}};
}

// Runs `reader` over `in`: its first error, or the stream's.
absl::Status Parse(std::istream& in, ScheduleReader& reader) {
  try {
    json::sax_parse(in, &reader);
  } catch (const std::exception& e) {  // a read error of the stream
    return absl::InvalidArgumentError(absl::StrCat("cannot read the schedule: ", e.what()));
  }
  return reader.error();
}

// The events of a file that declares start order, parsed on a thread of its own.
class JsonStreamSource final : public EventSource {
 public:
  JsonStreamSource(std::unique_ptr<std::istream> in, std::unique_ptr<JsonStream> stream,
                   std::thread parser, Schedule header)
      : in_(std::move(in)),
        stream_(std::move(stream)),
        parser_(std::move(parser)),
        header_(std::move(header)) {
    Refill();
  }
  ~JsonStreamSource() override {
    stream_->batches.Close();  // a parser waiting to hand over a batch stops
    parser_.join();
  }

  const Problem& problem() const override { return header_.problem; }
  const Placement& placement() const override { return header_.placement; }
  absl::Status status() const override { return status_; }

 private:
  Block NextBlock() override {
    first_ += static_cast<int64_t>(batch_.size());
    if (stream_->batches.Pop(batch_)) return {batch_, first_, {}};
    batch_.clear();
    status_ = stream_->batches.status();
    return {};
  }

  std::unique_ptr<std::istream> in_;  // read by parser_
  std::unique_ptr<JsonStream> stream_;
  std::thread parser_;
  Schedule header_;           // the problem and the placement
  std::vector<Event> batch_;  // the current block
  int64_t first_ = 0;         // the file index of batch_[0]
  absl::Status status_;
};

}  // namespace

absl::StatusOr<Schedule> ReadScheduleJson(std::istream& in, int64_t max_events) {
  ScheduleReader reader(max_events, nullptr);
  RETURN_IF_ERROR(Parse(in, reader));
  return reader.Finish();
}

absl::StatusOr<std::unique_ptr<EventSource>> OpenScheduleJson(std::unique_ptr<std::istream> in,
                                                              int64_t max_events) {
  auto stream = std::make_unique<JsonStream>();
  JsonStream* shared = stream.get();
  std::istream* text = in.get();
  std::thread parser([shared, text, max_events] {
    ScheduleReader reader(max_events, shared);
    const absl::Status parsed = Parse(*text, reader);
    if (!reader.streaming()) {
      (void)shared->opening.Push(Opening{parsed.ok() ? reader.Finish() : parsed, false});
      return;
    }
    // A consumer that stopped reading gets no status; anyone else gets the parse's.
    shared->batches.Finish(parsed.ok() && !reader.FlushBatch() ? absl::CancelledError() : parsed);
  });
  Opening opening;
  (void)shared->opening.Pop(opening);  // the parser pushes exactly one
  if (!opening.schedule.ok() || !opening.streaming) parser.join();
  if (!opening.schedule.ok()) return opening.schedule.status();
  if (!opening.streaming) return std::make_unique<VectorEventSource>(*std::move(opening.schedule));
  return std::make_unique<JsonStreamSource>(std::move(in), std::move(stream), std::move(parser),
                                            *std::move(opening.schedule));
}

namespace {

// `path` opened for reading: NotFoundError or InvalidArgumentError (a directory).
absl::StatusOr<std::unique_ptr<std::ifstream>> OpenFile(absl::string_view path) {
  std::error_code ec;
  if (std::filesystem::is_directory(std::string(path), ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read schedule file ", path, ": it is a directory"));
  }
  auto in = std::make_unique<std::ifstream>(std::string(path), std::ios::binary);
  if (!*in) {
    return absl::NotFoundError(
        absl::StrCat("cannot open schedule file ", path, " (", std::strerror(errno), ")"));
  }
  return in;
}

absl::Status WithPath(absl::string_view path, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
}

}  // namespace

absl::StatusOr<Schedule> ReadScheduleFile(absl::string_view path, int64_t max_events) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::ifstream> in, OpenFile(path));
  absl::StatusOr<Schedule> s = ReadScheduleJson(*in, max_events);
  if (!s.ok()) return WithPath(path, s.status());
  return s;
}

absl::StatusOr<std::unique_ptr<EventSource>> OpenScheduleFile(absl::string_view path,
                                                              int64_t max_events) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::ifstream> in, OpenFile(path));
  absl::StatusOr<std::unique_ptr<EventSource>> source = OpenScheduleJson(std::move(in), max_events);
  if (!source.ok()) return WithPath(path, source.status());
  return source;
}

}  // namespace attnsched
