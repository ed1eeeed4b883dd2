// The attnsched command as users run it: exit statuses, messages, JSON keys.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

using CliRun = testing::CommandResult;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CliRun Cli(const std::string& args) { return testing::RunCommand(absl::StrCat(ATTNSCHED_CLI, " ", args)); }

std::string TempFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/cli_test_" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CliTest, GenerateJsonHasTheDocumentedKeys) {
  CliRun r = Cli("generate --scheme causal --n 32 --d 4 --pes 4 --json");
  ASSERT_EQ(r.exit, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* key : {"scheme", "n", "d", "pes", "events", "makespan_cycles",
                          "lb_work_cycles", "lb_home_cycles", "lb_path_cycles", "work_cycles",
                          "valid", "max_rel_error"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["scheme"], "causal");
  EXPECT_EQ(j["valid"], true);
  EXPECT_LE(j["max_rel_error"].get<double>(), 1e-9);
  EXPECT_EQ(j["makespan_cycles"], j["lb_work_cycles"]);
}

// Without --model the layer is the model: `heads` counts its heads, as
// `scheduled_heads` does, and the "all heads" figures are the layer's own.
TEST(CliTest, GenerateJsonOfALayerCountsItsHeads) {
  CliRun r = Cli("generate --scheme causal --n 8 --d 2 --pes 4 --heads 4 --kv-heads 2 --json");
  ASSERT_EQ(r.exit, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["heads"], 4);
  EXPECT_EQ(j["scheduled_heads"], 4);
  EXPECT_EQ(j["kv_heads"], 2);
  EXPECT_EQ(j["makespan_all_heads_cycles"], j["makespan_cycles"]);
  EXPECT_GE(j["lb_cut_cycles"], j["lb_link_cycles"]);
}

TEST(CliTest, GenerateTableForAModel) {
  CliRun r = Cli("generate --model gpt2 --pes 16");
  ASSERT_EQ(r.exit, 0) << r.err;
  for (const char* field : {"makespan", "LB_work / LB_home / LB_path", "speed-up vs 1 PE",
                            "reduction vs general", "compute util", "link util",
                            "peak words/PE", "max relative error", "wall time", "12 heads"}) {
    EXPECT_THAT(r.out, HasSubstr(field));
  }
}

