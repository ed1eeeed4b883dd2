// The SAT engine: optima derived by hand, encode/decode round trips, verify-by-SAT
// agreeing with the validator, symmetry breaking that keeps optima, limits,
// cancellation, time limits, DRAT proofs and DIMACS export.
#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/model/bounds.h"
#include "lib/sat/cardinality.h"
#include "lib/sat/cms_solver.h"
#include "lib/sat/optimal_search.h"
#include "lib/sat/prove.h"
#include "lib/sat/verify_by_sat.h"
#include "lib/schedule/validator.h"
#include "tests/test_util.h"

namespace attnsched::sat {
namespace {

using ::testing::HasSubstr;
using testing::MustGenerate;

OptimalResult MustSolve(const Problem& p, SearchOptions options = {}) {
  absl::StatusOr<OptimalResult> r = SolveOptimal(p, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : OptimalResult{};
}

TEST(CardinalityTest, AtMostOneAndAtMostKCountModels) {
  // Brute force over all assignments of 8 literals: the encodings must allow exactly
  // the assignments with at most k true (auxiliary variables existentially).
  for (int k : {0, 1, 2, 3}) {
    Cnf cnf;
    std::vector<int> x;
    for (int v = 0; v < 8; ++v) x.push_back(cnf.NewVar());
    if (k == 1) {
      AtMostOne(cnf, x);
    } else {
      AtMostK(cnf, x, k);
    }
    for (int bits = 0; bits < 256; ++bits) {
      std::vector<int> assumptions;
      for (int v = 0; v < 8; ++v) assumptions.push_back((bits >> v & 1) ? x[v] : -x[v]);
      SatSolver solver(cnf);
      const bool sat = solver.Solve(assumptions) == SatResult::kSat;
      EXPECT_EQ(sat, __builtin_popcount(bits) <= k) << "k = " << k << " bits = " << bits;
    }
  }
}

TEST(OptimalTest, OnePeOptimumIsTheTotalWork) {
  // m = 1: one unit runs every operation and nothing moves, so T = W = LB_work.
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    const Problem p = MakeProblem(scheme, 3, 2, 1);
    const OptimalResult r = MustSolve(p);
    EXPECT_EQ(r.makespan, TotalWork(p));
    EXPECT_TRUE(r.optimal);
    EXPECT_EQ(r.proof, ProofKind::kLowerBound);
    // And SAT agrees: makespan <= W - 1 is UNSAT.
    absl::StatusOr<ProofResult> proof = Prove(r.witness, ProveOptions{});
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(proof->status, ProofStatus::kOptimal);
  }
}

TEST(OptimalTest, OneTokenOptimumIsThePath) {
  // n = 1: dot(0,0), softmax(0), axpy(0,0) form a chain on one PE: T = c_dot +
  // c_softmax + c_axpy = 2 + 1 + 2 = 5 on any number of PEs.
  for (int64_t m : {1, 2, 3}) {
    const OptimalResult r = MustSolve(MakeProblem(Scheme::kCausal, 1, 2, m));
    EXPECT_EQ(r.makespan, 5) << "m = " << m;
    EXPECT_TRUE(r.optimal);
  }
}

TEST(OptimalTest, TwoTokensCausalOnTwoPesNeedsSix) {
  // causal, n = 2, d = 1, m = 2: W = 9, LB_work = 5, LB_path = 1 + 2 * 2 = 5.
  // Makespan 5 would force softmax(1) (2 cycles) to start at cycle 1 on h(1) with
  // both s(1,0) and s(1,1) there: both dots in cycle 0, and a score computed on the
  // other PE arrives only at cycle 2 (1 cycle dot + 1 cycle transfer); one unit
  // cannot run both dots in cycle 0. So T >= 6, and 6 is reached. The free bound
  // (lib/model/free_bound.h) says so without SAT: apart, LB_release is 6; together,
  // all 9 cycles of work are on one PE.
  const OptimalResult r = MustSolve(MakeProblem(Scheme::kCausal, 2, 1, 2));
  EXPECT_EQ(r.lower_bound, 6);
  EXPECT_EQ(r.makespan, 6);
  EXPECT_TRUE(r.optimal);
  EXPECT_EQ(r.proof, ProofKind::kLowerBound);
}

TEST(OptimalTest, TwoSharedTokensOnTwoPesNeedSeven) {
  // shared, n = 2, d = 1, m = 2, free: the least bound over the placements is 6;
  // SAT shows that 6 is not reached and 7 is.
  const OptimalResult r = MustSolve(MakeProblem(Scheme::kShared, 2, 1, 2));
  EXPECT_EQ(r.lower_bound, 6);
  EXPECT_EQ(r.makespan, 7);
  EXPECT_TRUE(r.optimal);
  EXPECT_EQ(r.proof, ProofKind::kUnsat);
  ASSERT_FALSE(r.attempts.empty());
  EXPECT_EQ(r.attempts.back().bound, 6);
  EXPECT_EQ(r.attempts.back().result, SatResult::kUnsat);
}

TEST(OptimalTest, WitnessesAreValidAndNotWorseThanTheGenerators) {
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (const auto& [n, m] : {std::pair{2, 2}, std::pair{3, 3}, std::pair{4, 2}}) {
      const Problem p = MakeProblem(scheme, n, 1, m);
      const OptimalResult r = MustSolve(p);
      EXPECT_TRUE(r.optimal);
      EXPECT_TRUE(CheckWitness(r.witness).ok());
      EXPECT_LE(r.makespan, r.upper_bound);
      EXPECT_GE(r.makespan, r.lower_bound);
    }
  }
}

TEST(OptimalTest, SymmetryBreakingKeepsTheOptimumWhereSatSearches) {
  // Instances where the upper bound is above the lower bound, so SAT does the work:
  // free placements (rotation; general and shared also sorted homes and softmax
  // order within a home) and a shared cyclic placement (solved as block).
  struct Case {
    Scheme scheme;
    int64_t n, m;
    std::optional<Placement> placement;
  };
  const Case cases[] = {{Scheme::kGeneral, 3, 2, std::nullopt},
                        {Scheme::kShared, 4, 4, std::nullopt},
                        {Scheme::kCausal, 4, 4, std::nullopt},
                        {Scheme::kGeneral, 4, 3, BlockPlacement(4, 3)},
                        {Scheme::kShared, 5, 3, CyclicPlacement(5, 3)}};
  for (const Case& c : cases) {
    const Problem p = MakeProblem(c.scheme, c.n, 1, c.m);
    SearchOptions with, without;
    with.placement = without.placement = c.placement;
    with.plan_evaluations = without.plan_evaluations = 0;  // SAT does all the work
    without.symmetry_breaking = false;
    const OptimalResult a = MustSolve(p, with), b = MustSolve(p, without);
    EXPECT_TRUE(a.optimal && b.optimal);
    EXPECT_EQ(a.makespan, b.makespan) << SchemeName(c.scheme) << " n=" << c.n;
    EXPECT_FALSE(a.attempts.empty() || b.attempts.empty()) << "the case must exercise SAT";
    if (c.placement) {
      EXPECT_EQ(a.witness.placement, *c.placement);
    }
  }
}

TEST(OptimalTest, TheLocalSearchResumesWhenSatStalls) {
  // Shared n=8, d=1 on 4 PEs, block homes: LB_work 41. The quick part of the local
  // search stops at 42; SAT does not reach 41 within its first slice; the rest of the
  // local search does, so the answer needs no UNSAT proof.
  const Problem p = MakeProblem(Scheme::kShared, 8, 1, 4);
  SearchOptions options;
  options.placement = BlockPlacement(8, 4);
  std::vector<int64_t> witnesses;
  options.on_witness = [&witnesses](const Schedule& w) { witnesses.push_back(Makespan(w)); };
  const OptimalResult r = MustSolve(p, options);
  EXPECT_GT(r.upper_bound, 41);
  EXPECT_TRUE(r.optimal);
  EXPECT_EQ(r.proof, ProofKind::kLowerBound);
  EXPECT_EQ(r.makespan, 41);
  ASSERT_FALSE(witnesses.empty());
  EXPECT_EQ(witnesses.front(), r.upper_bound);
  EXPECT_EQ(witnesses.back(), 41);
  EXPECT_TRUE(CheckWitness(r.witness).ok());
  // Without the local search SAT does not reach 41 in the same time.
  options.plan_evaluations = 0;
  options.time_limit = absl::Seconds(3);
  options.on_witness = nullptr;
  EXPECT_FALSE(MustSolve(p, options).optimal);
}

TEST(OptimalTest, SharedCyclicPlacementIsSolvedAsBlock) {
  // Relabeling the tokens maps cyclic homes onto block homes, where the generator
  // already meets LB_work (76 = LB_work for n=6, d=2, m=2): decided without SAT.
  const Problem p = MakeProblem(Scheme::kShared, 6, 2, 2);
  SearchOptions options;
  options.placement = CyclicPlacement(6, 2);
  const OptimalResult r = MustSolve(p, options);
  EXPECT_TRUE(r.optimal);
  EXPECT_EQ(r.proof, ProofKind::kLowerBound);
  EXPECT_EQ(r.makespan, ComputeLowerBounds(p, *options.placement).work);
  EXPECT_EQ(r.witness.placement, *options.placement);
  EXPECT_TRUE(CheckWitness(r.witness).ok());
}

TEST(OptimalTest, FreeSearchReportsOnlyAnswersAboutTheFreePlacement) {
  // Shared n=4, d=2 on 4 PEs: the generator gives the optimum, 21, above the least
  // bound, 19. The first, pinned phase proves 20 UNSAT for its homes only: that answer
  // must not be reported; the free search then proves 20 UNSAT for every placement.
  std::vector<BoundAttempt> reported;
  SearchOptions options;
  options.plan_evaluations = 0;  // the local search would find 21 without SAT
  options.on_progress = [&reported](const BoundAttempt& a) { reported.push_back(a); };
  const OptimalResult r = MustSolve(MakeProblem(Scheme::kShared, 4, 2, 4), options);
  EXPECT_TRUE(r.optimal);
  EXPECT_EQ(r.makespan, 21);
  EXPECT_EQ(r.upper_bound, 21);
  EXPECT_EQ(r.proof, ProofKind::kUnsat);
  ASSERT_FALSE(reported.empty());
  for (size_t k = 0; k + 1 < reported.size(); ++k) {
    EXPECT_EQ(reported[k].result, SatResult::kSat) << "bound " << reported[k].bound;
  }
  EXPECT_EQ(reported.back().result, SatResult::kUnsat);
  EXPECT_EQ(reported.back().bound, 20);
  EXPECT_EQ(r.attempts.size(), reported.size());
}

TEST(OptimalTest, BadPlacementsAreRefusedNamingTheEntry) {
  // Checked before any bound or relabeling indexes by home PE.
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (int32_t bad : {-1, 2, 65535, std::numeric_limits<int32_t>::max(),
                        std::numeric_limits<int32_t>::min()}) {
      SearchOptions options;
      options.placement = Placement{1, bad, 0, 1};
      const absl::StatusOr<OptimalResult> r =
          SolveOptimal(MakeProblem(scheme, 4, 1, 2), options);
      EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
      EXPECT_THAT(std::string(r.status().message()), HasSubstr(absl::StrCat("placement[1] = ", bad)));
    }
  }
}

