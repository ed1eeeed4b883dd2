#include "lib/schedule/simulator.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/model/heads.h"
#include "lib/schedule/residency.h"
#include "lib/status_macros.h"

namespace attnsched {
namespace {

SimulationInputs MakeInputs(const Instance& inst, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  const size_t size = static_cast<size_t>(inst.mask.tokens().n() * inst.d);
  SimulationInputs in;
  for (std::vector<double>* m : {&in.q, &in.k, &in.v}) {
    if (inst.shared && m != &in.q) continue;
    m->resize(size);
    for (double& x : *m) x = uniform(rng);
  }
  return in;
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

// Attention computed directly for the token rows `rows`, over the keys the mask's
// definition (Mask::AttendsByDefinition, not the runs the task graph uses) selects
// among the keys of row i's segment within the window; a row that attends no key has
// o(i) = 0. Row-major, d values per entry of `rows`. With grouped heads a key token's
// vectors are its group's (KvToken, from the head counts, not the task graph's KvRow).
absl::StatusOr<std::vector<double>> Reference(const Instance& inst, const SimulationInputs& in,
                                               const std::vector<int64_t>& rows,
                                               const Cancelled& cancelled) {
  const Mask& mask = inst.mask.tokens();
  const bool shared = inst.shared;
  const std::vector<double>& q = in.q;
  const std::vector<double>& k = shared ? in.q : in.k;
  const std::vector<double>& v = shared ? in.q : in.v;
  const int64_t d = inst.d;
  std::vector<double> out(rows.size() * static_cast<size_t>(d), 0.0);
  std::vector<double> row;
  std::vector<int64_t> keys;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (IsCancelled(cancelled)) return StoppedError("simulation");
    const int64_t i = rows[r];
    keys.clear();
    const auto [begin, end] = mask.CandidatesByDefinition(i);
    for (int64_t j = begin; j < end; ++j) {
      if (mask.AttendsByDefinition(i, j)) keys.push_back(j);
    }
    if (keys.empty()) continue;
    row.resize(keys.size());
    for (int64_t& j : keys) j = KvToken(inst, j);
    for (size_t x = 0; x < keys.size(); ++x) row[x] = Dot(&q[i * d], &k[keys[x] * d], d);
    SoftmaxInPlace(row, d);
    for (size_t x = 0; x < keys.size(); ++x) {
      for (int64_t c = 0; c < d; ++c) out[r * d + c] += row[x] * v[keys[x] * d + c];
    }
  }
  return out;
}

// The stride of the row sample (simulator.h): 1 when every score fits the budget.
int64_t SampleStride(const Mask& tokens) {
  const int64_t scores = tokens.ScoreCount();
  return scores <= kMaxSimulatedScores ? 1 : (scores + kMaxSimulatedScores - 1) / kMaxSimulatedScores;
}

}  // namespace

absl::Status CheckSimulationSize(const Problem& problem) {
  const absl::int128 words = absl::int128(problem.instance.shared ? 1 : 3) *
                             problem.mask().tokens().n() * problem.d();
  if (words <= kMaxSimulatedInputWords) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrFormat(
      "simulation: the inputs alone need %d bytes (%s n d doubles), above the limit of %d; "
      "check the schedule without simulation (CLI --nosimulate, request simulate = false) "
      "or give a smaller n or d",
      static_cast<int64_t>(words * 8), problem.instance.shared ? "" : "3", kMaxSimulatedInputWords * 8));
}

Simulation::Simulation(const Problem& problem, const Placement& placement, uint64_t seed)
    : problem_(problem),
      inst_(problem.instance),
      tokens_(inst_.mask.tokens()),
      inputs_(MakeInputs(inst_, seed)),
      residency_(problem, placement),
      row_base_(tokens_.n(), 0),
      row_slot_(tokens_.n(), kNotSampled),
      axpys_(inst_.n(), 0) {
  const int64_t stride = SampleStride(tokens_);
  int64_t size = 0;
  for (int64_t i = 0; i < tokens_.n(); ++i) {
    if (i % stride != 0 && i != tokens_.n() - 1) continue;
    row_base_[i] = size - tokens_.KeyBegin(i);
    row_slot_[i] = static_cast<int64_t>(rows_.size());
    size += tokens_.RowLength(i);
    rows_.push_back(i);
  }
  scores_.assign(size, 0.0);
  probabilities_.assign(size, 0.0);
  out_.assign(rows_.size() * static_cast<size_t>(inst_.d), 0.0);
}

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
  ASSIGN_OR_RETURN(const std::vector<double> ref, Reference(inst_, inputs_, rows_, cancelled));
  double scale = 0, err = 0;
  for (size_t c = 0; c < ref.size(); ++c) {
    scale = std::max(scale, std::abs(ref[c]));
    err = std::max(err, std::abs(out_[c] - ref[c]));
  }
  return SimulationReport{scale > 0 ? err / scale : err, static_cast<int64_t>(rows_.size()),
                          tokens_.n()};
}

