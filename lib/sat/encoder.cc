#include "lib/sat/encoder.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_format.h"
#include "lib/model/bounds.h"
#include "lib/model/task_graph.h"
#include "lib/schedule/relabel.h"
#include "lib/sat/cardinality.h"
#include "lib/status_macros.h"

namespace attnsched::sat {
namespace {

bool IsHomeOp(OpKind kind) { return kind != OpKind::kDot; }

// Calls f(i, j) for each j in M(i), row by row.
template <typename F>
void ForEachPair(const Mask& mask, F f) {
  for (int32_t i = 0; i < mask.n(); ++i) {
    for (int32_t j = static_cast<int32_t>(mask.KeyBegin(i)); j < mask.KeyEnd(i); ++j) f(i, j);
  }
}

// Calls f(i, j) for each score s(i,j) of the task graph (shared: the related pairs
// i <= j, column by column).
template <typename F>
void ForEachScore(const Instance& inst, F f) {
  if (!inst.shared) return ForEachPair(inst.mask, f);
  for (int32_t j = 0; j < inst.n(); ++j) {
    if (inst.mask.RowLength(j) == 0) continue;
    for (int32_t i = static_cast<int32_t>(inst.mask.KeyBegin(j)); i <= j; ++i) f(i, j);
  }
}

// All operations of the task graph, dots first, then softmaxes, then axpys.
std::vector<Operation> AllOperations(const Instance& inst) {
  std::vector<Operation> ops;
  ForEachScore(inst, [&](int32_t i, int32_t j) { ops.push_back({OpKind::kDot, i, j}); });
  for (int32_t i = 0; i < inst.n(); ++i) {
    if (inst.mask.RowLength(i) > 0) ops.push_back({OpKind::kSoftmax, i, 0});
  }
  ForEachPair(inst.mask, [&](int32_t i, int32_t j) { ops.push_back({OpKind::kAxpy, i, j}); });
  return ops;
}

// All items that may be resident somewhere: input vectors, scores, probabilities.
std::vector<Item> AllItems(const Instance& inst) {
  std::vector<Item> items;
  for (int32_t i = 0; i < inst.n(); ++i) {
    ForEachInput(inst, i, [&](const Item& item) { items.push_back(item); });
  }
  ForEachScore(inst, [&](int32_t i, int32_t j) { items.push_back({ItemKind::kS, i, j}); });
  ForEachPair(inst.mask, [&](int32_t i, int32_t j) { items.push_back({ItemKind::kP, i, j}); });
  return items;
}

// Earliest and latest start of `op` that any schedule ending by `horizon` can use;
// `ready`: RowReady (lib/model/bounds.h) of the pinned homes, or empty (free).
std::pair<int64_t, int64_t> Window(const Problem& p, const Operation& op, int64_t horizon,
                                   bool narrow, const std::vector<int64_t>& ready) {
  const int64_t dur = Duration(p, op);
  if (!narrow) return {0, horizon - dur};
  const Costs& c = p.costs;
  auto softmax_lst = [&](int64_t row) {
    return horizon - Duration(p, {OpKind::kSoftmax, static_cast<int32_t>(row), 0}) -
           p.mask().RowLength(row) * c.c_axpy;
  };
  // A softmax waits for its row's scores: at least one dot, or RowReady with homes.
  const int64_t row_ready = ready.empty() ? c.c_dot : ready[op.i];
  switch (op.kind) {
    case OpKind::kDot: {
      // Before the softmax of the rows that read the score. With shared inputs that is
      // the earlier of rows i and j: when one of them does not read it (a causal
      // segment, i < j), that row is not the longer one (|M(i)| <= |M(j)|), so its
      // deadline is not the earlier.
      int64_t lst = softmax_lst(op.i) - c.c_dot;
      if (p.instance.shared) lst = std::min(lst, softmax_lst(op.j) - c.c_dot);
      return {0, lst};
    }
    case OpKind::kSoftmax: return {row_ready, softmax_lst(op.i)};
    case OpKind::kAxpy:
      return {row_ready + Duration(p, {OpKind::kSoftmax, op.i, 0}), horizon - c.c_axpy};
  }
  return {0, -1};
}

}  // namespace

SizeEstimate EstimateSize(const Problem& p, const EncodeOptions& options) {
  // In double: the products overflow 64 bits for large instances, which are exactly
  // the ones this estimate must refuse.
  const double m = static_cast<double>(p.pes()), h = static_cast<double>(options.horizon);
  const OperationCounts ops = CountOperations(p.instance);
  const double total = static_cast<double>(ops.total());
  const double items = static_cast<double>(p.n() * (p.instance.shared ? 1 : 3) +
                                           ops.dots + ops.axpys);
  const double x = total * m * h;
  const double ry = items * m * h * 2;
  // Per x: exactly-one, operands (softmax: |M(i)|), result, makespan; per r/y: ~3;
  // capacities: ~3 per literal in a cycle's at-most-one (duration literals per x).
  const double operand_clauses = static_cast<double>(ops.dots + ops.axpys) * 3 * m * h;
  // Counting constraints: a counter of (home operations) x (cycles left) per
  // counted cycle, spread over the PEs.
  const double counted = options.counting_stride > 0 && options.placement
                             ? static_cast<double>(p.n() + ops.axpys) * h * h /
                                   static_cast<double>(options.counting_stride)
                             : 0;
  const double variables = x + ry + h + 2 * m * h + counted;
  const double clauses = 4 * x + operand_clauses + 3 * ry +
                        3 * (x + ry) * static_cast<double>(std::max<int64_t>(p.d(), 1)) +
                        3 * counted;
  auto clamp = [](double v) {
    return v >= 9e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(v);
  };
  return SizeEstimate{clamp(variables), clamp(clauses)};
}

class EncoderRun {
 public:
  EncoderRun(const Problem& problem, const EncodeOptions& options, const Cancelled& stop,
             Encoding& e)
      : p_(problem),
        inst_(problem.instance),
        o_(options),
        stop_(stop),
        e_(e),
        m_(problem.pes()),
        h_(options.horizon) {}