// Instances whose optimum SAT proves (UNSAT one cycle below) after descending from
// the generator's schedule, the local search off (block homes; 2 to 4 SAT answers,
// then UNSAT). General n = 3 and shared n = 5 have homes of two tokens, where
// symmetry breaking orders softmaxes.
struct SatCase {
  Scheme scheme;
  int64_t n, m;
};
constexpr SatCase kSatCases[] = {
    {Scheme::kGeneral, 3, 2}, {Scheme::kShared, 4, 4}, {Scheme::kShared, 5, 3},
    {Scheme::kCausal, 4, 2}};

// An encoding option is sound at the tightest horizon a formula gets, the optimum T*
// (proven by the descent with every option on): with the option on and off, the
// formula of horizon T* is satisfiable, with a valid witness, and that of T* - 1 is
// not. An option that cut off valid schedules by even one cycle makes T*
// unsatisfiable; comparing optima of whole descents does not see that, since their
// formulas have the looser horizon of the first witness.
// The cases above, and masks (lib/model/mask.h) whose optimum SAT proves the same way
// (the generator is a cycle or two above the bound there): a causal document with
// padding, a bidirectional and a causal document, a causal window over shared inputs
// (each pair read by one row), bidirectional documents with padding over shared
// inputs (scores read on both homes), and a causal and a bidirectional document over
// shared inputs.
std::vector<Problem> SoundnessProblems() {
  std::vector<Problem> out;
  for (const SatCase& c : kSatCases) out.push_back(MakeProblem(c.scheme, c.n, 1, c.m));
  for (const auto& [segments, window, shared, m] :
       std::vector<std::tuple<const char*, int64_t, bool, int64_t>>{
           {"4c,2p", 0, false, 3}, {"3b,2c", 0, false, 2}, {"5c", 2, true, 3},
           {"2b,2b,1p", 0, true, 3}, {"3c,2b", 0, true, 3}}) {
    Mask mask = *Mask::Make(*ParseSegments(segments), window, kMaxTokens);
    out.push_back(Problem{Instance{std::move(mask), 1, shared}, Machine{m, 1, 1, 0},
                          Costs::Default(1)});
  }
  return out;
}

