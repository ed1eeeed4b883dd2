#include "lib/schedule/simulator.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/schedule/residency.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

SimulationInputs MakeInputs(const Instance& inst, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  const size_t size = static_cast<size_t>(inst.n() * inst.d);
  SimulationInputs in;
  for (std::vector<double>* m : {&in.q, &in.k, &in.v}) {
    if (inst.shared && m != &in.q) continue;
    m->resize(size);
    for (double& x : *m) x = uniform(rng);
  }
  return in;
}

const std::vector<double>& Matrix(const SimulationInputs& in, ItemKind kind) {
  return kind == ItemKind::kK ? in.k : kind == ItemKind::kV ? in.v : in.q;
}

// Four partial sums: independent chains the compiler can vectorise.
double Dot(const double* a, const double* b, int64_t d) {
  double sum[4] = {0, 0, 0, 0};
  int64_t c = 0;
  for (; c + 4 <= d; c += 4) {
    for (int k = 0; k < 4; ++k) sum[k] += a[c + k] * b[c + k];
  }
  for (; c < d; ++c) sum[0] += a[c] * b[c];
  return (sum[0] + sum[1]) + (sum[2] + sum[3]);
}

// p(i, .) = softmax(s(i, .) / sqrt(d)) over the row mask.
void SoftmaxInPlace(std::vector<double>& row, int64_t d) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  double peak = -INFINITY;
  for (double s : row) peak = std::max(peak, s * scale);
  double sum = 0;
  for (double& s : row) sum += (s = std::exp(s * scale - peak));
  for (double& s : row) s /= sum;
}

// Attention computed directly, row by row, over the keys the mask's definition
// (Mask::AttendsByDefinition, not the runs the task graph uses) selects among the
// keys of row i's segment within the window; a row that attends no key has o(i) = 0.
absl::StatusOr<std::vector<double>> Reference(const Instance& inst, const SimulationInputs& in,
                                               const Cancelled& cancelled) {
  const bool shared = inst.shared;
  const std::vector<double>& q = in.q;
  const std::vector<double>& k = shared ? in.q : in.k;
  const std::vector<double>& v = shared ? in.q : in.v;
  const int64_t d = inst.d;
  std::vector<double> out(static_cast<size_t>(inst.n() * d), 0.0);
  std::vector<double> row;
  std::vector<int64_t> keys;
  for (int64_t i = 0; i < inst.n(); ++i) {
    if (IsCancelled(cancelled)) return StoppedError("simulation");
    keys.clear();
    const auto [begin, end] = inst.mask.CandidatesByDefinition(i);
    for (int64_t j = begin; j < end; ++j) {
      if (inst.mask.AttendsByDefinition(i, j)) keys.push_back(j);
    }
    if (keys.empty()) continue;
    row.resize(keys.size());
    for (size_t x = 0; x < keys.size(); ++x) row[x] = Dot(&q[i * d], &k[keys[x] * d], d);
    SoftmaxInPlace(row, d);
    for (size_t x = 0; x < keys.size(); ++x) {
      for (int64_t c = 0; c < d; ++c) out[i * d + c] += row[x] * v[keys[x] * d + c];
    }
  }
  return out;
}

}  // namespace

Simulation::Simulation(const Problem& problem, const Placement& placement, uint64_t seed)
    : problem_(problem),
      inst_(problem.instance),
      inputs_(MakeInputs(inst_, seed)),
      residency_(problem, placement),
      scores_(CountOperations(inst_).dots, 0.0),
      p_rows_(inst_.n()),
      out_(static_cast<size_t>(inst_.n() * inst_.d), 0.0),
      axpys_(inst_.n(), 0) {}

Simulation::~Simulation() = default;

absl::Status Simulation::Apply(const Event& e) {
  RETURN_IF_ERROR(CheckRanges(e));
  if (e.is_free()) {  // a PE that frees an item no longer reads it (Read checks)
    residency_.Free(e.item(), e.pe);
    return absl::OkStatus();
  }
  return e.is_op() ? RunOp(e) : RunXfer(e);
}