  // False when `stop` turned true (polled between the steps and per operation, item,
  // (PE, cycle) or counted cycle within them): the formula is then incomplete.
  bool Run() {
    e_.problem_ = p_;
    e_.horizon_ = h_;
    e_.placement_ = o_.placement;
    using Step = void (EncoderRun::*)();
    for (const Step step :
         {&EncoderRun::MakeHomeVars, &EncoderRun::MakeOpVars, &EncoderRun::MakeItemVars,
          &EncoderRun::AddOperationClauses, &EncoderRun::AddCapacityClauses,
          &EncoderRun::AddResidencyClauses, &EncoderRun::AddMakespanLadder,
          &EncoderRun::AddSymmetryBreaking, &EncoderRun::AddCountingConstraints}) {
      (this->*step)();
      if (Stopped()) return false;
    }
    return true;
  }

 private:
  bool Stopped() {
    stopped_ = stopped_ || IsCancelled(stop_);
    return stopped_;
  }
  Cnf& cnf() { return e_.cnf_; }
  bool Free() const { return !o_.placement.has_value(); }

  int X(const Encoding::OpVars& v, int64_t pe, int64_t t) const {
    return Encoding::StartVar(v, pe, t);
  }
  int R(const Encoding::ItemVars& v, int64_t pe, int64_t t) const {
    return v.r_base + static_cast<int>(pe * h_ + t);
  }
  int Y(const Encoding::ItemVars& v, int64_t link, int64_t t) const {
    return Encoding::SendVar(v, link, t);
  }
  const Encoding::OpVars& OpOf(const Operation& op) const {
    return e_.ops_[e_.op_index_[e_.OpKey(op)]];
  }
  const Encoding::ItemVars& ItemOf(const Item& item) const {
    return e_.items_[e_.item_index_[e_.ItemKey(item)]];
  }

