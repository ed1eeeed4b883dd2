#include "attnsched/v1/convert.h"

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/model/heads.h"
#include "lib/model/mask_spec.h"
#include "lib/schedule/validator.h"
#include "lib/status_macros.h"

namespace attnsched::rpc {
namespace {

absl::Status Unspecified(absl::string_view path) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": unspecified (set one of the values)"));
}

// An enum field outside its values: unspecified (0), or a number the enum lacks.
absl::Status BadEnum(absl::string_view path, int value, absl::string_view type) {
  if (value == 0) return Unspecified(path);
  return absl::InvalidArgumentError(
      absl::StrCat(path, " = ", value, ": not a ", type, " value"));
}

void SpreadToProto(const Spread& s, v1::Spread* proto) {
  proto->set_min(s.min);
  proto->set_mean(s.mean);
  proto->set_max(s.max);
}

Spread SpreadFromProto(const v1::Spread& proto) {
  return Spread{proto.min(), proto.mean(), proto.max()};
}

void BoundsToProto(const LowerBounds& lb, v1::LowerBounds* proto) {
  proto->set_work_cycles(lb.work);
  proto->set_home_cycles(lb.home);
  proto->set_path_cycles(lb.path);
  proto->set_load_cycles(lb.load);
  proto->set_release_cycles(lb.release);
  proto->set_link_cycles(lb.link);
  proto->set_traffic_cycles(lb.traffic);
  proto->set_cut_cycles(lb.cut);
}

LowerBounds BoundsFromProto(const v1::LowerBounds& proto) {
  LowerBounds lb;
  lb.work = proto.work_cycles();
  lb.home = proto.home_cycles();
  lb.path = proto.path_cycles();
  lb.load = proto.load_cycles();
  lb.release = proto.release_cycles();
  lb.link = proto.link_cycles();
  lb.cut = proto.cut_cycles();
  lb.traffic = proto.traffic_cycles();
  return lb;
}

constexpr struct {
  v1::Scheme proto;
  Scheme scheme;
} kSchemes[] = {{v1::SCHEME_GENERAL, Scheme::kGeneral},
                {v1::SCHEME_SHARED, Scheme::kShared},
                {v1::SCHEME_CAUSAL, Scheme::kCausal}};

constexpr struct {
  v1::SegmentKind proto;
  SegmentKind kind;
} kSegmentKinds[] = {{v1::SEGMENT_KIND_CAUSAL, SegmentKind::kCausal},
                     {v1::SEGMENT_KIND_BIDIRECTIONAL, SegmentKind::kBidirectional},
                     {v1::SEGMENT_KIND_PADDING, SegmentKind::kPadding}};

absl::StatusOr<Instance> InstanceFromProto(const v1::Instance& inst) {
  MaskSpec spec;
  spec.n = inst.n();
  spec.window = inst.mask().window();
  spec.tile = inst.tile() == 0 ? 1 : inst.tile();
  spec.heads = inst.heads() == 0 ? 1 : inst.heads();
  spec.kv_heads = inst.kv_heads();
  if (inst.shared()) spec.shared = true;
  for (const auto& s : kSchemes) {
    if (inst.scheme() == s.proto) spec.scheme = std::string(SchemeName(s.scheme));
  }
  if (inst.scheme() != v1::SCHEME_UNSPECIFIED && !spec.scheme) {
    return Unspecified("problem.instance.scheme");
  }
  if (!inst.mask().segments().empty()) {
    spec.segments.emplace();
    for (int k = 0; k < inst.mask().segments_size(); ++k) {
      const v1::Segment& segment = inst.mask().segments(k);
      std::optional<SegmentKind> kind;
      for (const auto& s : kSegmentKinds) {
        if (segment.kind() == s.proto) kind = s.kind;
      }
      if (!kind) return Unspecified(absl::StrCat("problem.instance.mask.segments[", k, "].kind"));
      spec.segments->push_back(Segment{segment.length(), *kind});
    }
  }
  if (!spec.scheme && !spec.segments) return Unspecified("problem.instance.scheme");
  return MakeMaskedInstance(spec, inst.d(), "problem.instance.", "mask.");
}