TEST(CliTest, BadRequestsExitTwoWithTheRule) {
  const struct {
    const char* args;
    const char* message;
  } cases[] = {
      {"generate --model gpt5 --pes 4", "model = \"gpt5\" is not a preset"},
      // --noFLAG takes no value, and only booleans have one (both once a SIGSEGV).
      {"generate --scheme causal --n 5 --d 2 --pes 2 --nosimulate=true",
       "--nosimulate takes no value; write --nosimulate or --simulate=false (--simulate=true for "
       "the opposite)"},
      {"models --nojson=x", "--nojson takes no value"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --nomax-events 3",
       "unknown flag --nomax-events"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --placement 0,1,2,0,1",
       "placement[2] = 2: must be a PE in [0, 2)"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --placement 0,1",
       "--placement: 2 homes given"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --placement diagonal",
       "--placement = \"diagonal\": expected block, cyclic, zigzag or a list"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --link-words 0", "--link-words = 0"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --link-cycles -3", "--link-cycles = -3"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --link-latency 1048577",
       "--link-latency = 1048577: must be in [0, 1048576]"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --link-words 99999999999999999999",
       "--link-words"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --link-words-per-cycle 2 --link-cycles 2",
       "give either it or --link-words and --link-cycles"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --search-events -1", "--search-events = -1"},
      {"generate --scheme causal --n 64 --d 2 --pes 2 --max-words-per-pe 100",
       "--max-words-per-pe = 100: below the 192 words that the PE with the most tokens holds"},
      {"generate --scheme causal --n 64 --d 2 --pes 2 --max-words-per-pe -1",
       "--max-words-per-pe = -1: must be in [0, "},
      {"solve --scheme causal --n 3 --d 1 --pes 2 --max-words-per-pe 100",
       "--max-words-per-pe does not apply to solve"},
      {"generate --scheme causal --n 0 --d 64 --pes 4", "n = 0"},
      {"generate --scheme causal --n -8 --d 64 --pes 4", "n = -8"},
      {"generate --scheme causal --n 8 --d 64", "--pes: required"},
      {"generate --scheme sparse --n 8 --d 4 --pes 2", "scheme = \"sparse\""},
      {"generate --model gpt2 --n 8 --pes 2", "either --model or --scheme"},
      {"generate --model llama-2-7b --pes 64 --max-operations 1000", "operation limit 1000;"},
      {"generate --scheme general --n abc --d 4 --pes 2", "--n=abc"},
      {"generate --frobnicate", "unknown flag --frobnicate"},
      {"frobnicate", "unknown subcommand"},
      {"", "give a subcommand"},
      {"verify", "exactly one schedule FILE"},
      {"verify /nonexistent.json", "cannot open schedule file /nonexistent.json (No such file"},
      {"verify /tmp", "it is a directory"},
      {"verify /tmp/x.json --pes 3", "--pes does not apply to verify"},
      {"models --n 3", "--n does not apply to models"},
      {"generate --scheme causal --n 8 --d 2 --pes 0", "pes = 0: must be in [1, 65536]"},
      {"generate --scheme causal --n 8 --pes 2", "--n and --d: required"},
      {"generate --scheme causal --n 8 --d 2 --pes 2 --max-events -1", "--max-events = -1"},
      {"generate --scheme causal --n 8 --d 2 --pes 2 --max-operations 0", "--max-operations = 0"},
      {"verify /dev/null --max-operations -3", "--max-operations = -3: must be >= 1"},
      {"generate --scheme causal --n 64 --d 2 --pes 2 --max-events 1000", "event limit 1000"},
      {"generate --scheme causal --n 8 --d 2 --pes 2 --out /nonexistent/x.json",
       "--out = /nonexistent/x.json: cannot be written (directory /nonexistent does not exist)"},
      {"solve --scheme causal --n 4 --d 2 --pes 2 --max-sat-memory 0",
       "--max-sat-memory = 0: must be >= 1"},
      {"solve --scheme causal --n 4 --d 2 --pes 2 --max-sat-clauses -5",
       "--max-sat-clauses = -5: must be >= 1"},
      {"solve --scheme causal --n 12 --d 4 --pes 4 --placement block --max-sat-memory 1000000",
       "raise the limit (attnsched --max-sat-memory"},
      // The RPC's flags mean nothing locally: refused, not ignored.
      {"solve --scheme causal --n 4 --d 2 --pes 2 --deadline 1",
       "--deadline applies with --server only (the RPC's deadline; --time-limit bounds"},
      {"generate --scheme causal --n 4 --d 2 --pes 2 --tls-ca /tmp/ca.pem",
       "--tls-ca applies with --server only"},
  };
  for (const auto& c : cases) {
    CliRun r = Cli(c.args);
    EXPECT_EQ(r.exit, 2) << c.args;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.args;
  }
}

// Running out of memory is an error naming a flag the subcommand accepts (it named
// --max-events for solve, which does not take it).
TEST(CliTest, OutOfMemoryNamesTheSubcommandsFlag) {
  const testing::CommandResult r = testing::RunCommand(absl::StrCat(
      "ulimit -v 400000; ", ATTNSCHED_CLI,
      " solve --scheme causal --n 12 --d 4 --pes 4 --placement block --time-limit 20 "
      "--max-sat-memory 100000000000"));
  EXPECT_EQ(r.exit, 2);
  EXPECT_THAT(r.err, HasSubstr("attnsched solve: out of memory; lower --max-sat-memory"));
}

// Stopped by a signal while writing --out, generate leaves neither the file nor its
// temporary (.NAME.partial-PID) behind, for JSON and binary output.
TEST(CliTest, ASignalLeavesNoPartialOutput) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/signal-", getpid());
  ASSERT_EQ(testing::RunCommand(absl::StrCat("rm -rf ", dir, " && mkdir -p ", dir)).exit, 0);
  // (A shell starts background jobs with SIGINT ignored, and so does generate then;
  // SIGINT from a terminal takes the same path as these.)
  for (const auto& [signal, status] : {std::pair{"TERM", 143}, {"HUP", 129}}) {
    for (const char* format : {"json", "binary"}) {
      // 67 million events, about 7 s: still writing when the signal comes, once the
      // temporary has appeared.
      const testing::CommandResult r = testing::RunCommand(absl::StrCat(
          "(", ATTNSCHED_CLI, " generate --scheme causal --n 8192 --d 64 --pes 8 --nosimulate --out ",
          dir, "/out --out-format ", format, " & pid=$!; for i in $(seq 600); do ls -A ", dir,
          " | grep -q partial && break; sleep 0.1; done; kill -", signal,
          " $pid; wait $pid; echo status $?; ls -A ", dir, ")"));
      // The status of a process the signal ended, then nothing in the directory.
      EXPECT_EQ(r.out, absl::StrCat("status ", status, "\n")) << signal << " " << format;
    }
  }
}