  void MakeHomeVars() {
    if (!Free()) return;
    e_.home_.resize(inst_.n() * m_);
    for (int& v : e_.home_) v = cnf().NewVar();
    for (int64_t i = 0; i < inst_.n(); ++i) {
      ExactlyOne(cnf(), std::span<const int>(&e_.home_[i * m_], m_));
    }
    // Heads: a token's rows in every head share its home (lib/model/heads.h); with
    // exactly one home each, h(row) = p implying h(token) = p makes them equal.
    const int64_t rows = inst_.rows_per_head();
    for (int64_t r = rows; r < inst_.n(); ++r) {
      for (int64_t p = 0; p < m_; ++p) {
        cnf().AddClause({-e_.home_[r * m_ + p], e_.home_[(r % rows) * m_ + p]});
      }
    }
    if (!o_.symmetry_breaking) return;
    // Rotating a free placement around the ring maps schedules onto schedules.
    cnf().AddClause({e_.home_[0]});
    // General and shared: relabeling the tokens does too (lib/schedule/relabel.h),
    // so the homes can be taken non-decreasing: h(i) = q > p forbids h(i+1) = p.
    // Together with the rotation: rotate first, then sort (token 0 stays on PE 0).
    if (!TokensInterchangeable(inst_)) return;
    for (int64_t i = 0; i + 1 < inst_.n(); ++i) {
      for (int64_t q = 1; q < m_; ++q) {
        for (int64_t p = 0; p < q; ++p) {
          cnf().AddClause({-e_.home_[i * m_ + q], -e_.home_[(i + 1) * m_ + p]});
        }
      }
    }
  }

  void MakeOpVars() {
    const std::vector<Operation> ops = AllOperations(inst_);
    e_.op_index_.assign(3 * inst_.n() * inst_.n(), -1);
    const std::vector<int64_t> ready =
        Free() ? std::vector<int64_t>{} : RowReady(p_, *o_.placement);
    for (const Operation& op : ops) {
      Encoding::OpVars v;
      v.op = op;
      v.duration = Duration(p_, op);
      std::tie(v.est, v.lst) = Window(p_, op, h_, o_.time_windows, ready);
      v.est = std::max<int64_t>(v.est, 0);
      const bool pinned_home = IsHomeOp(op.kind) && !Free();
      v.first_pe = pinned_home ? (*o_.placement)[op.i] : 0;
      v.pe_count = pinned_home ? 1 : static_cast<int32_t>(m_);
      v.base = cnf().num_vars() + 1;
      if (v.lst >= v.est) {
        for (int64_t k = 0; k < v.pe_count * (v.lst - v.est + 1); ++k) cnf().NewVar();
      }
      e_.op_index_[e_.OpKey(op)] = static_cast<int32_t>(e_.ops_.size());
      e_.ops_.push_back(v);
    }
  }

  void MakeItemVars() {
    e_.item_index_.assign(6 * inst_.n() * inst_.n(), -1);
    for (const Item& item : AllItems(inst_)) {
      Encoding::ItemVars v;
      v.item = item;
      v.duration = TransferDuration(p_, item);
      v.delay = ArrivalCycle(p_, item, 0);
      v.r_base = cnf().num_vars() + 1;
      for (int64_t k = 0; k < m_ * h_; ++k) cnf().NewVar();
      const bool moves = m_ > 1 && (item.kind != ItemKind::kP || o_.transfer_p);
      v.y_window = moves ? std::max<int64_t>(h_ - v.duration + 1, 0) : 0;
      if (v.y_window > 0) {
        v.y_base = cnf().num_vars() + 1;
        for (int64_t k = 0; k < m_ * v.y_window; ++k) cnf().NewVar();
      }
      e_.item_index_[e_.ItemKey(item)] = static_cast<int32_t>(e_.items_.size());
      e_.items_.push_back(v);
    }
  }

  // Exactly one start; operands resident; results resident after; home.
  void AddOperationClauses() {
    std::vector<int> starts;
    for (const Encoding::OpVars& v : e_.ops_) {
      if (Stopped()) return;
      starts.clear();
      const int64_t operands = OperandCount(inst_, v.op);
      for (int64_t pe = v.first_pe; pe < v.first_pe + v.pe_count; ++pe) {
        for (int64_t t = v.est; t <= v.lst; ++t) {
          const int x = X(v, pe, t);
          starts.push_back(x);
          for (int64_t k = 0; k < operands; ++k) {
            cnf().AddClause({-x, R(ItemOf(Operand(inst_, v.op, k)), pe, t)});
          }
          AddResultClauses(v, x, pe, t + v.duration);
          if (IsHomeOp(v.op.kind) && Free()) cnf().AddClause({-x, e_.home_[v.op.i * m_ + pe]});
        }
      }
      ExactlyOne(cnf(), starts);  // an empty window gives the empty clause
    }
  }