absl::StatusOr<SimulationReport> Simulation::Finish(const Cancelled& cancelled) {
  for (int32_t i = 0; i < inst_.n(); ++i) {
    if (axpys_[i] != inst_.mask.RowLength(i)) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "simulator: row %d received %d of its %d axpys; validate the schedule first", i,
          axpys_[i], inst_.mask.RowLength(i)));
    }
  }
  ASSIGN_OR_RETURN(const std::vector<double> ref, Reference(inst_, inputs_, cancelled));
  double scale = 0, err = 0;
  for (size_t c = 0; c < ref.size(); ++c) {
    scale = std::max(scale, std::abs(ref[c]));
    err = std::max(err, std::abs(out_[c] - ref[c]));
  }
  return SimulationReport{scale > 0 ? err / scale : err};
}

absl::Status Simulation::CheckRanges(const Event& e) const {
  std::string why = e.is_op() ? CheckIndices(inst_, e.op()) : CheckIndices(inst_, e.item());
  if (why.empty()) why = e.is_op() ? CheckOperation(inst_, e.op()) : CheckItem(inst_, e.item());
  if (why.empty() && (e.pe < 0 || e.pe >= problem_.pes())) why = "PE out of range";
  if (why.empty() && e.is_xfer() && problem_.pes() == 1) why = "no link on 1 PE";
  if (why.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "simulator: ", DescribeEvent(e, problem_.pes()), ": ", why,
      "; validate the schedule first"));
}

const double* Simulation::Value(const Item& item) const {
  switch (item.kind) {
    case ItemKind::kS: return &scores_[ScoreIndex(inst_, item)];
    case ItemKind::kP: return &p_rows_[item.i][item.j - inst_.mask.KeyBegin(item.i)];
    default: return &Matrix(inputs_, item.kind)[static_cast<size_t>(item.i * inst_.d)];
  }
}

absl::StatusOr<const double*> Simulation::Read(const Event& e, const Item& item) const {
  const int64_t arrival = residency_.ArrivalAt(item, e.pe);
  if (arrival <= e.start) return Value(item);
  return absl::FailedPreconditionError(absl::StrFormat(
      "simulator: cycle %d: %s reads %s, which PE %d does not hold then; validate the "
      "schedule first",
      e.start, DescribeEvent(e, problem_.pes()), ItemName(item), e.pe));
}

absl::Status Simulation::RunOp(const Event& e) {
  const Operation op = e.op();
  const int64_t d = inst_.d;
  operand_.resize(OperandCount(inst_, op));
  for (size_t k = 0; k < operand_.size(); ++k) {
    ASSIGN_OR_RETURN(operand_[k], Read(e, Operand(inst_, op, k)));
  }
  switch (op.kind) {
    case OpKind::kDot:
      scores_[ScoreIndex(inst_, ScoreItem(inst_, op.i, op.j))] = Dot(operand_[0], operand_[1], d);
      break;
    case OpKind::kSoftmax: {
      std::vector<double>& row = p_rows_[op.i];
      row.resize(operand_.size());
      for (size_t j = 0; j < row.size(); ++j) row[j] = *operand_[j];
      SoftmaxInPlace(row, d);
      break;
    }
    case OpKind::kAxpy: {
      const double p = *operand_[0];
      double* o = &out_[static_cast<size_t>(op.i * d)];
      for (int64_t c = 0; c < d; ++c) o[c] += p * operand_[1][c];
      ++axpys_[op.i];
      break;
    }
  }
  residency_.RecordResult(op, e.pe, e.start + Duration(problem_, op));
  return absl::OkStatus();
}

absl::Status Simulation::RunXfer(const Event& e) {
  const Item item = e.item();
  RETURN_IF_ERROR(Read(e, item).status());
  const int32_t to = static_cast<int32_t>((e.pe + 1) % problem_.pes());
  residency_.RecordArrival(item, to, ArrivalCycle(problem_, item.kind, e.start));
  return absl::OkStatus();
}

absl::StatusOr<SimulationReport> Simulate(EventSource& source, uint64_t seed,
                                          const Cancelled& cancelled) {
  Simulation simulation(source.problem(), source.placement(), seed);
  int64_t seen = 0;
  for (; source.Valid(); source.Next()) {
    if (++seen % kCancellationPollEvents == 0 && IsCancelled(cancelled)) {
      return StoppedError("simulation");
    }
    RETURN_IF_ERROR(simulation.Apply(source.event()));
  }
  RETURN_IF_ERROR(source.status());
  return simulation.Finish(cancelled);
}

}  // namespace attnsched