TEST(CliTest, JsonErrorsNameTheFieldOnStdout) {
  const struct {
    const char* args;
    const char* field;  // nullptr: none
  } cases[] = {
      {"generate --scheme causal --n 0 --d 2 --pes 2 --json", "--n"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --placement 0,7,0,0,0 --json", "--placement[1]"},
      {"generate --scheme causal --n 5 --d 2 --pes 2 --placement zz --json", "--placement"},
      {"generate --frobnicate --json", nullptr},
  };
  for (const auto& c : cases) {
    CliRun r = Cli(c.args);
    EXPECT_EQ(r.exit, 2) << c.args;
    const nlohmann::json error = nlohmann::json::parse(r.out)["error"];
    EXPECT_EQ(error["code"], "INVALID_ARGUMENT") << c.args;
    EXPECT_EQ(error["exit_status"], 2) << c.args;
    if (c.field == nullptr) {
      EXPECT_TRUE(error["field"].is_null()) << c.args;
    } else {
      EXPECT_EQ(error["field"], c.field) << c.args;
    }
    EXPECT_FALSE(r.err.empty()) << c.args;  // the text still goes to stderr
  }
}

TEST(CliTest, VerifyRoundTripAndBrokenFiles) {
  const std::string path = ::testing::TempDir() + "/cli_test_verify.json";
  ASSERT_EQ(Cli("generate --scheme shared --n 12 --d 3 --pes 3 --out " + path).exit, 0);
  CliRun ok = Cli("verify " + path + " --json");
  ASSERT_EQ(ok.exit, 0) << ok.err;
  EXPECT_EQ(nlohmann::json::parse(ok.out)["valid"], true);

  const std::string text = Slurp(path);
  CliRun truncated = Cli("verify " + TempFile("cut.json", text.substr(0, text.size() - 40)));
  EXPECT_EQ(truncated.exit, 2);
  EXPECT_THAT(truncated.err, HasSubstr("malformed JSON at byte"));

  // Drop the last event: a missing operation makes the schedule invalid (exit 1).
  const size_t last = text.rfind(",\n{");
  CliRun invalid = Cli("verify --json " +
                    TempFile("missing.json", text.substr(0, last) + "\n]}\n"));
  EXPECT_EQ(invalid.exit, 1) << invalid.err;
  const nlohmann::json j = nlohmann::json::parse(invalid.out);
  EXPECT_EQ(j["valid"], false);
  EXPECT_EQ(j["violation"]["rule"], "missing_operation");
  // Figures of the timing mean nothing for an invalid schedule: null, and "-" in the table.
  for (const char* key : {"makespan_cycles", "speedup_vs_one_pe", "makespan_over_lb_work"}) {
    EXPECT_TRUE(j[key].is_null()) << key;
  }
  EXPECT_THAT(Cli("verify " + TempFile("missing.json", text.substr(0, last) + "\n]}\n")).out,
              HasSubstr("- (invalid)"));

  // A PE out of range is a rule violation with its location.
  std::string bad_pe = text;
  bad_pe.replace(bad_pe.find("\"pe\":0"), 6, "\"pe\":7");
  CliRun pe = Cli("verify " + TempFile("pe.json", bad_pe));
  EXPECT_EQ(pe.exit, 1);
  EXPECT_THAT(pe.out, HasSubstr("PE 7 is out of range [0, 3)"));

  // 120 KB of nested arrays in an event (once a SIGSEGV): a file error, exit 2.
  const std::string events = text.substr(0, text.find("\"events\":[") + 10);
  CliRun nested = Cli("verify " + TempFile("nested.json", events + std::string(120'000, '[')));
  EXPECT_EQ(nested.exit, 2);
  EXPECT_THAT(nested.err, HasSubstr("events[0]: an array is not allowed here"));
}

// A binary file (--out-format binary) verifies to the same summary as the JSON file;
// a file that breaks its declared start order is a file error naming the event.
TEST(CliTest, BinaryFilesVerifyLikeJsonFiles) {
  const std::string json = ::testing::TempDir() + "/cli_test_same.json";
  const std::string binary = ::testing::TempDir() + "/cli_test_same.bin";
  const std::string compact = ::testing::TempDir() + "/cli_test_same.compact";
  const std::string shape = "generate --segments 90c,50b,20p --window 40 --d 2 --pes 3 --out ";
  ASSERT_EQ(Cli(shape + json).exit, 0);
  ASSERT_EQ(Cli(shape + binary + " --out-format binary").exit, 0);
  ASSERT_EQ(Cli(shape + compact + " --out-format compact").exit, 0);
  CliRun a = Cli("verify --json " + json), b = Cli("verify --json " + binary),
         c = Cli("verify --json " + compact);
  ASSERT_EQ(a.exit, 0) << a.err;
  ASSERT_EQ(b.exit, 0) << b.err;
  ASSERT_EQ(c.exit, 0) << c.err;
  nlohmann::json ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out),
                 jc = nlohmann::json::parse(c.out);
  for (nlohmann::json* j : {&ja, &jb, &jc}) j->erase("wall_seconds");
  EXPECT_EQ(ja, jb);
  EXPECT_EQ(ja, jc);
  EXPECT_LT(std::filesystem::file_size(binary), std::filesystem::file_size(json));
  EXPECT_LT(4 * std::filesystem::file_size(compact), std::filesystem::file_size(binary));
  // A schedule read whole (prove) is refused by its announced total, before its runs
  // are expanded.
  CliRun limited = Cli("prove " + compact + " --max-events 1000");
  EXPECT_EQ(limited.exit, 2);
  EXPECT_THAT(limited.err, HasSubstr("has more than 1000 events, the event limit"));

  CliRun format = Cli(shape + binary + " --out-format xml");
  EXPECT_EQ(format.exit, 2);
  EXPECT_THAT(format.err, HasSubstr("--out-format = xml: must be json, binary or compact"));

  const std::string text = Slurp(json);
  const size_t value = text.rfind("{\"start\":") + 9;  // the last event, moved to cycle 0
  const std::string moved = text.substr(0, value) + "0" + text.substr(text.find(',', value));
  CliRun order = Cli("verify " + TempFile("order.json", moved));
  EXPECT_EQ(order.exit, 2) << order.out;
  EXPECT_THAT(order.err, HasSubstr("but the file declares \"event_order\": \"start\""));
}

// A tiled schedule: its file states the tile, verifies to the same summary in JSON and
// binary, and counts tiles in its indices; SAT refuses tiles.
TEST(CliTest, TiledSchedulesRoundTripThroughFiles) {
  const std::string json = ::testing::TempDir() + "/cli_test_tiled.json";
  const std::string binary = ::testing::TempDir() + "/cli_test_tiled.bin";
  const std::string shape = "generate --segments 30c,9b,3p --window 12 --tile 4 --d 2 --pes 3 ";
  const CliRun made = Cli(shape + "--json --out " + json);
  ASSERT_EQ(made.exit, 0) << made.err;
  ASSERT_EQ(Cli(shape + "--out-format binary --out " + binary).exit, 0);
  const nlohmann::json file = nlohmann::json::parse(Slurp(json));
  EXPECT_EQ(file["instance"]["tile"], 4);
  EXPECT_EQ(file["instance"]["n"], 42);
  EXPECT_EQ(file["placement"].size(), 11u);  // one home per tile
  CliRun a = Cli("verify --json " + json), b = Cli("verify --json " + binary);
  ASSERT_EQ(a.exit, 0) << a.err;
  ASSERT_EQ(b.exit, 0) << b.err;
  nlohmann::json generated = nlohmann::json::parse(made.out), ja = nlohmann::json::parse(a.out),
                 jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["makespan_cycles"], generated["makespan_cycles"]);
  EXPECT_EQ(ja["tiles"], 11);
  EXPECT_EQ(ja["simulated_rows"], 42);
  ja.erase("wall_seconds");
  jb.erase("wall_seconds");
  EXPECT_EQ(ja, jb);

  // More tiles than a tiled general mask may have (the summary's comparison once built
  // one and crashed): a window keeps this instance small.
  const CliRun windowed = Cli("generate --scheme causal --n 32770 --window 2 --d 1 --pes 4 "
                              "--tile 2 --nosimulate --json");
  ASSERT_EQ(windowed.exit, 0) << windowed.err;
  EXPECT_EQ(nlohmann::json::parse(windowed.out)["makespan_over_lb_work"], 1.0);

  // Inputs too large to simulate: refused before generating, naming --nosimulate.
  const CliRun big = Cli("generate --scheme causal --n 1048576 --d 1024 --pes 64 --tile 65536");
  EXPECT_EQ(big.exit, 2);
  EXPECT_THAT(big.err, HasSubstr("the inputs alone need 25769803776 bytes"));
  EXPECT_THAT(big.err, HasSubstr("--nosimulate"));
  // The placement counts tiles, and the error says how many homes it needs.
  const CliRun homes = Cli("generate --scheme causal --n 10 --d 2 --pes 2 --tile 3 "
                           "--placement 0,0,0,1,1,1,0,0,0,1");
  EXPECT_EQ(homes.exit, 2);
  EXPECT_THAT(homes.err, HasSubstr("--placement: 10 homes given; it needs 4"));

  const CliRun solve = Cli("solve --scheme causal --n 4 --d 1 --pes 2 --tile 2");
  EXPECT_EQ(solve.exit, 2);
  EXPECT_THAT(solve.err, HasSubstr("--tile = 2: the SAT engine schedules tokens, not tiles"));
}

// No server at --server: exit 4 and a sentence that says what to check before gRPC's
// own words.
TEST(CliTest, AnUnreachableServerIsNamedWithWhatToCheck) {
  CliRun r = Cli("generate --scheme causal --n 8 --d 2 --pes 2 --server 127.0.0.1:1 --deadline 5");
  EXPECT_EQ(r.exit, 4) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--server = 127.0.0.1:1: the server is unavailable (not running "
                               "or not reachable at that address, or shutting down; check "
                               "--server and try again). gRPC says: "));
}

TEST(CliTest, AFailedWriteIsAnErrorNotSuccess) {
  const std::string err = ::testing::TempDir() + "/cli_test_full.err";
  const std::string cmd = absl::StrCat(ATTNSCHED_CLI, " models >/dev/full 2>", err);
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 2);
  EXPECT_THAT(Slurp(err), HasSubstr("writing the output failed"));
}

// trace, gantt and program read a file or generate flags alike, and write whole
// outputs; the program of a PE matches the schedule file's events on it.
TEST(CliTest, TraceGanttAndProgramOfAFileAndOfGenerateFlags) {
  const std::string dir = ::testing::TempDir();
  const std::string schedule = dir + "/cli_test_pictures.json";
  ASSERT_EQ(Cli("generate --scheme causal --n 8 --d 2 --pes 4 --out " + schedule).exit, 0);
  for (const std::string& input : {schedule, std::string("--scheme causal --n 8 --d 2 --pes 4")}) {
    CliRun trace = Cli("trace " + input + " --out " + dir + "/cli_test_t.json --json");
    ASSERT_EQ(trace.exit, 0) << trace.err;
    const nlohmann::json t = nlohmann::json::parse(Slurp(dir + "/cli_test_t.json"));
    EXPECT_EQ(
        nlohmann::json::parse(trace.out)["slices"], t["traceEvents"].size() - [&] {
          int64_t other = 0;
          for (const auto& e : t["traceEvents"]) other += e["ph"] != "X";
          return other;
        }());
    CliRun gantt = Cli("gantt " + input + " --out " + dir + "/cli_test_g.svg");
    ASSERT_EQ(gantt.exit, 0) << gantt.err;
    EXPECT_THAT(Slurp(dir + "/cli_test_g.svg"), HasSubstr("<svg"));
    CliRun program = Cli("program " + input + " --pe 3 --noloops --json");
    ASSERT_EQ(program.exit, 0) << program.err;
    const nlohmann::json j = nlohmann::json::parse(program.out);
    ASSERT_EQ(j["programs"].size(), 1u);
    EXPECT_EQ(j["programs"][0]["pe"], 3);
    const nlohmann::json file = nlohmann::json::parse(Slurp(schedule));
    int64_t on_three = 0;
    for (const auto& e : file["events"]) {
      on_three +=
          e.value("pe", -1) == 3 || e.value("from_pe", -1) == 3 || e.value("to_pe", -1) == 3;
    }
    EXPECT_EQ(j["programs"][0]["instructions"].size(), on_three);
    EXPECT_EQ(j["programs"][0]["instructions_total"], on_three);
  }
  CliRun text = Cli("program " + schedule);
  ASSERT_EQ(text.exit, 0);
  EXPECT_THAT(text.out, HasSubstr("PE 0:\n"));
  EXPECT_THAT(text.out, HasSubstr("compute dot(0,0)"));
  EXPECT_THAT(text.out, HasSubstr("# PE 3: "));
}

TEST(CliTest, TraceGanttAndProgramRefuseBadFlagsNamingThem) {
  const std::string dir = ::testing::TempDir();
  const std::string small = "--scheme general --n 4 --d 2 --pes 2";
  const std::string file = dir + "/cli_test_refused.json";
  ASSERT_EQ(Cli("generate " + small + " --out " + file).exit, 0);
  const struct {
    std::string args, message;
  } cases[] = {
      {"trace " + small, "--out: give the trace's file"},
      {"trace " + small + " --out /nonexistent/t.json", "--out = /nonexistent/t.json"},
      {"trace " + small + " --out " + dir + "/x.json --from -1", "--from = -1"},
      {"trace " + small + " --out " + dir + "/x.json --from 5 --to 5",
       "--to = 5: must be above --from"},
      {"trace " + small + " --out " + dir + "/x.json --from 100000",
       "--from = 100000: the schedule's last event ends at cycle"},
      {"trace " + small + " --out " + dir + "/x.json --max-trace-events 3",
       "more than 3 trace events"},
      {"trace " + small + " --out " + dir + "/x.json --max-trace-events 0",
       "--max-trace-events = 0"},
      {"trace " + small + " --out " + dir + "/x.json --pe 1", "--pe does not apply to trace"},
      {"gantt " + small + " --out " + dir + "/x.svg --style pie", "--style = pie"},
      {"gantt " + small + " --out " + dir + "/x.svg --bins 0", "--bins = 0"},
      {"gantt " + small, "--out: give the picture's file"},
      {"program " + small + " --pe 2", "--pe = 2: out of range [0, 2)"},
      {"program " + small + " --pe -2", "--pe = -2"},
      {"program " + small + " --out /nonexistent/p.txt", "--out = /nonexistent/p.txt"},
      {"program " + small + " --server localhost:1", "--server: program runs in-process only"},
      {"program " + file + " --max-events 3", "more than 3 instructions"},
  };
  for (const auto& c : cases) {
    CliRun run = Cli(c.args);
    EXPECT_EQ(run.exit, 2) << c.args << "\n" << run.err;
    EXPECT_THAT(run.err, HasSubstr(c.message)) << c.args;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.json")) << "a refused trace leaves no file";
  // An invalid schedule is drawn by none of them: exit 1 with the violation.
  const std::string text = Slurp(file);
  const std::string cut =
      TempFile("cut_pictures.json", text.substr(0, text.rfind(",\n{")) + "\n]}\n");
  // Events on PEs the machine does not have reach no writer (once a crash of trace and
  // program, which index their tracks by PE).
  std::vector<std::string> invalid = {cut};
  for (const char* pe : {"\"pe\":4", "\"pe\":-1", "\"pe\":2147483647", "\"from_pe\":9"}) {
    std::string bad = text;
    const std::string key = absl::StartsWith(pe, "\"pe") ? "\"pe\":0" : "\"from_pe\":0";
    bad.replace(bad.find(key), key.size(), pe);
    invalid.push_back(TempFile(absl::StrCat("bad_pe_", invalid.size(), ".json"), bad));
  }
  for (const std::string& schedule : invalid) {
    for (const std::string command : {"trace", "gantt", "program"}) {
      CliRun run = Cli(command + " " + schedule + " --out " + dir + "/cli_test_invalid.out");
      EXPECT_EQ(run.exit, 1) << command << " " << schedule << run.err;
      EXPECT_THAT(run.err, HasSubstr("the schedule is invalid: "));
      EXPECT_FALSE(std::filesystem::exists(dir + "/cli_test_invalid.out"));
    }
  }
}

TEST(CliTest, SolveAndProveWithProofAndDimacs) {
  const std::string dir = ::testing::TempDir();
  CliRun solve =
      Cli("solve --scheme causal --n 3 --d 1 --pes 3 --json --proof " + dir +
          "/cli_test.drat --dimacs " + dir + "/cli_test.cnf --out " + dir + "/cli_test_opt.json");
  ASSERT_EQ(solve.exit, 0) << solve.err;
  const nlohmann::json j = nlohmann::json::parse(solve.out);
  EXPECT_EQ(j["status"], "OPTIMAL");
  EXPECT_EQ(j["optimal"], true);
  EXPECT_EQ(j["makespan_cycles"], 9);
  EXPECT_EQ(j["lower_bound_cycles"], 8);
  EXPECT_EQ(j["proof"], "drat_checked");
  EXPECT_EQ(j["unsat_by"], "CaDiCaL") << "a DRAT proof is CaDiCaL's answer";
  for (const char* key : {"solve_seconds", "variables", "clauses"}) EXPECT_TRUE(j.contains(key));
  EXPECT_THAT(Slurp(dir + "/cli_test.cnf"), HasSubstr("p cnf "));
  EXPECT_THAT(Slurp(dir + "/cli_test.cnf"), HasSubstr("makespan <= 8 cycles"));

  CliRun prove = Cli("prove --json " + dir + "/cli_test_opt.json");
  ASSERT_EQ(prove.exit, 0) << prove.err;
  EXPECT_EQ(nlohmann::json::parse(prove.out)["status"], "OPTIMAL");
  // The race (on by default) names the solver that answered; --race=false is CaDiCaL.
  for (const std::string race : {"", " --race=false"}) {
    CliRun raced = Cli("solve --scheme causal --n 4 --d 2 --pes 4 --json" + race);
    ASSERT_EQ(raced.exit, 0) << raced.err;
    const nlohmann::json r = nlohmann::json::parse(raced.out);
    EXPECT_EQ(r["makespan_cycles"], 19) << race;
    EXPECT_EQ(r["proof"], "unsat") << race;
    const std::string by = r["unsat_by"];
    EXPECT_TRUE(by == "CaDiCaL" || (race.empty() && absl::StartsWith(by, "CryptoMiniSat 5.")))
        << race << ": " << by;
  }

  ASSERT_EQ(Cli("generate --scheme causal --n 4 --d 2 --pes 4 --out " + dir + "/cli_test_g.json").exit, 0);
  CliRun better = Cli("prove " + dir + "/cli_test_g.json");
  EXPECT_EQ(better.exit, 1);
  EXPECT_THAT(better.out, HasSubstr("IMPROVABLE"));

  CliRun limited = Cli("solve --scheme causal --n 8 --d 2 --pes 4 --placement block --time-limit 0.3");
  EXPECT_EQ(limited.exit, 3);
  EXPECT_THAT(limited.out, HasSubstr("stopped by the time limit"));

  // Bad input: exit 2 and a message naming the problem. Output files that cannot be
  // written are refused before the search, not after it.
  const std::pair<std::string, std::string> refused[] = {
      {"solve --scheme causal --n 4 --d 2 --pes 2 --placement 0,0,7", "--placement: 3 homes given"},
      {"solve --scheme causal --n 2 --d 1 --pes 2 --proof /nonexistent/p.drat",
       "cannot be written"},
      {"solve --scheme causal --n 2 --d 1 --pes 2 --out /nonexistent/w.json", "cannot be written"},
      {"solve --scheme causal --n 2 --d 1 --pes 2 --dimacs /tmp", "cannot be written"},
      {"prove " + dir + "/cli_test_g.json --proof /nonexistent/p.drat", "cannot be written"},
      {"solve --scheme causal --n 2 --d 1 --pes 2 --proof " + dir + "/cli_test_same --out " + dir +
           "/./cli_test_same",
       "/cli_test_same: the same file as --out (one would overwrite the other)"},
      {"solve --scheme causal --n 4 --d 2 --pes 2 --plan-evaluations -1",
       "--plan-evaluations = -1: must be >= 0"}};
  for (const auto& [args, message] : refused) {
    CliRun r = Cli(args);
    EXPECT_EQ(r.exit, 2) << args;
    EXPECT_THAT(r.err, HasSubstr(message)) << args;
  }
}

// --confirm: an UNSAT answer solved again by CryptoMiniSat, named in the output; a
// formula over the limits is refused before either solver runs.
TEST(CliTest, ConfirmNamesTheSecondSolver) {
  CliRun solve =
      Cli("solve --scheme causal --n 4 --d 2 --pes 2 --placement block --confirm --json");
  ASSERT_EQ(solve.exit, 0) << solve.err;
  const nlohmann::json j = nlohmann::json::parse(solve.out);
  EXPECT_EQ(j["proof"], "unsat");
  EXPECT_THAT(j["confirmed_by"].get<std::string>(), HasSubstr("CryptoMiniSat 5."));
  EXPECT_GT(j["confirm_seconds"].get<double>(), 0);
  const std::string witness = ::testing::TempDir() + "/cli_test_confirm.json";
  ASSERT_EQ(
      Cli("solve --scheme causal --n 4 --d 2 --pes 2 --placement block --out " + witness).exit, 0);
  CliRun prove = Cli("prove " + witness + " --confirm");
  ASSERT_EQ(prove.exit, 0) << prove.err;
  EXPECT_THAT(prove.out, HasSubstr("confirmed   by CryptoMiniSat 5."));
  CliRun big =
      Cli("solve --scheme causal --n 4 --d 2 --pes 2 --placement block --confirm "
          "--max-sat-clauses 100");
  EXPECT_EQ(big.exit, 2);
  EXPECT_THAT(big.err, HasSubstr("--max-sat-clauses"));
}

// An output this answer has nothing for (no DRAT proof for a lower-bound optimum, no
// better schedule for prove's --out) leaves no file from an earlier run behind; a
// device named as the output stays.
TEST(CliTest, StaleOutputsAreRemovedWhenThisAnswerHasNone) {
  const std::string proof = TempFile("stale.drat", "an earlier instance's proof\n");
  CliRun solve = Cli("solve --scheme general --n 4 --d 1 --pes 2 --json --proof " + proof);
  ASSERT_EQ(solve.exit, 0) << solve.err;
  EXPECT_EQ(nlohmann::json::parse(solve.out)["proof"], "lower_bound");
  EXPECT_FALSE(std::filesystem::exists(proof));
  const std::string witness = ::testing::TempDir() + "/cli_test_stale_witness.json";
  ASSERT_EQ(
      Cli("solve --scheme causal --n 4 --d 2 --pes 2 --placement block --out " + witness).exit, 0);
  const std::string out = TempFile("stale_better.json", "an earlier better schedule\n");
  CliRun prove = Cli("prove " + witness + " --out " + out + " --proof " + proof);
  ASSERT_EQ(prove.exit, 0) << prove.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_THAT(Slurp(proof), HasSubstr("\n0\n")) << "an UNSAT proof's DRAT ends in the empty clause";
  ASSERT_EQ(Cli("solve --scheme general --n 4 --d 1 --pes 2 --proof /dev/null").exit, 0);
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
}

TEST(CliTest, LostOutputIsAnErrorNotSuccess) {
  // Writes to /dev/full fail: exit 2 naming the flag, never "drat_checked" with no proof.
  const std::pair<std::string, std::string> cases[] = {
      {"solve --scheme causal --n 3 --d 1 --pes 3 --json --proof /dev/full",
       "--proof = /dev/full: writing failed"},
      {"solve --scheme causal --n 2 --d 1 --pes 2 --dimacs /dev/full",
       "--dimacs = /dev/full: writing failed"},
      {"solve --scheme causal --n 2 --d 1 --pes 2 --out /dev/full",
       "--out = /dev/full: writing failed"},
      {"generate --scheme causal --n 8 --d 2 --pes 2 --out /dev/full",
       "--out = /dev/full: writing failed"},
  };
  for (const auto& [args, message] : cases) {
    CliRun r = Cli(args);
    EXPECT_EQ(r.exit, 2) << args;
    EXPECT_THAT(r.err, HasSubstr(message)) << args;
    EXPECT_THAT(r.out, ::testing::Not(HasSubstr("drat_checked"))) << args;
  }
}

TEST(CliTest, LocalSearchClosesWhatSatLeftOpen) {
  // Causal n=8, d=2 on 2 PEs, cyclic homes: ring rotation gives 100, LB_work is 90;
  // SAT alone stayed at 93 after 300 s. The local search reaches 90: no formula.
  CliRun r = Cli("solve --json --scheme causal --n 8 --d 2 --pes 2 --placement cyclic");
  ASSERT_EQ(r.exit, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "OPTIMAL");
  EXPECT_EQ(j["proof"], "lower_bound");
  EXPECT_EQ(j["makespan_cycles"], 90);
  EXPECT_EQ(j["upper_bound_cycles"], 90);
  EXPECT_EQ(j["variables"], 0);
}

TEST(CliTest, ModelsListsPresetsWithSources) {
  CliRun r = Cli("models");
  ASSERT_EQ(r.exit, 0);
  for (const char* name : {"bert-base", "gpt2", "llama-2-7b", "bert-base-shared", "source:"}) {
    EXPECT_THAT(r.out, HasSubstr(name));
  }
}

TEST(CliTest, HelpExplainsEveryFlag) {
  CliRun r = Cli("--help");
  ASSERT_EQ(r.exit, 0);
  for (const char* flag : {"--model", "--scheme", "--n ", "--d ", "--pes", "--seed", "--json",
                           "--out", "--max-events", "--simulate", "--c-dot",
                           "--link-words-per-cycle"}) {
    EXPECT_THAT(r.out, HasSubstr(flag));
  }
}

TEST(CliTest, ADotAcrossDocumentsIsRefusedByVerify) {
  // segments 2c,2c: row 2 starts the second document, so dot(2,1) is no operation.
  const std::string file = ::testing::TempDir() + "/cli_test_documents.json";
  ASSERT_EQ(Cli("generate --segments 2c,2c --d 2 --pes 2 --placement block --out " + file).exit, 0);
  std::ifstream in(file);
  nlohmann::json schedule = nlohmann::json::parse(in);
  EXPECT_EQ(schedule["instance"]["segments"], "2c,2c");
  bool renamed = false;
  for (nlohmann::json& e : schedule["events"]) {
    if (e.contains("op") && e["op"] == "dot(2,2)") {
      e["op"] = "dot(2,1)";
      renamed = true;
    }
  }
  ASSERT_TRUE(renamed);
  std::ofstream(file) << schedule.dump();
  const CliRun r = Cli("verify " + file);
  EXPECT_EQ(r.exit, 1);
  EXPECT_THAT(r.out, HasSubstr("dot(2,1) is not an operation of the instance"));
  EXPECT_THAT(r.out, HasSubstr("key 1 is outside it"));
  EXPECT_THAT(r.out, HasSubstr("cycle "));
}

TEST(CliTest, BadMasksNameTheFlagAndTheValue) {
  const struct {
    const char* args;
    const char* field;
    const char* message;
  } cases[] = {
      {"--segments 3c,0c --d 2", "--segments", "entry 1 \"0c\" has no length >= 1"},
      {"--segments 3c,4q --d 2", "--segments", "entry 1 \"4q\" does not end with c, b or p"},
      {"--segments 3c,,4c --d 2", "--segments", "entry 1 \"\" is empty"},
      {"--segments 4c --n 5 --d 2", "--n", "--n = 5 but the segments sum to 4 tokens"},
      {"--scheme causal --n 8 --window -3 --d 2", "--window", "--window = -3: must be in [0, 1048576]"},
      {"--scheme causal --n 8 --window 99999999999 --d 2", "--window",
       "--window = 99999999999: must be in [0, 1048576]"},
      {"--model gpt2 --window 4", "--model", "--model: sets the mask"},
      {"--model gpt2 --shared", "--model", "--model: sets the mask"},
      {"--segments 8c --scheme causal --d 2", "--segments", "not together with a scheme"},
      {"--segments 99999999999999999999c --d 2", "--segments", "has a length too large"},
      {"--segments 4p,2p --d 2", "--segments", "every token is padding"},
      {"--scheme causal --segments 4c --n 4 --d 2", "--segments", "not together with a scheme"},
      {"--model gpt2 --segments 4c", "--model", "give either --model or --scheme (or --segments)"},
      {"--scheme causal --n 8 --tile 0 --d 2", "--tile", "--tile = 0: must be in [1, 8]"},
      {"--segments 4c,3p --tile 8 --d 2", "--tile", "--tile = 8: must be in [1, 7]"},
      {"--model gpt2 --tile 2000", "--tile", "--tile = 2000: must be in [1, 1024]"},
      {"--scheme causal --n 8 --d 2 --heads 0", "--heads", "--heads = 0: must be in [1, 1024]"},
      {"--scheme causal --n 8 --d 2 --heads 6 --kv-heads 4", "--kv-heads",
       "--kv-heads = 4: must divide heads = 6"},
      {"--scheme causal --n 8 --d 2 --heads 4 --kv-heads -1", "--kv-heads",
       "--kv-heads = -1: must be in [1, 1024]"},
      {"--scheme general --n 8 --d 2 --shared --heads 4 --kv-heads 2", "--kv-heads",
       "--kv-heads = 2 with shared inputs: must equal heads = 4"},
      {"--scheme causal --n 524288 --d 2 --heads 4", "--heads",
       "--heads = 4: the layer holds heads x n = 2097152 tokens"},
      {"--model llama-3-8b --heads 6", "--heads", "llama-3-8b has 32 heads in groups of 4"},
      {"--model llama-3-8b --heads 33", "--heads", "--heads = 33"},
      {"--model llama-3-8b --kv-heads 8", "--kv-heads", "--kv-heads: not with --model"},
  };
  for (const auto& c : cases) {
    const CliRun r = Cli(absl::StrCat("generate ", c.args, " --pes 2 --json"));
    EXPECT_EQ(r.exit, 2) << c.args;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.args;
    const nlohmann::json error = nlohmann::json::parse(r.out)["error"];
    EXPECT_EQ(error["code"], "INVALID_ARGUMENT") << c.args;
    if (c.field != nullptr) {
      EXPECT_EQ(error["field"], c.field) << c.args;
    }
  }
}

}  // namespace
}  // namespace attnsched