  void AddResultClauses(const Encoding::OpVars& v, int x, int64_t pe, int64_t end) {
    if (end >= h_) return;
    if (v.op.kind == OpKind::kDot) {
      cnf().AddClause({-x, R(ItemOf(ScoreItem(inst_, v.op.i, v.op.j)), pe, end)});
    } else if (v.op.kind == OpKind::kSoftmax) {
      for (int32_t j = static_cast<int32_t>(inst_.mask.KeyBegin(v.op.i));
           j < inst_.mask.KeyEnd(v.op.i); ++j) {
        cnf().AddClause({-x, R(ItemOf({ItemKind::kP, v.op.i, j}), pe, end)});
      }
    }
  }

  // At most one operation per (PE, cycle) and one transfer per (link, cycle).
  void AddCapacityClauses() {
    std::vector<std::vector<int>> busy(m_ * h_);
    for (const Encoding::OpVars& v : e_.ops_) {
      for (int64_t pe = v.first_pe; pe < v.first_pe + v.pe_count; ++pe) {
        for (int64_t t = v.est; t <= v.lst; ++t) {
          for (int64_t c = t; c < t + v.duration; ++c) busy[pe * h_ + c].push_back(X(v, pe, t));
        }
      }
    }
    for (const auto& lits : busy) {
      if (Stopped()) return;
      AtMostOne(cnf(), lits);
    }
    if (m_ < 2) return;
    for (auto& lits : busy) lits.clear();
    for (const Encoding::ItemVars& v : e_.items_) {
      for (int64_t link = 0; link < m_; ++link) {
        for (int64_t t = 0; t < v.y_window; ++t) {
          for (int64_t c = t; c < t + v.duration; ++c) busy[link * h_ + c].push_back(Y(v, link, t));
        }
      }
    }
    for (const auto& lits : busy) {
      if (Stopped()) return;
      AtMostOne(cnf(), lits);
    }
  }

  // The variable whose truth makes `item` appear on `pe` at cycle t (result of the
  // operation that produces it, ending at t), or 0.
  int ProducedAt(const Item& item, int64_t pe, int64_t t) const {
    if (item.kind == ItemKind::kS) {
      const Operation dot{OpKind::kDot, item.i, item.j};
      return X(OpOf(dot), pe, t - p_.costs.c_dot);
    }
    if (item.kind == ItemKind::kP) {
      const Encoding::OpVars& sm = OpOf({OpKind::kSoftmax, item.i, 0});
      return X(sm, pe, t - sm.duration);
    }
    return 0;
  }

  void AddResidencyClauses() {
    std::vector<int> why;
    for (const Encoding::ItemVars& v : e_.items_) {
      if (Stopped()) return;
      const bool input = IsVector(v.item.kind);
      for (int64_t pe = 0; pe < m_; ++pe) {
        const int r0 = R(v, pe, 0);
        if (input && Free()) {
          cnf().AddClause({-r0, e_.home_[v.item.i * m_ + pe]});
          cnf().AddClause({r0, -e_.home_[v.item.i * m_ + pe]});
        } else {
          const bool home = input && (*o_.placement)[v.item.i] == pe;
          cnf().AddClause({home ? r0 : -r0});
        }
        const int64_t from = (pe + m_ - 1) % m_;
        for (int64_t t = 1; t < h_; ++t) {
          const int r = R(v, pe, t), before = R(v, pe, t - 1);
          cnf().AddClause({-before, r});  // an item stays resident
          why.assign({-r, before});
          if (int arrived = Y(v, from, t - v.delay)) why.push_back(arrived);
          if (int produced = ProducedAt(v.item, pe, t)) why.push_back(produced);
          cnf().AddClause(why);
        }
        for (int64_t t = 0; t < v.y_window; ++t) {
          const int y = Y(v, pe, t);
          cnf().AddClause({-y, R(v, pe, t)});  // the sender holds it
          if (t + v.delay < h_) cnf().AddClause({-y, R(v, (pe + 1) % m_, t + v.delay)});
        }
      }
    }
  }

