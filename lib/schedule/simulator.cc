#include "lib/schedule/simulator.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/schedule/residency.h"

namespace attnsched {
namespace {

// Row-major n x d matrices of the input vectors; shared uses only q as x.
struct Inputs {
  std::vector<double> q, k, v;
};

Inputs MakeInputs(const Instance& inst, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  const size_t size = static_cast<size_t>(inst.n * inst.d);
  Inputs in;
  for (std::vector<double>* m : {&in.q, &in.k, &in.v}) {
    if (inst.scheme == Scheme::kShared && m != &in.q) continue;
    m->resize(size);
    for (double& x : *m) x = uniform(rng);
  }
  return in;
}

const std::vector<double>& Matrix(const Inputs& in, ItemKind kind) {
  return kind == ItemKind::kK ? in.k : kind == ItemKind::kV ? in.v : in.q;
}

double Dot(const double* a, const double* b, int64_t d) {
  double sum = 0;
  for (int64_t c = 0; c < d; ++c) sum += a[c] * b[c];
  return sum;
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

// Attention computed directly, row by row.
std::vector<double> Reference(const Instance& inst, const Inputs& in) {
  const bool shared = inst.scheme == Scheme::kShared;
  const std::vector<double>& q = in.q;
  const std::vector<double>& k = shared ? in.q : in.k;
  const std::vector<double>& v = shared ? in.q : in.v;
  const int64_t d = inst.d;
  std::vector<double> out(static_cast<size_t>(inst.n * d), 0.0);
  std::vector<double> row;
  for (int64_t i = 0; i < inst.n; ++i) {
    row.resize(RowLength(inst, i));
    for (int64_t j = 0; j < static_cast<int64_t>(row.size()); ++j) {
      row[j] = Dot(&q[i * d], &k[j * d], d);
    }
    SoftmaxInPlace(row, d);
    for (int64_t j = 0; j < static_cast<int64_t>(row.size()); ++j) {
      for (int64_t c = 0; c < d; ++c) out[i * d + c] += row[j] * v[j * d + c];
    }
  }
  return out;
}

// What each PE holds: vectors as pointers to the (immutable) input rows, scalars as
// values, and p(i, .) at h(i) as the row softmax(i) produced.
class Holdings {
 public:
  Holdings(const Schedule& s, const Inputs& in)
      : inst_(s.problem.instance), placement_(s.placement), in_(in), p_rows_(inst_.n) {}

  const double* Vector(const Item& item, int32_t pe) const {
    if (IsInputOf(inst_, item.kind) && placement_[item.i] == pe) {
      return &Matrix(in_, item.kind)[static_cast<size_t>(item.i * inst_.d)];
    }
    auto it = vectors_.find(ResidencyKey(item, pe));
    return it == vectors_.end() ? nullptr : it->second;
  }
  const double* Scalar(const Item& item, int32_t pe) const {
    if (item.kind == ItemKind::kP && placement_[item.i] == pe && !p_rows_[item.i].empty()) {
      return &p_rows_[item.i][item.j];
    }
    auto it = scalars_.find(ResidencyKey(item, pe));
    return it == scalars_.end() ? nullptr : &it->second;
  }
  const double* Get(const Item& item, int32_t pe) const {
    return IsVector(item.kind) ? Vector(item, pe) : Scalar(item, pe);
  }
  void PutVector(const Item& item, int32_t pe, const double* v) {
    vectors_[ResidencyKey(item, pe)] = v;
  }
  void PutScalar(const Item& item, int32_t pe, double v) { scalars_[ResidencyKey(item, pe)] = v; }
  void PutRow(int32_t i, std::vector<double> p) { p_rows_[i] = std::move(p); }

 private:
  const Instance& inst_;
  const Placement& placement_;
  const Inputs& in_;
  std::vector<std::vector<double>> p_rows_;
  absl::flat_hash_map<uint64_t, const double*> vectors_;
  absl::flat_hash_map<uint64_t, double> scalars_;
};

class SimulatorRun {
 public:
  SimulatorRun(const Schedule& s, const Inputs& in)
      : s_(s), inst_(s.problem.instance), holdings_(s, in),
        out_(static_cast<size_t>(inst_.n * inst_.d), 0.0), axpys_(inst_.n, 0) {}

  absl::StatusOr<std::vector<double>> Run() {
    absl::Status status;
    ForEachInStartOrder(s_.events, [&](int64_t, const Event& e) {
      status = e.is_op() ? RunOp(e) : RunXfer(e);
      return status.ok();
    });
    if (!status.ok()) return status;
    for (int32_t i = 0; i < inst_.n; ++i) {
      if (axpys_[i] != RowLength(inst_, i)) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "simulator: row %d received %d of its %d axpys; validate the schedule first", i,
            axpys_[i], RowLength(inst_, i)));
      }
    }
    return std::move(out_);
  }