void ExpectSoundAtTheOptimum(const std::function<void(EncodeOptions&)>& off) {
  for (const Problem& p : SoundnessProblems()) {
    const std::string what = Describe(p);
    SearchOptions search;
    search.placement = BlockPlacement(p.n(), p.pes());
    search.plan_evaluations = 0;
    const OptimalResult optimum = MustSolve(p, search);
    ASSERT_EQ(optimum.proof, ProofKind::kUnsat) << what;
    EncodeOptions on{optimum.makespan, search.placement, true, true, false, 1};
    EncodeOptions without = on;
    off(without);
    for (const EncodeOptions& options : {on, without}) {
      for (const int64_t horizon : {optimum.makespan, optimum.makespan - 1}) {
        EncodeOptions at = options;
        at.horizon = horizon;
        absl::StatusOr<Encoding> e = Encode(p, at);
        ASSERT_TRUE(e.ok()) << e.status();
        SatSolver solver(e->cnf());
        const bool feasible = horizon == optimum.makespan;
        ASSERT_EQ(solver.Solve({}), feasible ? SatResult::kSat : SatResult::kUnsat)
            << what << " horizon " << horizon;
        if (feasible) {
          EXPECT_TRUE(CheckWitness(e->Decode([&](int v) { return solver.Value(v); })).ok());
        }
      }
    }
  }
}

TEST(EncodingSoundnessTest, CountingConstraints) {
  ExpectSoundAtTheOptimum([](EncodeOptions& o) { o.counting_stride = 0; });
}

TEST(EncodingSoundnessTest, TimeWindows) {
  ExpectSoundAtTheOptimum([](EncodeOptions& o) { o.time_windows = false; });
}