void InstanceToProto(const Instance& instance, v1::Instance* inst) {
  const MaskSpec spec = SpecOf(instance);
  inst->set_n(spec.n);
  inst->set_d(instance.d);
  if (spec.tile > 1) inst->set_tile(spec.tile);
  if (spec.heads > 1) {
    inst->set_heads(spec.heads);
    inst->set_kv_heads(spec.kv_heads);
  }
  for (const auto& s : kSchemes) {
    if (spec.scheme == SchemeName(s.scheme)) inst->set_scheme(s.proto);
  }
  if (spec.segments) {
    for (const Segment& segment : *spec.segments) {
      v1::Segment* out = inst->mutable_mask()->add_segments();
      out->set_length(segment.length);
      for (const auto& s : kSegmentKinds) {
        if (segment.kind == s.kind) out->set_kind(s.proto);
      }
    }
    inst->set_shared(instance.shared);
  }
  if (spec.window > 0) inst->mutable_mask()->set_window(spec.window);
}

}  // namespace

absl::StatusOr<Problem> ProblemFromProto(const v1::Problem& proto) {
  Problem p;
  ASSIGN_OR_RETURN(p.instance, InstanceFromProto(proto.instance()));
  const v1::Machine& machine = proto.machine();
  p.machine = Machine{machine.pes(), machine.link_words() == 0 ? 1 : machine.link_words(),
                      machine.link_cycles() == 0 ? 1 : machine.link_cycles(),
                      machine.link_latency(), machine.max_words_per_pe()};
  const Costs defaults = Costs::Default(p.instance.d);
  const v1::Costs& c = proto.costs();
  p.costs = Costs{c.c_dot() == 0 ? defaults.c_dot : c.c_dot(),
                  c.c_softmax() == 0 ? defaults.c_softmax : c.c_softmax(),
                  c.c_axpy() == 0 ? defaults.c_axpy : c.c_axpy()};
  if (absl::Status s = ValidateProblem(p); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("problem: ", s.message()));
  }
  return p;
}

void ProblemToProto(const Problem& p, v1::Problem* proto) {
  InstanceToProto(p.instance, proto->mutable_instance());
  v1::Machine* machine = proto->mutable_machine();
  machine->set_pes(p.pes());
  machine->set_link_words(p.machine.link_words);
  machine->set_link_cycles(p.machine.link_cycles);
  machine->set_link_latency(p.machine.link_latency);
  machine->set_max_words_per_pe(p.machine.max_words_per_pe);
  proto->mutable_costs()->set_c_dot(p.costs.c_dot);
  proto->mutable_costs()->set_c_softmax(p.costs.c_softmax);
  proto->mutable_costs()->set_c_axpy(p.costs.c_axpy);
}

namespace {

// `status`'s message after `path`.
absl::Status At(absl::string_view path, const absl::Status& status) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", status.message()));
}

