#include "tests/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/export/schedule_json.h"
#include "lib/model/heads.h"
#include "lib/model/mask_spec.h"
#include "lib/schedule/simulator.h"
#include "lib/schedule/validator.h"

namespace attnsched::testing {

Problem Layer(Scheme scheme, int64_t n, int64_t d, int64_t pes, int64_t heads, int64_t kv_heads) {
  Problem p = MakeProblem(scheme, n, d, pes);
  absl::StatusOr<Instance> layer = WithHeads(p.instance, heads, kv_heads, "");
  EXPECT_TRUE(layer.ok()) << layer.status();
  if (layer.ok()) p.instance = *std::move(layer);
  return p;
}

std::vector<std::pair<std::string, Problem>> EveryKindOfInstance() {
  std::vector<std::pair<std::string, Problem>> cases = {
      {"general n=5 m=2", MakeProblem(Scheme::kGeneral, 5, 2, 2)},
      {"causal n=12 m=4", MakeProblem(Scheme::kCausal, 12, 2, 4)},
      {"causal n=3 m=5 (empty PEs)", MakeProblem(Scheme::kCausal, 3, 2, 5)},
      {"causal n=4 m=1", MakeProblem(Scheme::kCausal, 4, 2, 1)},
      {"causal 8 heads / 2, n=m=8", Layer(Scheme::kCausal, 8, 4, 8, 8, 2)},
      {"general 2 heads / 1, n=4 m=2", Layer(Scheme::kGeneral, 4, 2, 2, 2, 1)},
  };
  Problem latency = MakeProblem(Scheme::kCausal, 8, 4, 4);
  latency.machine.link_words = 2;
  latency.machine.link_latency = 3;
  cases.push_back({"causal with latency and rate", latency});
  MaskSpec documents;
  documents.segments = *ParseSegments("10c,6b,6c,2p");
  Problem masked = MakeProblem(Scheme::kCausal, 24, 2, 4);
  masked.instance = *MakeMaskedInstance(documents, 2, "");
  cases.push_back({"documents and padding", masked});
  Problem tiled = MakeProblem(Scheme::kCausal, 32, 2, 4);
  tiled.instance = *WithTile(tiled.instance, 4, "");
  cases.push_back({"tiles of 4", tiled});
  cases.push_back({"shared n=9 m=4", MakeProblem(Scheme::kShared, 9, 1, 4)});
  MaskSpec shared_documents = documents;
  shared_documents.shared = true;
  shared_documents.window = 5;
  Problem shared_masked = MakeProblem(Scheme::kCausal, 24, 2, 4);
  shared_masked.instance = *MakeMaskedInstance(shared_documents, 2, "");
  shared_masked.machine.link_latency = 2;
  cases.push_back({"shared inputs, documents, a window and latency", shared_masked});
  return cases;
}

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::vector<Mask> RandomMasks(int count, uint32_t seed, int64_t max_length) {
  std::mt19937 rng(seed);
  std::vector<Mask> masks;
  while (static_cast<int>(masks.size()) < count) {
    std::vector<Segment> segments(1 + rng() % 4);
    for (Segment& s : segments) {
      s = Segment{1 + static_cast<int64_t>(rng() % max_length), static_cast<SegmentKind>(rng() % 3)};
    }
    absl::StatusOr<Mask> mask = Mask::Make(segments, static_cast<int64_t>(rng() % 7), kMaxTokens);
    if (mask.ok()) masks.push_back(*mask);  // all padding is refused
  }
  return masks;
}

CommandResult RunCommand(const std::string& command) {
  static int calls = 0;
  const std::string base = absl::StrCat(
      ::testing::TempDir(), "/", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
      "_", getpid(), "_", ++calls);
  const std::string out = base + ".out", err = base + ".err";
  const int status = std::system(
      absl::StrCat(command, " >", out, " 2>", err, " </dev/null").c_str());
  return CommandResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
}

Schedule MustGenerate(const Problem& problem, const GenerateOptions& options) {
  absl::StatusOr<Generated> g = Generate(problem, options);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? Whole(*g) : Schedule{};
}

Schedule Whole(Generated& g) {
  absl::StatusOr<Schedule> s = ReadWhole(*g.events, g.event_count);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : Schedule{};
}

Schedule MustGenerateOn(const Problem& problem, const Placement& homes) {
  return MustGenerate(problem, {kDefaultMaxEvents, PlacementSpec{PlacementKind::kExplicit, homes}, 0});
}

Schedule MustGenerate(Scheme scheme, int64_t n, int64_t d, int64_t pes) {
  GenerateOptions options;
  options.search_events = 0;
  return MustGenerate(MakeProblem(scheme, n, d, pes), options);
}

std::optional<Checked> CheckGenerated(const Schedule& s, bool simulate, uint64_t seed) {
  absl::StatusOr<ValidationReport> report = ValidateSchedule(s);
  if (!report.ok() || !report->valid()) {
    ADD_FAILURE() << Describe(s.problem) << ": "
                  << (report.ok() ? report->violation->message : report.status().ToString());
    return std::nullopt;
  }
  if (simulate) {
    absl::StatusOr<SimulationReport> sim = SimulateSchedule(s, seed);
    EXPECT_TRUE(sim.ok()) << sim.status();
    if (sim.ok()) {
      EXPECT_LE(sim->max_rel_error, kMaxRelError) << Describe(s.problem);
    }
  }
  Checked out{report->stats.makespan, ComputeLowerBounds(s.problem, s.placement)};
  EXPECT_GE(out.makespan, out.bounds.Max()) << Describe(s.problem) << ": a lower bound is unsound";
  EXPECT_LE(out.makespan, TotalWork(s.problem)) << Describe(s.problem) << ": slower than one PE";
  return out;
}

absl::StatusOr<ValidationReport> ValidateSchedule(const Schedule& s,
                                                  const ValidationOptions& options) {
  VectorEventSource events(s);
  return Validate(events, options);
}

absl::StatusOr<SimulationReport> SimulateSchedule(const Schedule& s, uint64_t seed,
                                                  const Cancelled& cancelled) {
  VectorEventSource events(s);
  return Simulate(events, seed, cancelled);
}

std::string ScheduleJsonText(const Schedule& s) {
  VectorEventSource events(s);
  std::ostringstream out;
  EXPECT_TRUE(WriteScheduleJson(events, out).ok());
  return out.str();
}

}  // namespace attnsched::testing