TEST(EncodingSoundnessTest, SymmetryBreaking) {
  ExpectSoundAtTheOptimum([](EncodeOptions& o) { o.symmetry_breaking = false; });
}

// Each validator rule broken once in a valid schedule.
std::vector<Schedule> Mutants(const Schedule& valid) {
  std::vector<Schedule> out;
  auto mutate = [&](auto fn) {
    Schedule s = valid;
    fn(s);
    out.push_back(std::move(s));
  };
  mutate([](Schedule& s) { s.events[1].start = -1; });                     // start_range
  mutate([&](Schedule& s) { s.events[0].pe = static_cast<int32_t>(s.problem.pes()); });
  mutate([](Schedule& s) { s.events[0].i = 99; });                          // index_range
  mutate([](Schedule& s) { s.events.push_back(s.events.front()); });       // duplicate
  mutate([](Schedule& s) { s.events.pop_back(); });                        // missing
  mutate([](Schedule& s) {                                                  // unit busy
    for (size_t k = 1; k < s.events.size(); ++k) {
      if (s.events[k].is_op() && s.events[k].pe == s.events[0].pe) {
        s.events[k].start = s.events[0].start;
        return;
      }
    }
  });
  mutate([](Schedule& s) {                                                  // not at home
    for (Event& e : s.events) {
      if (e.is_op() && e.op().kind == OpKind::kSoftmax) {
        e.pe = (e.pe + 1) % static_cast<int32_t>(s.problem.pes());
        return;
      }
    }
  });
  mutate([](Schedule& s) {                                                  // operand missing
    for (size_t k = 0; k < s.events.size(); ++k) {
      if (!s.events[k].is_op()) {
        s.events.erase(s.events.begin() + static_cast<int64_t>(k));
        return;
      }
    }
  });
  mutate([](Schedule& s) {                                                  // item not on sender
    s.events.push_back(Event::Xfer(0, 1, ScoreItem(s.problem.instance, 0, 0)));
  });
  return out;
}

TEST(VerifyBySatTest, AgreesWithTheValidatorOnValidAndBrokenSchedules) {
  // Default links, 2 words every 3 cycles with a latency of 2, and a latency of 3
  // alone (SPEC section 10.5).
  for (const Machine links : {Machine{0, 1, 1, 0}, Machine{0, 2, 3, 2}, Machine{0, 1, 1, 3}})
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (const auto& [n, m] : {std::pair{2, 2}, std::pair{4, 2}, std::pair{3, 3}}) {
      Problem problem = MakeProblem(scheme, n, 2, m);
      problem.machine = Machine{m, links.link_words, links.link_cycles, links.link_latency};
      const Schedule valid = testing::MustGenerate(problem, {kDefaultMaxEvents, std::nullopt, 0});
      absl::StatusOr<bool> accepts = SatAccepts(valid);
      ASSERT_TRUE(accepts.ok()) << accepts.status();
      EXPECT_TRUE(*accepts) << SchemeName(scheme) << " n=" << n;
      std::vector<Schedule> mutants = Mutants(valid);
      Schedule timed_for_default_links = MustGenerate(scheme, n, 2, m);
      timed_for_default_links.problem = problem;  // arrivals now come later
      mutants.push_back(std::move(timed_for_default_links));
      for (const Schedule& broken : mutants) {
        absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(broken);
        ASSERT_TRUE(report.ok());
        absl::StatusOr<bool> sat = SatAccepts(broken);
        ASSERT_TRUE(sat.ok()) << sat.status();
        EXPECT_EQ(*sat, report->valid())
            << SchemeName(scheme) << " n=" << n << ": validator says "
            << (report->valid() ? "valid" : report->violation->message);
      }
    }
  }
}

TEST(VerifyBySatTest, AgreesWithTheValidatorUnderMasks) {
  // Documents, padding, a window and shared inputs: the encoder reads the task graph
  // from the mask, so SAT accepts the generated schedules and refuses the broken ones
  // exactly when the validator does.
  for (const auto& [segments, window, shared] :
       std::vector<std::tuple<const char*, int64_t, bool>>{
           {"2c,2c", 0, false}, {"3c,1p", 0, true}, {"4c", 2, false}, {"2b,1p,2b", 0, true}}) {
    const Problem problem{Instance{*Mask::Make(*ParseSegments(segments), window, kMaxTokens), 2,
                                   shared},
                          Machine{2, 1, 1, 0}, Costs::Default(2)};
    const Schedule valid = testing::MustGenerate(problem, {kDefaultMaxEvents, std::nullopt, 0});
    std::vector<Schedule> all = Mutants(valid);
    all.push_back(valid);
    for (const Schedule& s : all) {
      absl::StatusOr<ValidationReport> report = testing::ValidateSchedule(s);
      ASSERT_TRUE(report.ok());
      absl::StatusOr<bool> sat = SatAccepts(s);
      ASSERT_TRUE(sat.ok()) << sat.status();
      EXPECT_EQ(*sat, report->valid()) << Describe(problem) << ": validator says "
                                       << (report->valid() ? "valid" : report->violation->message);
    }
  }
}