// The event of `proto` in `inst` (its derived fields are output only: not read);
// errors name it by `path()`, which is called only for an error: this runs once per
// event of every stream.
absl::StatusOr<Event> EventAt(const v1::Event& proto, const Instance& inst,
                              absl::FunctionRef<std::string()> path) {
  if (proto.start() < -kMaxStart || proto.start() > kMaxStart) {
    return absl::InvalidArgumentError(
        absl::StrCat(path(), ".start = ", proto.start(), ": must be in [-2^62, 2^62]"));
  }
  if (proto.has_op()) {
    const v1::Operation& op = proto.op();
    if (op.kind() < v1::OP_KIND_DOT || op.kind() > v1::OP_KIND_AXPY) {
      return BadEnum(path() + ".op.kind", op.kind(), "OpKind");
    }
    const auto kind = static_cast<OpKind>(op.kind() - v1::OP_KIND_DOT);
    absl::StatusOr<Operation> layer = LayerOperation(inst, kind, {op.head(), op.i(), op.j()});
    if (!layer.ok()) return At(path() + ".op", layer.status());
    return Event::Op(proto.start(), proto.pe(), *layer);
  }
  if (proto.has_item() || proto.has_free()) {
    const bool free = proto.has_free();
    const v1::Item& item = free ? proto.free() : proto.item();
    if (item.kind() < v1::ITEM_KIND_Q || item.kind() > v1::ITEM_KIND_P) {
      return BadEnum(path() + (free ? ".free.kind" : ".item.kind"), item.kind(), "ItemKind");
    }
    const auto kind = static_cast<ItemKind>(item.kind() - v1::ITEM_KIND_Q);
    absl::StatusOr<Item> it = LayerItem(inst, kind, {item.head(), item.i(), item.j()});
    if (!it.ok()) return At(path() + (free ? ".free" : ".item"), it.status());
    return free ? Event::Free(proto.start(), proto.pe(), *it)
                : Event::Xfer(proto.start(), proto.pe(), *it);
  }
  return absl::InvalidArgumentError(absl::StrCat(path(), ": needs an op, an item or a free"));
}

// With heads: the run's last event stays in the head of its first (the layer's rows
// of an index outside a head are another head's).
absl::Status CheckRunInHead(const Instance& inst, const EventRun& run) {
  if (inst.heads() == 1) return absl::OkStatus();
  const Event& first = run.first;
  const HeadIndices at =
      first.is_op() ? HeadIndicesOf(inst, first.op()) : HeadIndicesOf(inst, first.item());
  const bool uses_j = first.is_op() ? first.op().kind != OpKind::kSoftmax
                                    : !IsVector(first.item().kind);
  const int64_t last_i = at.i + (run.count - 1) * run.i_step;
  const int64_t last_j = at.j + (run.count - 1) * run.j_step;
  const int64_t rows = inst.rows_per_head();
  if (last_i >= 0 && last_i < rows && (!uses_j || (last_j >= 0 && last_j < rows))) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "its last event's indices (%d, %d) leave the head's rows [0, %d); a run stays in one "
      "head",
      last_i, last_j, rows));
}

}  // namespace

absl::StatusOr<Event> EventFromProto(const v1::Event& proto, int64_t index, const Instance& inst) {
  return EventAt(proto, inst, [index] { return absl::StrCat("events[", index, "]"); });
}

absl::StatusOr<EventRun> RunFromProto(const v1::EventRun& proto, int64_t index,
                                      const Instance& inst) {
  auto path = [index] { return absl::StrCat("runs[", index, "]"); };
  if (proto.first().has_index()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path(), ".first.index: not allowed (a compact stream numbers its events by their "
        "position in the expanded stream)"));
  }
  ASSIGN_OR_RETURN(const Event first,
                   EventAt(proto.first(), inst, [&] { return path() + ".first"; }));
  const EventRun run{first, proto.count() == 0 ? 1 : proto.count(), proto.start_step(),
                     proto.i_step(), proto.j_step()};
  if (absl::Status s = CheckRun(run); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path(), ".", s.message()));
  }
  if (absl::Status s = CheckRunInHead(inst, run); !s.ok()) return At(path(), s);
  return run;
}

void RunToProto(const EventRun& run, const Problem& problem, v1::EventRun* proto) {
  EventToProto(run.first, problem, proto->mutable_first());
  if (run.count != 1) proto->set_count(run.count);
  proto->set_start_step(run.start_step);
  proto->set_i_step(run.i_step);
  proto->set_j_step(run.j_step);
}

void InstructionToProto(const Instruction& in, const Problem& problem, v1::Instruction* proto) {
  proto->set_pe(in.pe);
  proto->set_type(static_cast<v1::Instruction::Type>(v1::Instruction::TYPE_COMPUTE +
                                                     static_cast<int>(in.type)));
  RunToProto(in.run, problem, proto->mutable_run());
}