absl::Status Simulation::CheckRanges(const Event& e) const {
  const bool known = e.is_op() ? InTaskGraph(inst_, e.op()) : InTaskGraph(inst_, e.item());
  if (known && e.pe >= 0 && e.pe < problem_.pes() && !(e.is_xfer() && problem_.pes() == 1)) {
    return absl::OkStatus();  // the messages below only for an event that is not
  }
  std::string why = e.is_op() ? CheckIndices(inst_, e.op()) : CheckIndices(inst_, e.item());
  if (why.empty()) why = e.is_op() ? CheckOperation(inst_, e.op()) : CheckItem(inst_, e.item());
  if (why.empty() && (e.pe < 0 || e.pe >= problem_.pes())) why = "PE out of range";
  if (why.empty() && e.is_xfer() && problem_.pes() == 1) why = "no link on 1 PE";
  if (why.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("simulator: ", DescribeEvent(problem_, e), ": ",
                                                    why, "; validate the schedule first"));
}

absl::Status Simulation::Read(const Event& e, const Item& item) const {
  const int64_t arrival = residency_.ArrivalAt(item, e.pe);
  if (arrival <= e.start) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "simulator: cycle %d: %s reads %s, which PE %d does not hold then; validate the "
      "schedule first",
      e.start, DescribeEvent(problem_, e), ItemName(inst_, item), e.pe));
}

// Each operation reads the values of the items it names, and only after Read found
// them resident on its PE; values not yet computed read as 0, so a schedule that
// reads a score before its dot gives a wrong o(i).
absl::Status Simulation::RunOp(const Event& e) {
  const Operation op = e.op();
  for (int64_t k = 0, n = OperandCount(inst_, op); k < n; ++k) {
    RETURN_IF_ERROR(Read(e, Operand(inst_, op, k)));
  }
  switch (op.kind) {
    case OpKind::kDot: RunDot(op); break;
    case OpKind::kSoftmax: RunSoftmax(op.i); break;
    case OpKind::kAxpy:
      RunAxpy(op);
      ++axpys_[op.i];
      break;
  }
  residency_.RecordResult(op, e.pe, e.start + Duration(problem_, op));
  return absl::OkStatus();
}

void Simulation::RunDot(const Operation& op) {
  const int64_t d = inst_.d;
  const std::vector<double>& q = inputs_.q;
  const std::vector<double>& k = inst_.shared ? inputs_.q : inputs_.k;
  // Rows of tile a against keys of tile b, whose vectors are those of the item the dot
  // reads (grouped heads: its group's); with shared inputs the dot serves both.
  const auto pairs = [&](int64_t a, int64_t b) {
    const int64_t shift = KeyTokenShift(b);
    for (int64_t i = inst_.mask.TileBegin(a); i < inst_.mask.TileEnd(a); ++i) {
      if (!Sampled(i)) continue;
      const int64_t begin = std::max(tokens_.KeyBegin(i), inst_.mask.TileBegin(b));
      const int64_t end = std::min(tokens_.KeyEnd(i), inst_.mask.TileEnd(b));
      for (int64_t j = begin; j < end; ++j) {
        Score(i, j) = Dot(&q[i * d], &k[(j + shift) * d], d);
      }
    }
  };
  pairs(op.i, op.j);
  if (inst_.shared && op.i != op.j) pairs(op.j, op.i);
}

void Simulation::RunSoftmax(int64_t tile) {
  for (int64_t i = inst_.mask.TileBegin(tile); i < inst_.mask.TileEnd(tile); ++i) {
    if (!Sampled(i) || tokens_.RowLength(i) == 0) continue;
    row_.assign(&Score(i, tokens_.KeyBegin(i)), &Score(i, tokens_.KeyBegin(i)) + tokens_.RowLength(i));
    SoftmaxInPlace(row_, inst_.d);
    std::copy(row_.begin(), row_.end(), &Probability(i, tokens_.KeyBegin(i)));
  }
}

void Simulation::RunAxpy(const Operation& op) {
  const int64_t d = inst_.d;
  const std::vector<double>& v = inst_.shared ? inputs_.q : inputs_.v;
  const int64_t shift = KeyTokenShift(op.j);
  for (int64_t i = inst_.mask.TileBegin(op.i); i < inst_.mask.TileEnd(op.i); ++i) {
    if (!Sampled(i)) continue;
    const int64_t begin = std::max(tokens_.KeyBegin(i), inst_.mask.TileBegin(op.j));
    const int64_t end = std::min(tokens_.KeyEnd(i), inst_.mask.TileEnd(op.j));
    double* o = &out_[static_cast<size_t>(row_slot_[i] * d)];
    for (int64_t j = begin; j < end; ++j) {
      const double p = Probability(i, j);
      for (int64_t c = 0; c < d; ++c) o[c] += p * v[(j + shift) * d + c];
    }
  }
}

absl::Status Simulation::RunXfer(const Event& e) {
  const Item item = e.item();
  RETURN_IF_ERROR(Read(e, item));
  const int32_t to = static_cast<int32_t>((e.pe + 1) % problem_.pes());
  residency_.RecordArrival(item, to, ArrivalCycle(problem_, item, e.start));
  return absl::OkStatus();
}

absl::StatusOr<SimulationReport> Simulate(EventSource& source, uint64_t seed,
                                          const Cancelled& cancelled) {
  RETURN_IF_ERROR(CheckSimulationSize(source.problem()));
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