TEST(VerifyBySatTest, EncodeDecodeRoundTrip) {
  // Pinning a generated schedule's events and decoding the model gives them back.
  const Schedule s = MustGenerate(Scheme::kShared, 4, 2, 2);
  const int64_t horizon = Makespan(s);
  absl::StatusOr<Encoding> e = Encode(s.problem, {horizon, s.placement, true, false, false});
  ASSERT_TRUE(e.ok());
  std::vector<int> units;
  for (const Event& ev : s.events) {
    const int v = ev.is_op() ? e->OpVar(ev.op(), ev.pe, ev.start) : e->XferVar(ev.item(), ev.pe, ev.start);
    ASSERT_NE(v, 0) << DescribeEvent(s.problem, ev);
    units.push_back(v);
  }
  Cnf& cnf = e->mutable_cnf();
  e->ForEachEventVar([&](int v) {
    cnf.AddClause({std::find(units.begin(), units.end(), v) != units.end() ? v : -v});
  });
  SatSolver solver(cnf);
  ASSERT_EQ(solver.Solve({}), SatResult::kSat);
  const Schedule back = e->Decode([&](int v) { return solver.Value(v); });
  EXPECT_EQ(back.events, s.events);
  EXPECT_EQ(back.placement, s.placement);
}

TEST(LimitsTest, OversizeFormulasAreRefusedUpFront) {
  absl::StatusOr<Encoding> e = Encode(MakeProblem(Scheme::kGeneral, 64, 64, 8),
                                      EncodeOptions{100000, std::nullopt}, EncodeLimits{1000000, 1000000});
  EXPECT_EQ(e.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("variables"));
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("limits of 1000000 variables"));
}

TEST(LimitsTest, LargeSearchesAreRefusedBeforeAnyWork) {
  // Llama-2-7B on 64 PEs: refused from the estimate at the lower bound, in
  // milliseconds, without generating its 17 million events first.
  const absl::Time start = absl::Now();
  absl::StatusOr<OptimalResult> r =
      SolveOptimal(MakeProblem(Scheme::kCausal, 4096, 128, 64), SearchOptions{});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  // One token on each of 65,536 PEs, pinned: refused before the placement's bounds
  // (LB_link alone visits every PE's keys, 2 billion steps: 6 s when it came first).
  SearchOptions pinned;
  pinned.placement = BlockPlacement(65536, 65536);
  const absl::Time pinned_start = absl::Now();
  r = SolveOptimal(MakeProblem(Scheme::kCausal, 65536, 1, 65536), pinned);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_LT(absl::Now() - pinned_start, absl::Seconds(1));
  // Sizes whose products overflow 64 bits are refused too, not wrapped around: this
  // one's work alone is 2^61 cycles (ValidateProblem's horizon).
  absl::StatusOr<Encoding> e =
      Encode(MakeProblem(Scheme::kGeneral, 1 << 20, 1 << 20, 1 << 16), {int64_t{1} << 45, std::nullopt});
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("above 2^61 cycles"));
  // Within the horizon, the formula's size refuses it.
  e = Encode(MakeProblem(Scheme::kGeneral, 1 << 20, 1, 1 << 16), {int64_t{1} << 45, std::nullopt});
  EXPECT_EQ(e.status().code(), absl::StatusCode::kResourceExhausted);
}

// Up to kGeneratedBeyondTheLimits operations, an instance whose formula is over the
// limits is generated first: at the lower bound it is optimal with no formula; above
// it, refused, naming the generated makespan and the bound.
TEST(LimitsTest, AnInstanceOverTheLimitsIsOptimalWhenTheGeneratorMeetsTheBound) {
  absl::StatusOr<OptimalResult> r =
      SolveOptimal(MakeProblem(Scheme::kCausal, 200, 1, 1), SearchOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->optimal);
  EXPECT_EQ(r->proof, ProofKind::kLowerBound);
  EXPECT_EQ(r->stats.variables, 0);
  SearchOptions block;
  block.placement = BlockPlacement(40, 4);
  block.plan_evaluations = 0;
  r = SolveOptimal(MakeProblem(Scheme::kCausal, 40, 2, 4), block);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("is above the lower bound, 1072"));
}

TEST(LimitsTest, FormulasAboveTheMemoryLimitAreRefusedNamingTheFlags) {
  const Problem p = MakeProblem(Scheme::kCausal, 8, 2, 4);
  const EncodeOptions options{60, BlockPlacement(8, 4)};
  const int64_t clauses = EstimateSize(p, options).clauses;
  EncodeLimits limits;
  limits.max_bytes = clauses * kSatBytesPerClause - 1;
  const absl::Status refused = CheckEstimate(p, options, limits);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("bytes each, measured"));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("attnsched --max-sat-memory"));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("--max_sat_memory_bytes"));
  limits.max_bytes += 1;
  EXPECT_TRUE(CheckEstimate(p, options, limits).ok());
}

// causal n = 8, d = 2 on 4 PEs with block homes: no proof within seconds.
Problem HardProblem() { return MakeProblem(Scheme::kCausal, 8, 2, 4); }