void EventToProto(const Event& e, const Problem& problem, v1::Event* proto) {
  const Instance& inst = problem.instance;
  const EventTiming timing = TimingOf(problem, e);
  proto->set_start(e.start);
  proto->set_end(timing.end);
  proto->set_pe(e.pe);
  if (e.is_xfer()) {
    proto->set_to_pe(timing.receiver);
    proto->set_arrival(timing.arrival);
  }
  if (e.is_op()) {
    const HeadIndices at = HeadIndicesOf(inst, e.op());
    v1::Operation* op = proto->mutable_op();
    op->set_kind(static_cast<v1::OpKind>(v1::OP_KIND_DOT + e.kind));
    op->set_i(at.i);
    op->set_j(at.j);
    if (at.head != 0) op->set_head(at.head);
  } else {
    const HeadIndices at = HeadIndicesOf(inst, e.item());
    v1::Item* item = e.is_free() ? proto->mutable_free() : proto->mutable_item();
    item->set_kind(static_cast<v1::ItemKind>(v1::ITEM_KIND_Q + e.kind));
    item->set_i(at.i);
    item->set_j(at.j);
    if (at.head != 0) item->set_head(at.head);
  }
}

absl::StatusOr<Schedule> ScheduleFromProto(const v1::Schedule& proto) {
  Schedule s;
  ASSIGN_OR_RETURN(s.problem, ProblemFromProto(proto.problem()));
  ASSIGN_OR_RETURN(s.placement, CheckedLayerPlacement(
                                    s.problem.instance,
                                    Placement(proto.placement().begin(), proto.placement().end()),
                                    s.problem.pes()));
  s.events.reserve(proto.events_size());
  for (int k = 0; k < proto.events_size(); ++k) {
    ASSIGN_OR_RETURN(const Event e, EventFromProto(proto.events(k), k, s.problem.instance));
    s.events.push_back(e);
  }
  return s;
}

absl::StatusOr<std::optional<PlacementSpec>> PlacementFromProto(const v1::Placement& proto) {
  switch (proto.kind()) {
    case v1::Placement::KIND_UNSPECIFIED:
      if (proto.homes_size() > 0) {
        return absl::InvalidArgumentError(
            "placement.homes: given without placement.kind = KIND_EXPLICIT");
      }
      return std::nullopt;
    case v1::Placement::KIND_BLOCK: return PlacementSpec{PlacementKind::kBlock, {}};
    case v1::Placement::KIND_CYCLIC: return PlacementSpec{PlacementKind::kCyclic, {}};
    case v1::Placement::KIND_ZIGZAG: return PlacementSpec{PlacementKind::kZigzag, {}};
    case v1::Placement::KIND_EXPLICIT:
      return PlacementSpec{PlacementKind::kExplicit,
                           Placement(proto.homes().begin(), proto.homes().end())};
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("placement.kind = ", proto.kind(), ": not a Placement.Kind value"));
  }
}

void PlacementToProto(const std::optional<PlacementSpec>& spec, v1::Placement* proto) {
  if (!spec) return;
  switch (spec->kind) {
    case PlacementKind::kBlock: proto->set_kind(v1::Placement::KIND_BLOCK); break;
    case PlacementKind::kCyclic: proto->set_kind(v1::Placement::KIND_CYCLIC); break;
    case PlacementKind::kZigzag: proto->set_kind(v1::Placement::KIND_ZIGZAG); break;
    case PlacementKind::kExplicit:
      proto->set_kind(v1::Placement::KIND_EXPLICIT);
      proto->mutable_homes()->Assign(spec->homes.begin(), spec->homes.end());
      break;
  }
}