  // E[t]: some operation occupies cycle t or later.
  void AddMakespanLadder() {
    e_.makespan_above_.resize(h_);
    for (int& v : e_.makespan_above_) v = cnf().NewVar();
    for (int64_t t = 1; t < h_; ++t) {
      cnf().AddClause({-e_.makespan_above_[t], e_.makespan_above_[t - 1]});
    }
    for (const Encoding::OpVars& v : e_.ops_) {
      if (Stopped()) return;
      for (int64_t pe = v.first_pe; pe < v.first_pe + v.pe_count; ++pe) {
        for (int64_t t = v.est; t <= v.lst; ++t) {
          cnf().AddClause({-X(v, pe, t), e_.makespan_above_[t + v.duration - 1]});
        }
      }
    }
  }

  // late[t] of an operation pinned to `pe`: it starts at cycle t or later (implied by
  // its start variables; false is always allowed when it starts earlier).
  std::vector<int> LateLadder(const Encoding::OpVars& v, int64_t pe) {
    std::vector<int> late(h_ + 1, 0);
    late[h_] = cnf().NewVar();
    cnf().AddClause({-late[h_]});
    for (int64_t t = h_ - 1; t >= 0; --t) {
      late[t] = cnf().NewVar();
      cnf().AddClause({-late[t + 1], late[t]});
      if (const int x = X(v, pe, t)) cnf().AddClause({-x, late[t]});
    }
    return late;
  }

  // For each PE with home operations (pinned placement): a weighted sequential
  // counter over the late literals at cycle t; "at least k cycles of home work start
  // at or after t" implies E[t + k - 1]. Sound: one unit runs them one at a time.
  void AddCountingConstraints() {
    if (o_.counting_stride <= 0 || Free()) return;
    std::vector<std::vector<const Encoding::OpVars*>> home_ops(m_);
    for (const Encoding::OpVars& v : e_.ops_) {
      if (IsHomeOp(v.op.kind) && v.lst >= v.est) home_ops[v.first_pe].push_back(&v);
    }
    for (int64_t pe = 0; pe < m_; ++pe) {
      std::vector<std::vector<int>> late;
      for (const Encoding::OpVars* v : home_ops[pe]) late.push_back(LateLadder(*v, pe));
      for (int64_t t = 0; t < h_; t += o_.counting_stride) {
        if (Stopped()) return;
        const int64_t cap = h_ - t;  // at most this many cycles fit
        std::vector<int> prev(cap + 2, 0), cur(cap + 2, 0);  // prev[k]: >= k so far
        for (size_t i = 0; i < late.size(); ++i) {
          const int64_t w = home_ops[pe][i]->duration;
          const int lit = late[i][t];
          for (int64_t k = 1; k <= cap + 1; ++k) {
            const int keep = prev[k];
            const int add = k - w <= 0 ? -1 : prev[k - w];  // -1: trivially true
            if (keep == 0 && add == 0) {
              cur[k] = 0;
              continue;
            }
            cur[k] = cnf().NewVar();
            if (keep != 0) cnf().AddClause({-keep, cur[k]});
            if (add == -1) {
              cnf().AddClause({-lit, cur[k]});
            } else if (add != 0) {
              cnf().AddClause({-lit, -add, cur[k]});
            }
          }
          prev.swap(cur);
        }
        for (int64_t k = 1; k <= cap + 1; ++k) {
          if (prev[k] == 0) continue;
          if (t + k - 1 < h_) {
            cnf().AddClause({-prev[k], e_.makespan_above_[t + k - 1]});
          } else {
            cnf().AddClause({-prev[k]});
          }
        }
      }
    }
  }

  // Tokens of one home are interchangeable in the general and shared schemes:
  // swapping two of them maps the task graph and the homes onto themselves. Order
  // them by softmax start. Unsound for causal (the mask tells tokens apart). A free
  // placement has its homes sorted (MakeHomeVars), so the tokens of a home are
  // consecutive there.
  void AddSymmetryBreaking() {
    if (!o_.symmetry_breaking || !TokensInterchangeable(inst_)) return;
    if (Free()) {
      for (int32_t i = 0; i + 1 < inst_.n(); ++i) SoftmaxBefore(i, i + 1);
      return;
    }
    std::vector<int32_t> last_of_home(m_, -1);
    for (int32_t i = 0; i < inst_.n(); ++i) {
      const int32_t home = (*o_.placement)[i];
      if (last_of_home[home] >= 0) SoftmaxBefore(last_of_home[home], i);
      last_of_home[home] = i;
    }
  }