TEST(LimitsTest, TimeLimitGivesUnknownNotAHang) {
  SearchOptions options;
  options.placement = BlockPlacement(8, 4);
  options.time_limit = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  const OptimalResult r = MustSolve(HardProblem(), options);
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_FALSE(r.optimal);
  EXPECT_EQ(r.stopped, StopReason::kTimeLimit);
  EXPECT_TRUE(CheckWitness(r.witness).ok());  // the best schedule found so far
}

// With less time left than building the formula takes (EstimatedLoadTime), the
// search answers its best witness without building it.
TEST(LimitsTest, NoFormulaIsBuiltWithoutTimeToLoadIt) {
  const Problem p = MakeProblem(Scheme::kCausal, 12, 4, 4);
  SearchOptions options;
  options.placement = BlockPlacement(12, 4);
  options.plan_evaluations = 0;
  options.time_limit = absl::Milliseconds(50);  // the formula takes about a second
  const OptimalResult r = MustSolve(p, options);
  EXPECT_FALSE(r.optimal);
  EXPECT_EQ(r.stopped, StopReason::kTimeLimit);
  EXPECT_EQ(r.stats.variables, 0);  // never built
  EXPECT_TRUE(r.attempts.empty());
  EXPECT_TRUE(CheckWitness(r.witness).ok());
}

// Encode polls its stop predicate all along and answers CancelledError, never a
// partial formula, whichever poll says stop, the last included.
TEST(LimitsTest, EncodingStopsWhenAsked) {
  const EncodeOptions options{60, BlockPlacement(8, 4)};
  absl::StatusOr<Encoding> whole = Encode(HardProblem(), options);
  ASSERT_TRUE(whole.ok()) << whole.status();
  int64_t polls = 0;
  absl::StatusOr<Encoding> e = Encode(HardProblem(), options, {}, [&polls] {
    ++polls;
    return false;
  });
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->cnf().literals(), whole->cnf().literals());
  const int64_t all_polls = polls;
  EXPECT_GT(all_polls, 500);  // per operation, item and (PE, cycle) of the families
  for (const int64_t stop_at : {int64_t{1}, all_polls / 2, all_polls}) {
    polls = 0;
    e = Encode(HardProblem(), options, {}, [&] { return ++polls >= stop_at; });
    EXPECT_EQ(e.status().code(), absl::StatusCode::kCancelled) << stop_at;
    EXPECT_THAT(std::string(e.status().message()), HasSubstr("encoding stopped"));
    EXPECT_EQ(polls, stop_at);
  }
}

// The formula of causal n = 12, d = 4 on 4 PEs (4 million clauses, 1.7 million
// variables) takes about 0.6 s to build, 0.8 s for CaDiCaL to reserve its variables
// and 1.5 s to load on this machine, where EstimatedLoadTime says 0.7 s in all: the
// search builds it, and the time limit holds because building (Encode) and loading
// (SatSolver::Solve, LoadClauses) stop at the deadline and the reservation, which
// cannot be stopped, starts only when kCadicalVariablesPerSecond says it ends
// before the deadline. Target: limit + 5% + 100 ms (docs/sat-encoding.md, "Keeping
// the time limit"); 3.4 s before building and loading stopped, and 2.2-2.8 s with
// both cores busy before the reservation did (0.8-0.9 s now).
TEST(LimitsTest, TheTimeLimitHoldsWhileTheFormulaIsBuiltAndLoaded) {
  const Problem p = MakeProblem(Scheme::kCausal, 12, 4, 4);
  SearchOptions options;
  options.placement = BlockPlacement(12, 4);
  options.plan_evaluations = 0;
  options.time_limit = absl::Seconds(2);
  const absl::Time start = absl::Now();
  const OptimalResult r = MustSolve(p, options);
  const absl::Duration wall = absl::Now() - start;
  EXPECT_FALSE(r.optimal);
  EXPECT_EQ(r.stopped, StopReason::kTimeLimit);
  EXPECT_LT(wall, options.time_limit * 1.05 + absl::Milliseconds(100));
  std::cout << "a 2 s search ended after " << wall << "\n";
}

// The issue asks for 100 ms; CaDiCaL 1.5.3 does not poll its terminator during some
// inprocessing rounds (measured gaps up to ~250 ms, docs/sat-encoding.md), so the
// bound asserted here is 500 ms and the typical latency is reported.
TEST(LimitsTest, CancellationStopsTheSolverPromptly) {
  CancelToken cancel;
  SearchOptions options;
  options.placement = BlockPlacement(8, 4);
  options.cancel = &cancel;
  absl::Time cancelled_at;
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(500));
    cancelled_at = absl::Now();
    cancel.Cancel();
  });
  const OptimalResult r = MustSolve(HardProblem(), options);
  const absl::Time returned = absl::Now();
  canceller.join();
  EXPECT_FALSE(r.optimal);
  EXPECT_EQ(r.stopped, StopReason::kCancelled);
  EXPECT_LT(returned - cancelled_at, absl::Milliseconds(500));
  std::cout << "cancellation latency: " << returned - cancelled_at << "\n";
}

