#include "lib/export/schedule_json.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "lib/status_macros.h"
#include "nlohmann/json.hpp"

namespace attnsched {
namespace {

using json = nlohmann::json;

// Aborts the streaming parse from inside the callback with a status.
struct ParseAbort {
  absl::Status status;
};

absl::StatusOr<int64_t> GetInt(const json& object, absl::string_view path, const char* field,
                               int64_t lo, int64_t hi) {
  const std::string where = path.empty() ? field : absl::StrCat(path, ".", field);
  auto it = object.find(field);
  if (it == object.end()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": missing (an integer)"));
  }
  if (!it->is_number_integer()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " = ", it->dump(), ": must be an integer"));
  }
  const bool fits = !it->is_number_unsigned() || it->get<uint64_t>() <= static_cast<uint64_t>(hi);
  const bool in_range = fits && it->get<int64_t>() >= lo && it->get<int64_t>() <= hi;
  if (!in_range) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " = ", it->dump(), ": must be in [", lo, ", ", hi, "]"));
  }
  return it->get<int64_t>();
}

// GetInt, or `fallback` when the field is absent.
absl::StatusOr<int64_t> GetOptionalInt(const json& object, absl::string_view path,
                                       const char* field, int64_t fallback, int64_t lo,
                                       int64_t hi) {
  if (!object.contains(field)) return fallback;
  return GetInt(object, path, field, lo, hi);
}

// machine.link_words, or v1's machine.link_words_per_cycle (the same W_l with
// link_cycles = 1); default 1; not both.
absl::StatusOr<int64_t> LinkWords(const json& machine) {
  const bool v1 = machine.contains("link_words_per_cycle");
  if (v1 && machine.contains("link_words")) {
    return absl::InvalidArgumentError(
        "machine: give link_words or its v1 name link_words_per_cycle, not both");
  }
  return GetOptionalInt(machine, "machine", v1 ? "link_words_per_cycle" : "link_words", 1, 1,
                        kMaxLinkParameter);
}

absl::StatusOr<std::string> GetString(const json& object, absl::string_view path,
                                      const char* field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".", field, ": missing or not a string"));
  }
  return it->get<std::string>();
}

absl::StatusOr<const json*> GetObject(const json& root, const char* field) {
  auto it = root.find(field);
  if (it == root.end() || !it->is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": missing or not an object"));
  }
  return &*it;
}

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

absl::StatusOr<Event> ParseEvent(const json& e, int64_t index) {
  const std::string path = absl::StrCat("events[", index, "]");
  if (!e.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": must be an object"));
  }
  ASSIGN_OR_RETURN(const int64_t start, GetInt(e, path, "start", -kMaxStart, kMaxStart));
  const bool is_op = e.contains("op");
  if (is_op == e.contains("item")) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": needs exactly one of \"op\" (with \"pe\") or \"item\" (with \"from_pe\")"));
  }
  ASSIGN_OR_RETURN(const int64_t pe,
                   GetInt(e, path, is_op ? "pe" : "from_pe", -kInt32Max, kInt32Max));
  ASSIGN_OR_RETURN(const std::string name, GetString(e, path, is_op ? "op" : "item"));
  const std::string field = absl::StrCat(path, is_op ? ".op: " : ".item: ");
  if (is_op) {
    absl::StatusOr<Operation> op = ParseOperation(name);
    if (!op.ok()) return absl::InvalidArgumentError(field + std::string(op.status().message()));
    return Event::Op(start, static_cast<int32_t>(pe), *op);
  }
  absl::StatusOr<Item> item = ParseItem(name);
  if (!item.ok()) return absl::InvalidArgumentError(field + std::string(item.status().message()));
  return Event::Xfer(start, static_cast<int32_t>(pe), *item);
}

absl::StatusOr<Problem> ParseProblem(const json& root) {
  ASSIGN_OR_RETURN(const std::string format, GetString(root, "", "format"));
  if (format != kScheduleFormat) {
    return absl::InvalidArgumentError(absl::StrCat("format = \"", format, "\": expected \"",
                                                   kScheduleFormat, "\""));
  }
  ASSIGN_OR_RETURN(const json* inst, GetObject(root, "instance"));
  ASSIGN_OR_RETURN(const json* machine, GetObject(root, "machine"));
  Problem p;
  ASSIGN_OR_RETURN(p.instance.n, GetInt(*inst, "instance", "n", 1, kMaxTokens));
  ASSIGN_OR_RETURN(p.instance.d, GetInt(*inst, "instance", "d", 1, kMaxHeadDim));
  ASSIGN_OR_RETURN(const std::string scheme, GetString(*inst, "instance", "scheme"));
  ASSIGN_OR_RETURN(p.instance.scheme, ParseScheme(scheme));
  ASSIGN_OR_RETURN(p.machine.pes, GetInt(*machine, "machine", "pes", 1, kMaxPes));
  ASSIGN_OR_RETURN(p.machine.link_words, LinkWords(*machine));
  ASSIGN_OR_RETURN(p.machine.link_cycles,
                   GetOptionalInt(*machine, "machine", "link_cycles", 1, 1, kMaxLinkParameter));
  ASSIGN_OR_RETURN(p.machine.link_latency, GetOptionalInt(*machine, "machine", "link_latency",
                                                          0, 0, kMaxLinkParameter));
  p.costs = Costs::Default(p.instance.d);
  if (root.contains("costs")) {
    ASSIGN_OR_RETURN(const json* costs, GetObject(root, "costs"));
    ASSIGN_OR_RETURN(p.costs.c_dot, GetInt(*costs, "costs", "c_dot", 1, kMaxCost));
    ASSIGN_OR_RETURN(p.costs.c_softmax, GetInt(*costs, "costs", "c_softmax", 1, kMaxCost));
    ASSIGN_OR_RETURN(p.costs.c_axpy, GetInt(*costs, "costs", "c_axpy", 1, kMaxCost));
  }
  return p;
}