  // If tokens a and b share a home, softmax(a) starts before softmax(b) (both run
  // there).
  void SoftmaxBefore(int32_t a, int32_t b) {
    const Encoding::OpVars& va = OpOf({OpKind::kSoftmax, a, 0});
    const Encoding::OpVars& vb = OpOf({OpKind::kSoftmax, b, 0});
    // started[t]: softmax(a) started at or before t.
    std::vector<int> started(h_);
    std::vector<int> why;
    for (int64_t t = 0; t < h_; ++t) {
      started[t] = cnf().NewVar();
      why.assign({-started[t]});
      if (t > 0) {
        cnf().AddClause({-started[t - 1], started[t]});
        why.push_back(started[t - 1]);
      }
      for (int64_t pe = va.first_pe; pe < va.first_pe + va.pe_count; ++pe) {
        const int x = X(va, pe, t);
        if (x == 0) continue;
        cnf().AddClause({-x, started[t]});
        why.push_back(x);
      }
      cnf().AddClause(why);
    }
    for (int64_t pe = vb.first_pe; pe < vb.first_pe + vb.pe_count; ++pe) {
      for (int64_t t = vb.est; t <= vb.lst; ++t) {
        std::vector<int> clause{-X(vb, pe, t)};
        if (Free()) clause.push_back(-e_.home_[a * m_ + pe]);
        if (t > 0) clause.push_back(started[t - 1]);
        cnf().AddClause(clause);
      }
    }
  }

  const Problem& p_;
  const Instance& inst_;
  const EncodeOptions& o_;
  const Cancelled& stop_;
  bool stopped_ = false;
  Encoding& e_;
  const int64_t m_, h_;
};

int64_t Encoding::OpKey(const Operation& op) const {
  const int64_t n = problem_.n();
  return (static_cast<int64_t>(op.kind) * n + op.i) * n + op.j;
}

int64_t Encoding::ItemKey(const Item& item) const {
  const int64_t n = problem_.n();
  return (static_cast<int64_t>(item.kind) * n + item.i) * n + item.j;
}

int Encoding::StartVar(const OpVars& v, int64_t pe, int64_t t) {
  if (pe < v.first_pe || pe >= v.first_pe + v.pe_count || t < v.est || t > v.lst) return 0;
  return v.base + static_cast<int>((pe - v.first_pe) * (v.lst - v.est + 1) + (t - v.est));
}

int Encoding::SendVar(const ItemVars& v, int64_t link, int64_t t) {
  if (v.y_base == 0 || t < 0 || t >= v.y_window) return 0;
  return v.y_base + static_cast<int>(link * v.y_window + t);
}

int Encoding::OpVar(const Operation& op, int64_t pe, int64_t t) const {
  if (!CheckIndices(problem_.instance, op).empty() || !CheckOperation(problem_.instance, op).empty()) {
    return 0;
  }
  const int32_t index = op_index_[OpKey(op)];
  return index < 0 ? 0 : StartVar(ops_[index], pe, t);
}

int Encoding::XferVar(const Item& item, int64_t pe, int64_t t) const {
  if (!CheckIndices(problem_.instance, item).empty() ||
      !CheckItem(problem_.instance, item).empty() || pe < 0 || pe >= problem_.pes()) {
    return 0;
  }
  const int32_t index = item_index_[ItemKey(item)];
  return index < 0 ? 0 : SendVar(items_[index], pe, t);
}

void Encoding::ForEachEventVar(const std::function<void(int)>& fn) const {
  for (const OpVars& v : ops_) {
    if (v.lst < v.est) continue;
    for (int64_t k = 0; k < v.pe_count * (v.lst - v.est + 1); ++k) fn(v.base + static_cast<int>(k));
  }
  for (const ItemVars& v : items_) {
    if (v.y_base == 0) continue;
    for (int64_t k = 0; k < problem_.pes() * v.y_window; ++k) fn(v.y_base + static_cast<int>(k));
  }
}

Schedule Encoding::Decode(const std::function<bool(int)>& value) const {
  const int64_t m = problem_.pes();
  Schedule s{problem_, {}, {}};
  if (placement_) {
    s.placement = *placement_;
  } else {
    s.placement.resize(problem_.n());
    for (int64_t i = 0; i < problem_.n(); ++i) {
      for (int64_t p = 0; p < m; ++p) {
        if (value(home_[i * m + p])) s.placement[i] = static_cast<int32_t>(p);
      }
    }
  }
  for (const OpVars& v : ops_) {
    for (int32_t pe = v.first_pe; pe < v.first_pe + v.pe_count; ++pe) {
      for (int64_t t = v.est; t <= v.lst; ++t) {
        if (value(StartVar(v, pe, t))) s.events.push_back(Event::Op(t, pe, v.op));
      }
    }
  }
  for (const ItemVars& v : items_) {
    for (int32_t link = 0; v.y_base != 0 && link < m; ++link) {
      for (int64_t t = 0; t < v.y_window; ++t) {
        if (value(SendVar(v, link, t))) s.events.push_back(Event::Xfer(t, link, v.item));
      }
    }
  }
  SortEvents(s.events);
  return s;
}

absl::Duration EstimatedLoadTime(const SizeEstimate& size) {
  return absl::Seconds(static_cast<double>(size.clauses) / kSatClausesPerSecond);
}

absl::Duration EstimatedFreeTime(const SizeEstimate& size) {
  return absl::Seconds(static_cast<double>(size.clauses) / kSatClausesFreedPerSecond);
}

absl::Status CheckEncodable(const Problem& problem) {
  if (problem.mask().tile() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tile = ", problem.mask().tile(),
        ": the SAT engine schedules tokens, not tiles; give the instance without tiles "
        "(tile 1: an instance small enough for SAT needs none)"));
  }
  if (problem.machine.max_words_per_pe == 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "max_words_per_pe = ", problem.machine.max_words_per_pe,
      ": the SAT engine does not model storage limits; solve without one (0) and check "
      "the witness's peak words per PE"));
}