// A race of CaDiCaL and CryptoMiniSat (lib/sat/portfolio.h) decides the same optima
// with valid witnesses (MustSolve checks them), names the solver of each UNSAT answer,
// and stops both members on cancellation. The instances make SAT do the work.
TEST(OptimalTest, ARaceOfTwoSolversFindsTheSameOptimaAndNamesWhoAnswered) {
  const struct {
    Scheme scheme;
    int64_t n, d, m;
    std::optional<Placement> placement;
  } cases[] = {{Scheme::kGeneral, 3, 1, 2, std::nullopt},
               {Scheme::kShared, 4, 1, 4, std::nullopt},
               {Scheme::kCausal, 4, 1, 2, BlockPlacement(4, 2)},
               {Scheme::kCausal, 4, 2, 4, std::nullopt}};
  for (const auto& c : cases) {
    const Problem p = MakeProblem(c.scheme, c.n, c.d, c.m);
    SearchOptions alone, race;
    alone.placement = race.placement = c.placement;
    alone.plan_evaluations = race.plan_evaluations = 0;
    race.race = true;
    const OptimalResult a = MustSolve(p, alone), b = MustSolve(p, race);
    ASSERT_TRUE(a.optimal && b.optimal) << Describe(p);
    EXPECT_EQ(a.makespan, b.makespan) << Describe(p);
    EXPECT_EQ(a.proof, b.proof) << Describe(p);
    if (a.proof == ProofKind::kUnsat) {
      EXPECT_EQ(a.unsat_by, "CaDiCaL");
      EXPECT_TRUE(b.unsat_by == "CaDiCaL" || b.unsat_by == CmsSolver::Name()) << b.unsat_by;
    } else {
      EXPECT_EQ(b.unsat_by, "");
    }
  }
  CancelToken cancel;
  SearchOptions options;
  options.placement = BlockPlacement(8, 4);
  options.cancel = &cancel;
  options.race = true;
  std::thread canceller([&cancel] {
    absl::SleepFor(absl::Milliseconds(300));
    cancel.Cancel();
  });
  const absl::Time start = absl::Now();
  const OptimalResult r = MustSolve(HardProblem(), options);
  canceller.join();
  EXPECT_EQ(r.stopped, StopReason::kCancelled);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ProofTest, DratProofIsWrittenAndChecked) {
  // Causal n=4, d=1 on 2 PEs, block homes: optimum 17, every lower bound 16.
  const Problem p = MakeProblem(Scheme::kCausal, 4, 1, 2);
  SearchOptions search;
  search.placement = BlockPlacement(4, 2);
  const OptimalResult r = MustSolve(p, search);
  ASSERT_EQ(r.proof, ProofKind::kUnsat);
  const std::string path = ::testing::TempDir() + "/sat_test_proof.drat";
  ProveOptions options;
  options.drat_path = path;
  absl::StatusOr<ProofResult> proof = Prove(r.witness, options);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(proof->status, ProofStatus::kOptimal);
  EXPECT_EQ(proof->proof, ProofKind::kDratChecked);
  EXPECT_FALSE(Slurp(path).empty());
  // DRAT lines end with 0, the last adds the empty clause.
  EXPECT_THAT(Slurp(path), HasSubstr("0\n"));
  EXPECT_EQ(proof->unsat_by, "CaDiCaL") << "a DRAT proof is CaDiCaL's: no race";
  // Without a proof a race may answer; the detail says who did.
  options.drat_path.clear();
  options.race = true;
  proof = Prove(r.witness, options);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(proof->proof, ProofKind::kUnsat);
  EXPECT_THAT(proof->detail, HasSubstr(absl::StrCat(proof->unsat_by, " answered first")));
}

TEST(ProofTest, AnUnwritableProofFileIsAnErrorNotACrash) {
  // CaDiCaL 1.5.3 crashed on the first clause after a failed trace_proof.
  Cnf cnf;
  const int v = cnf.NewVar();
  cnf.AddClause({v});
  for (const char* path : {"/nonexistent/dir/p.drat", "/tmp"}) {
    SatSolver solver(cnf, path);
    EXPECT_TRUE(absl::IsInvalidArgument(solver.status())) << path;
    EXPECT_THAT(std::string(solver.status().message()), HasSubstr("cannot be written"));
  }
}

TEST(ProofTest, DratBacksTheFreeClaimNotThePinnedOne) {
  // Causal n=3, d=1 on 3 PEs, free: optimum 9, the least bound over the placements
  // 8, so "no placement gives 8" needs SAT. The witness's own homes have a bound of
  // 9: proving the witness alone would need no formula and would say nothing about
  // other placements.
  const OptimalResult solved = MustSolve(MakeProblem(Scheme::kCausal, 3, 1, 3));
  ASSERT_EQ(solved.proof, ProofKind::kUnsat);
  const std::string path = ::testing::TempDir() + "/sat_test_free.drat";
  ProveOptions options;
  options.drat_path = path;
  OptimalResult r = solved;
  ASSERT_TRUE(BackUnsat(r, std::nullopt, options).ok());
  EXPECT_EQ(r.proof, ProofKind::kDratChecked);
  EXPECT_THAT(Slurp(path), HasSubstr("0\n"));
  const absl::StatusOr<ProofResult> pinned = Prove(solved.witness, options);
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  EXPECT_EQ(pinned->proof, ProofKind::kLowerBound);
}