absl::StatusOr<Placement> ParsePlacement(const json& root, const Problem& p) {
  auto it = root.find("placement");
  if (it == root.end() || !it->is_array()) {
    return absl::InvalidArgumentError("placement: missing or not an array of PEs");
  }
  Placement h;
  h.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= p.pes()) {
      return absl::InvalidArgumentError(absl::StrCat("placement[", i, "] = ", v.dump(),
                                                     ": must be a PE in [0, ", p.pes(), ")"));
    }
    h.push_back(v.get<int32_t>());
  }
  RETURN_IF_ERROR(ValidatePlacement(h, p.n(), p.pes()));
  return h;
}

}  // namespace

absl::Status WriteScheduleJson(const Schedule& s, std::ostream& out) {
  const Problem& p = s.problem;
  json header = {
      {"format", kScheduleFormat},
      {"instance", {{"n", p.n()}, {"d", p.d()}, {"scheme", SchemeName(p.scheme())}}},
      {"machine",
       {{"pes", p.pes()},
        {"link_words", p.machine.link_words},
        {"link_cycles", p.machine.link_cycles},
        {"link_latency", p.machine.link_latency}}},
      {"costs",
       {{"c_dot", p.costs.c_dot}, {"c_softmax", p.costs.c_softmax}, {"c_axpy", p.costs.c_axpy}}},
      {"placement", s.placement},
  };
  std::string text = header.dump();
  text.pop_back();  // reopen the object to stream the events
  out << text << ",\"events\":[";
  std::string line;
  for (size_t k = 0; k < s.events.size(); ++k) {
    const Event& e = s.events[k];
    line.clear();
    absl::StrAppend(&line, k == 0 ? "\n" : ",\n", "{\"start\":", e.start);
    if (e.is_op()) {
      absl::StrAppend(&line, ",\"pe\":", e.pe, ",\"op\":\"", OperationName(e.op()), "\"}");
    } else {
      absl::StrAppend(&line, ",\"from_pe\":", e.pe, ",\"item\":\"", ItemName(e.item()), "\"}");
    }
    out << line;
  }
  out << "\n]}\n";
  out.flush();
  if (!out) return absl::DataLossError("writing the schedule failed (disk full?)");
  return absl::OkStatus();
}

absl::StatusOr<Schedule> ReadScheduleJson(std::istream& in, int64_t max_events) {
  std::vector<Event> events;
  std::string top_key;
  json::parser_callback_t on_value = [&](int depth, json::parse_event_t event,
                                         json& parsed) -> bool {
    if (event == json::parse_event_t::key && depth == 1) top_key = parsed.get<std::string>();
    if (event != json::parse_event_t::object_end || depth != 2 || top_key != "events") {
      return true;
    }
    absl::StatusOr<Event> e = ParseEvent(parsed, static_cast<int64_t>(events.size()));
    if (!e.ok()) throw ParseAbort{e.status()};
    if (static_cast<int64_t>(events.size()) >= max_events) {
      throw ParseAbort{absl::ResourceExhaustedError(absl::StrCat(
          "the schedule has more than ", max_events,
          " events, the event limit; raise --max-events if the machine has the memory"))};
    }
    events.push_back(*e);
    return false;  // drop the parsed object: events are kept as 24-byte structs only
  };
  json root;
  try {
    root = json::parse(in, on_value);
  } catch (const ParseAbort& abort) {
    return abort.status;
  } catch (const json::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed JSON at byte ", e.byte, " (a truncated or corrupted file?): ", e.what()));
  } catch (const std::exception& e) {  // e.g. a read error of the stream
    return absl::InvalidArgumentError(absl::StrCat("cannot read the schedule: ", e.what()));
  }
  if (!root.is_object()) return absl::InvalidArgumentError("the file is not a JSON object");
  auto list = root.find("events");
  if (list == root.end() || !list->is_array()) {
    return absl::InvalidArgumentError("events: missing or not an array of event objects");
  }
  if (!list->empty()) {  // non-objects were kept by the callback
    return ParseEvent((*list)[0], static_cast<int64_t>(events.size())).status();
  }
  ASSIGN_OR_RETURN(Problem problem, ParseProblem(root));
  RETURN_IF_ERROR(ValidateProblem(problem));
  ASSIGN_OR_RETURN(Placement placement, ParsePlacement(root, problem));
  return Schedule{problem, std::move(placement), std::move(events)};
}

absl::StatusOr<Schedule> ReadScheduleFile(absl::string_view path, int64_t max_events) {
  std::error_code ec;
  if (std::filesystem::is_directory(std::string(path), ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read schedule file ", path, ": it is a directory"));
  }
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot open schedule file ", path, " (", std::strerror(errno), ")"));
  }
  absl::StatusOr<Schedule> s = ReadScheduleJson(in, max_events);
  if (!s.ok()) {
    return absl::Status(s.status().code(), absl::StrCat(path, ": ", s.status().message()));
  }
  return s;
}

}  // namespace attnsched