absl::Status CheckEstimate(const Problem& problem, const EncodeOptions& options,
                           const EncodeLimits& limits) {
  const SizeEstimate size = EstimateSize(problem, options);
  if (size.variables > limits.max_variables || size.clauses > limits.max_clauses) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "the SAT formula for %s with a horizon of %d cycles would have about %.3g variables "
        "and %.3g clauses, above the limits of %d variables and %d clauses; try a smaller "
        "instance (the SAT engine is for small n and m) or raise the limits (attnsched "
        "--max-sat-variables and --max-sat-clauses; attnsched-server --max_sat_variables "
        "and --max_sat_clauses)",
        Describe(problem), options.horizon, static_cast<double>(size.variables),
        static_cast<double>(size.clauses), limits.max_variables, limits.max_clauses));
  }
  const double bytes = static_cast<double>(size.clauses) * kSatBytesPerClause;
  if (bytes <= static_cast<double>(limits.max_bytes)) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrFormat(
      "the SAT formula for %s with a horizon of %d cycles would need about %.3g GB of memory "
      "(%.3g clauses at %d bytes each, measured), above the limit of %.3g GB; try a smaller "
      "instance or raise the limit (attnsched --max-sat-memory; attnsched-server "
      "--max_sat_memory_bytes)",
      Describe(problem), options.horizon, bytes / 1e9, static_cast<double>(size.clauses),
      kSatBytesPerClause, static_cast<double>(limits.max_bytes) / 1e9));
}

bool FitsTwice(const SizeEstimate& size, const EncodeLimits& limits) {
  return 2.0 * static_cast<double>(size.clauses) * kSatBytesPerClause <=
         static_cast<double>(limits.max_bytes);
}

absl::StatusOr<Encoding> Encode(const Problem& problem, const EncodeOptions& options,
                                const EncodeLimits& limits, const Cancelled& stop) {
  RETURN_IF_ERROR(ValidateProblem(problem));
  RETURN_IF_ERROR(CheckEncodable(problem));
  if (options.placement) {
    RETURN_IF_ERROR(ValidatePlacement(*options.placement, problem.n(), problem.pes()));
  }
  if (options.horizon < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("horizon = %d cycles: must be >= 1", options.horizon));
  }
  RETURN_IF_ERROR(CheckEstimate(problem, options, limits));
  Encoding e;
  if (!EncoderRun(problem, options, stop, e).Run()) return StoppedError("encoding");
  return e;
}

}  // namespace attnsched::sat