TEST(ProofTest, ImprovableSchedulesGetABetterOne) {
  // The generator's causal n = 4, d = 2, m = 4 schedule has makespan 20; 19 exists.
  const Schedule s = MustGenerate(Scheme::kCausal, 4, 2, 4);
  absl::StatusOr<ProofResult> r = Prove(s, ProveOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, ProofStatus::kImprovable);
  ASSERT_TRUE(r->better.has_value());
  EXPECT_LT(Makespan(*r->better), Makespan(s));
  EXPECT_TRUE(CheckWitness(*r->better).ok());
}

TEST(ProofTest, RepeatedEventsAreRefusedBeforeValidation) {
  // More events than the formula has operation and transfer variables: no valid
  // schedule of this instance and makespan has that many, so Prove refuses at once.
  Schedule s = MustGenerate(Scheme::kCausal, 4, 2, 4);
  const std::vector<Event> once = s.events;
  for (int k = 0; k < 2000; ++k) s.events.insert(s.events.end(), once.begin(), once.end());
  const absl::StatusOr<ProofResult> r = Prove(s, ProveOptions{});
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("events are repeated"));
}

TEST(ProofTest, ASlowScheduleIsImprovableWithoutSat) {
  // Every event 100000 cycles late: still valid, far too long a horizon for a formula,
  // and the generated schedule for the same homes (at most) is better.
  Schedule s = MustGenerate(Scheme::kShared, 4, 2, 2);
  const int64_t generated = Makespan(s);
  for (Event& e : s.events) e.start += 100000;
  const absl::StatusOr<ProofResult> r = Prove(s, ProveOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, ProofStatus::kImprovable);
  EXPECT_THAT(r->detail, HasSubstr("found without SAT"));
  ASSERT_TRUE(r->better.has_value());
  EXPECT_LE(Makespan(*r->better), generated);
  EXPECT_EQ(r->better->placement, s.placement);
  EXPECT_TRUE(CheckWitness(*r->better).ok());
  EXPECT_EQ(r->stats.variables, 0);
}

TEST(ProofTest, LinkBoundProvesASlowLinkScheduleOptimal) {
  // causal n = 4, d = 8 on 2 PEs, c_dot = c_axpy = 1, latency 2, homes 0,0,0,1: PE 1's
  // row 3 attends keys 0, 1, 2 homed on PE 0; each needs v (8 cycles) and k or one
  // score (min(8, 1) = 1): 27 link cycles, + 2 latency + 1 axpy = LB_link = 30, which
  // the generator with its local search meets; every other bound is below 20.
  Problem p = MakeProblem(Scheme::kCausal, 4, 8, 2);
  p.costs.c_dot = p.costs.c_axpy = 1;
  p.machine.link_latency = 2;
  const Placement homes{0, 0, 0, 1};
  GenerateOptions options;
  options.placement = PlacementSpec{PlacementKind::kExplicit, homes};
  const Schedule s = testing::MustGenerate(p, options);
  const LowerBounds lb = ComputeLowerBounds(p, homes);
  ASSERT_EQ(lb.link, 30);
  EXPECT_LT(std::max({lb.work, lb.home, lb.path, lb.load, lb.release, lb.traffic}), 20);
  ASSERT_EQ(Makespan(s), 30);
  absl::StatusOr<ProofResult> r = Prove(s, ProveOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, ProofStatus::kOptimal);
  EXPECT_EQ(r->proof, ProofKind::kLowerBound);
  EXPECT_EQ(r->detail, "makespan equals LB_link");
  // The search with these homes pinned stops at the bound without a formula.
  SearchOptions pinned;
  pinned.placement = homes;
  const OptimalResult solved = MustSolve(p, pinned);
  EXPECT_TRUE(solved.optimal);
  EXPECT_EQ(solved.makespan, 30);
  EXPECT_EQ(solved.proof, ProofKind::kLowerBound);
  EXPECT_TRUE(solved.attempts.empty());
}

TEST(ProofTest, InvalidSchedulesAreRefused) {
  Schedule s = MustGenerate(Scheme::kGeneral, 2, 1, 2);
  s.events.pop_back();
  absl::StatusOr<ProofResult> r = Prove(s, ProveOptions{});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("never runs"));
}

TEST(DimacsTest, HeaderAndClauseCount) {
  absl::StatusOr<Encoding> e = Encode(MakeProblem(Scheme::kGeneral, 2, 1, 2), {6, std::nullopt});
  ASSERT_TRUE(e.ok());
  std::ostringstream out;
  ASSERT_TRUE(e->cnf().WriteDimacs(out, "general n=2\nmakespan <= 6").ok());
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("c general n=2\nc makespan <= 6\n"));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("p cnf ", e->cnf().num_vars(), " ", e->cnf().num_clauses())));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'),
            2 + 1 + e->cnf().num_clauses());
}

}  // namespace
}  // namespace attnsched::sat