void ScheduleToProto(const Schedule& s, v1::Schedule* proto) {
  ProblemToProto(s.problem, proto->mutable_problem());
  const Placement homes = HeadPlacement(s.problem.instance, s.placement);
  proto->mutable_placement()->Assign(homes.begin(), homes.end());
  proto->mutable_events()->Reserve(static_cast<int>(s.events.size()));
  for (const Event& e : s.events) EventToProto(e, s.problem, proto->add_events());
}

void SummaryToProto(const Summary& s, v1::ScheduleSummary* proto) {
  ProblemToProto(s.problem, proto->mutable_problem());
  proto->set_generator(s.generator);
  proto->set_placement(s.placement);
  proto->set_placement_pinned(s.placement_pinned);
  proto->set_note(s.note);
  proto->set_redundant_transfers(s.redundant_transfers);
  proto->set_events(s.events);
  proto->set_operations(s.operations);
  proto->set_transfers(s.transfers);
  proto->set_frees(s.frees);
  proto->set_makespan_cycles(s.makespan);
  proto->set_work_cycles(s.work);
  BoundsToProto(s.bounds, proto->mutable_bounds());
  proto->set_speedup_vs_one_pe(s.speedup_vs_one_pe);
  proto->set_reduction_vs_general(s.reduction_vs_general);
  SpreadToProto(s.compute_utilisation, proto->mutable_compute_utilisation());
  SpreadToProto(s.link_utilisation, proto->mutable_link_utilisation());
  SpreadToProto(s.peak_words, proto->mutable_peak_words_per_pe());
  proto->set_valid(s.valid);
  if (s.violation) {
    v1::Violation* v = proto->mutable_violation();
    v->set_rule(std::string(RuleName(s.violation->rule)));
    v->set_cycle(s.violation->cycle);
    v->set_pe(s.violation->pe);
    v->set_event_index(s.violation->event_index);
    v->set_message(s.violation->message);
  }
  if (s.max_rel_error) proto->set_max_rel_error(*s.max_rel_error);
  proto->set_simulated_rows(s.simulated_rows);
  proto->set_key_value_link_words(s.key_value_link_words);
}

absl::StatusOr<Summary> SummaryFromProto(const v1::ScheduleSummary& proto) {
  Summary s;
  ASSIGN_OR_RETURN(s.problem, ProblemFromProto(proto.problem()));
  s.generator = proto.generator();
  s.placement = proto.placement();
  s.placement_pinned = proto.placement_pinned();
  s.note = proto.note();
  s.redundant_transfers = proto.redundant_transfers();
  s.events = proto.events();
  s.operations = proto.operations();
  s.transfers = proto.transfers();
  s.frees = proto.frees();
  s.makespan = proto.makespan_cycles();
  s.work = proto.work_cycles();
  s.bounds = BoundsFromProto(proto.bounds());
  s.valid = proto.valid();
  if (s.valid && s.bounds.work > 0) {  // as Summarize: only for valid schedules
    s.makespan_over_lb_work = static_cast<double>(s.makespan) / static_cast<double>(s.bounds.work);
  }
  s.speedup_vs_one_pe = proto.speedup_vs_one_pe();
  s.reduction_vs_general = proto.reduction_vs_general();
  s.compute_utilisation = SpreadFromProto(proto.compute_utilisation());
  s.link_utilisation = SpreadFromProto(proto.link_utilisation());
  s.peak_words = SpreadFromProto(proto.peak_words_per_pe());
  if (proto.has_violation()) {
    const v1::Violation& v = proto.violation();
    ASSIGN_OR_RETURN(const Rule rule, ParseRuleName(v.rule()));
    s.violation = Violation{rule, v.cycle(), v.pe(), v.event_index(), v.message()};
  }
  if (proto.has_max_rel_error()) s.max_rel_error = proto.max_rel_error();
  s.simulated_rows = proto.simulated_rows();
  s.key_value_link_words = proto.key_value_link_words();
  return s;
}

}  // namespace attnsched::rpc