 private:
  absl::StatusOr<const double*> Read(const Event& e, const Item& item) const {
    if (const double* v = holdings_.Get(item, e.pe)) return v;
    return absl::FailedPreconditionError(absl::StrFormat(
        "simulator: cycle %d: %s reads %s, which PE %d does not hold; validate the schedule "
        "first",
        e.start, DescribeEvent(e, s_.problem.pes()), ItemName(item), e.pe));
  }

  absl::Status RunOp(const Event& e) {
    const Operation op = e.op();
    const int64_t d = inst_.d;
    std::vector<const double*>& operand = operand_;  // reused: no allocation per event
    operand.resize(OperandCount(inst_, op));
    for (size_t k = 0; k < operand.size(); ++k) {
      absl::StatusOr<const double*> v = Read(e, Operand(inst_, op, k));
      if (!v.ok()) return v.status();
      operand[k] = *v;
    }
    switch (op.kind) {
      case OpKind::kDot:
        holdings_.PutScalar(ScoreItem(inst_, op.i, op.j), e.pe, Dot(operand[0], operand[1], d));
        break;
      case OpKind::kSoftmax: {
        std::vector<double> row(operand.size());
        for (size_t j = 0; j < row.size(); ++j) row[j] = *operand[j];
        SoftmaxInPlace(row, d);
        holdings_.PutRow(op.i, std::move(row));
        break;
      }
      case OpKind::kAxpy: {
        const double p = *operand[0];
        double* o = &out_[static_cast<size_t>(op.i * d)];
        for (int64_t c = 0; c < d; ++c) o[c] += p * operand[1][c];
        ++axpys_[op.i];
        break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status RunXfer(const Event& e) {
    const Item item = e.item();
    absl::StatusOr<const double*> v = Read(e, item);
    if (!v.ok()) return v.status();
    const int32_t to = static_cast<int32_t>((e.pe + 1) % s_.problem.pes());
    if (IsVector(item.kind)) {
      holdings_.PutVector(item, to, *v);
    } else {
      holdings_.PutScalar(item, to, **v);
    }
    return absl::OkStatus();
  }

  const Schedule& s_;
  const Instance& inst_;
  Holdings holdings_;
  std::vector<double> out_;
  std::vector<int64_t> axpys_;
  std::vector<const double*> operand_;
};

}  // namespace

absl::StatusOr<SimulationReport> Simulate(const Schedule& schedule, uint64_t seed) {
  const Inputs in = MakeInputs(schedule.problem.instance, seed);
  absl::StatusOr<std::vector<double>> out = SimulatorRun(schedule, in).Run();
  if (!out.ok()) return out.status();
  const std::vector<double> ref = Reference(schedule.problem.instance, in);
  double scale = 0, err = 0;
  for (size_t c = 0; c < ref.size(); ++c) {
    scale = std::max(scale, std::abs(ref[c]));
    err = std::max(err, std::abs((*out)[c] - ref[c]));
  }
  return SimulationReport{scale > 0 ? err / scale : err};
}

}  // namespace attnsched
