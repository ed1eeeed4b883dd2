// The real attnsched-server on loopback, started and stopped by the tests: every
// RPC against local mode, bad requests, health, a full queue, cancellation, and
// SIGTERM under load.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "attnsched/v1/chunks.h"
#include "attnsched/v1/convert.h"
#include "attnsched/v1/scheduler.grpc.pb.h"
#include "client/remote.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "lib/schedule/validator.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace attnsched {
namespace {

using ::testing::HasSubstr;

// attnsched-server in a child process; SIGTERM and reaped on destruction.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args) {
    log_ = absl::StrCat(::testing::TempDir(), "/server_test_", getpid(), "_", ++count_, ".log");
    // No drain delay unless a test asks for one (later flags win).
    args.insert(args.begin(), {ATTNSCHED_SERVER, "--listen", "127.0.0.1:0", "--drain_delay=0"});
    pid_ = fork();
    if (pid_ == 0) {
      std::freopen(log_.c_str(), "w", stderr);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int k = 0; k < 500 && address_.empty(); ++k) {  // up to 5 s
      absl::SleepFor(absl::Milliseconds(10));
      const std::string text = Log();
      const size_t at = text.find("listening on ");
      const size_t end = text.find('\n', at);
      if (at != std::string::npos && end != std::string::npos) {
        address_ = text.substr(at + 13, end - at - 13);
      }
    }
  }
  ~ServerProcess() {
    if (pid_ > 0) Terminate(absl::Seconds(30));
  }

  const std::string& address() const { return address_; }
  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void Signal(int sig) const { kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits up to `limit`; returns the exit status (-1: still running,
  // then killed).
  int Terminate(absl::Duration limit) {
    Signal(SIGTERM);
    return Reap(limit);
  }
  int Reap(absl::Duration limit) {
    const absl::Time end = absl::Now() + limit;
    int status = 0;
    while (absl::Now() < end) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }

 private:
  static inline int count_ = 0;
  pid_t pid_ = -1;
  std::string log_;
  std::string address_;
};

v1::Problem ProblemProto(Scheme scheme, int64_t n, int64_t d, int64_t m) {
  v1::Problem p;
  rpc::ProblemToProto(MakeProblem(scheme, n, d, m), &p);
  return p;
}

std::unique_ptr<v1::Scheduler::Stub> Connect(const ServerProcess& server) {
  return v1::Scheduler::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
}

void SetDeadline(grpc::ClientContext& context, absl::Duration d) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + d));
}

// A search that takes far longer than any test (causal n=8, d=2, m=4, block: local
// search stops at 59 cycles after about 2 s, the SAT optimum is 54).
v1::SolveRequest HardSolve() {
  v1::SolveRequest r;
  *r.mutable_problem() = ProblemProto(Scheme::kCausal, 8, 2, 4);
  for (int32_t h : BlockPlacement(8, 4)) r.add_placement(h);
  return r;
}

// Reads a SolveOptimal stream to its end; returns the final status.
grpc::Status Drain(grpc::ClientReader<v1::SolveProgress>& reader) {
  v1::SolveProgress progress;
  while (reader.Read(&progress)) {
  }
  return reader.Finish();
}

// A small SolveOptimal, retried every 5 ms while the only worker is still busy (up to
// `within`): the last status, and when the accepted attempt was sent.
struct SmallSolve {
  grpc::Status status = grpc::Status::CANCELLED;
  absl::Time sent;
};
SmallSolve SolveSmallOnceFree(v1::Scheduler::Stub& stub, absl::Duration within) {
  const absl::Time start = absl::Now();
  SmallSolve out;
  while (absl::Now() - start < within) {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(10));
    v1::SolveRequest small;
    *small.mutable_problem() = ProblemProto(Scheme::kCausal, 2, 1, 2);
    out.sent = absl::Now();
    out.status = Drain(*stub.SolveOptimal(&context, small));
    if (out.status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  // No races: local and remote answers are compared field by field, and a race's
  // witness depends on timing (ServerMetricsTest covers a racing server).
  ServerProcess server_{{"--workers", "2", "--queue", "4", "--sat_race=false"}};
};

TEST_F(ServerTest, EveryRpcMatchesLocalMode) {
  ASSERT_FALSE(server_.address().empty()) << server_.Log();
  auto stub = Connect(server_);
  const Schedule local = testing::MustGenerate(Scheme::kCausal, 64, 8, 4);
  const int64_t local_makespan = testing::ValidateSchedule(local)->stats.makespan;

  v1::GenerateRequest generate;
  *generate.mutable_problem() = ProblemProto(Scheme::kCausal, 64, 8, 4);
  generate.set_simulate(true);
  {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(30));
    v1::GenerateResponse response;
    grpc::Status s = stub->GenerateSchedule(&context, generate, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.summary().makespan_cycles(), local_makespan);
    EXPECT_TRUE(response.summary().valid());
    EXPECT_LE(response.summary().max_rel_error(), 1e-9);
    EXPECT_EQ(rpc::ScheduleFromProto(response.schedule())->events, local.events);
  }
  std::vector<Event> streamed;
  {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(30));
    auto reader = stub->StreamSchedule(&context, generate);
    v1::ScheduleChunk chunk;
    Problem problem;
    while (reader->Read(&chunk)) {
      if (chunk.chunk_index() == 0) problem = *rpc::ProblemFromProto(chunk.problem());
      for (int k = 0; k < chunk.events_size(); ++k) {
        streamed.push_back(*rpc::EventFromProto(chunk.events(k), k, problem.instance));
      }
      if (chunk.last()) {
        EXPECT_EQ(chunk.summary().makespan_cycles(), local_makespan);
      }
    }
    EXPECT_TRUE(chunk.last());
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_EQ(streamed, local.events);
  }
  {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(30));
    v1::VerifyResponse response;
    auto writer = stub->VerifySchedule(&context, &response);
    VectorEventSource events(local);
    ASSERT_TRUE(rpc::WriteChunks(events, static_cast<int64_t>(local.events.size()), 1000, nullptr,
                                 [&writer](const v1::ScheduleChunk& c) { return writer->Write(c); }));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_TRUE(response.summary().valid());
    EXPECT_EQ(response.summary().makespan_cycles(), local_makespan);
  }
  {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(30));
    v1::SolveRequest request;
    *request.mutable_problem() = ProblemProto(Scheme::kCausal, 3, 1, 3);
    auto reader = stub->SolveOptimal(&context, request);
    v1::SolveProgress progress;
    int attempts = 0;
    v1::SolveResult result;
    while (reader->Read(&progress)) {
      if (progress.has_attempt()) ++attempts;
      if (progress.has_result()) result = progress.result();
    }
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_GE(attempts, 1);
    EXPECT_EQ(result.status(), v1::SolveResult::STATUS_OPTIMAL);
    EXPECT_EQ(result.makespan_cycles(), 9);  // 8 is UNSAT, as in tests/sat_test.cc
    EXPECT_TRUE(testing::ValidateSchedule(*rpc::ScheduleFromProto(result.witness()))->valid());
  }
  {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(30));
    v1::ProveRequest request;
    rpc::ScheduleToProto(testing::MustGenerate(Scheme::kCausal, 4, 2, 4), request.mutable_schedule());
    v1::ProveResponse response;
    ASSERT_TRUE(stub->ProveOptimality(&context, request, &response).ok());
    EXPECT_EQ(response.status(), v1::ProveResponse::STATUS_IMPROVABLE);
    EXPECT_LT(testing::ValidateSchedule(*rpc::ScheduleFromProto(response.better()))->stats.makespan, 20);
  }
}

// Above 300,000 operations StreamSchedule sends each chunk as the schedule is compiled
// and checked: many chunks, the summary in the last one only, and the events those of
// the local generator.
TEST_F(ServerTest, StreamScheduleSendsAsItGenerates) {
  ASSERT_FALSE(server_.address().empty()) << server_.Log();
  auto stub = Connect(server_);
  const Problem p = MakeProblem(Scheme::kCausal, 1024, 8, 4);  // 525,824 operations
  const Schedule local = testing::MustGenerate(p);
  v1::GenerateRequest generate;
  *generate.mutable_problem() = ProblemProto(Scheme::kCausal, 1024, 8, 4);
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(60));
  auto reader = stub->StreamSchedule(&context, generate);
  v1::ScheduleChunk chunk;
  std::vector<Event> streamed;
  int chunks = 0, summaries = 0;
  int64_t total = -2;
  Problem problem;
  while (reader->Read(&chunk)) {
    if (chunks++ == 0) {
      total = chunk.events_total();
      problem = *rpc::ProblemFromProto(chunk.problem());
    }
    summaries += chunk.has_summary() ? 1 : 0;
    for (int k = 0; k < chunk.events_size(); ++k) {
      streamed.push_back(*rpc::EventFromProto(chunk.events(k), k, problem.instance));
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_GT(chunks, 10);
  EXPECT_EQ(summaries, 1);
  ASSERT_TRUE(chunk.last() && chunk.has_summary());
  EXPECT_TRUE(chunk.summary().valid());
  EXPECT_EQ(chunk.summary().events(), total);
  EXPECT_EQ(total, static_cast<int64_t>(local.events.size()));
  EXPECT_EQ(streamed, local.events);
}

// StreamPrograms: every PE's instructions, each transfer as a send and a receive; one
// PE's with loops expands to exactly its events; a PE out of range is named.
TEST_F(ServerTest, StreamProgramsSendsEachPesInstructions) {
  ASSERT_FALSE(server_.address().empty()) << server_.Log();
  auto stub = Connect(server_);
  const Problem p = MakeProblem(Scheme::kCausal, 64, 2, 4);
  const Schedule local = testing::MustGenerate(p);
  auto programs = [&](std::optional<int32_t> pe, bool loops, std::vector<v1::Instruction>& out,
                      v1::ProgramChunk& last) {
    v1::ProgramRequest request;
    *request.mutable_generate()->mutable_problem() = ProblemProto(Scheme::kCausal, 64, 2, 4);
    if (pe) request.set_pe(*pe);
    request.set_loops(loops);
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(60));
    auto reader = stub->StreamPrograms(&context, request);
    while (reader->Read(&last))
      out.insert(out.end(), last.instructions().begin(), last.instructions().end());
    return reader->Finish();
  };
  std::vector<v1::Instruction> all;
  v1::ProgramChunk last;
  ASSERT_TRUE(programs(std::nullopt, false, all, last).ok());
  ASSERT_TRUE(last.last() && last.summary().valid());
  int64_t transfers = 0, receives = 0;
  for (const Event& e : local.events) transfers += e.is_xfer();
  for (const v1::Instruction& in : all) {
    if (in.type() != v1::Instruction::TYPE_RECEIVE) continue;
    ++receives;
    EXPECT_EQ(in.pe(), (in.run().first().pe() + 1) % 4);
    EXPECT_EQ(in.run().first().to_pe(), in.pe());
  }
  EXPECT_EQ(static_cast<int64_t>(all.size()),
            static_cast<int64_t>(local.events.size()) + transfers);
  EXPECT_EQ(receives, transfers);

  std::vector<v1::Instruction> two;
  ASSERT_TRUE(programs(2, true, two, last).ok());
  int64_t expanded = 0, on_two = 0;
  for (const v1::Instruction& in : two) {
    EXPECT_EQ(in.pe(), 2);
    expanded += std::max<int64_t>(1, in.run().count());
  }
  for (const Event& e : local.events) on_two += e.pe == 2 || (e.is_xfer() && e.pe == 1);
  EXPECT_EQ(expanded, on_two);
  EXPECT_LT(two.size() * 4, static_cast<size_t>(on_two)) << "loops shorten the program";

  std::vector<v1::Instruction> none;
  const grpc::Status bad = programs(4, false, none, last);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("pe = 4: out of range [0, 4)"));
}

// With compact set, StreamSchedule sends runs (lib/schedule/event_runs.h) that expand
// to the local generator's events; VerifySchedule takes a compact stream too.
TEST_F(ServerTest, StreamScheduleSendsTheCompactFormOnRequest) {
  ASSERT_FALSE(server_.address().empty()) << server_.Log();
  auto stub = Connect(server_);
  const Schedule local = testing::MustGenerate(MakeProblem(Scheme::kCausal, 1024, 8, 4));
  v1::GenerateRequest generate;
  *generate.mutable_problem() = ProblemProto(Scheme::kCausal, 1024, 8, 4);
  generate.set_compact(true);
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(60));
  auto reader = stub->StreamSchedule(&context, generate);
  std::vector<v1::ScheduleChunk> chunks;
  for (v1::ScheduleChunk chunk; reader->Read(&chunk);) chunks.push_back(chunk);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_FALSE(chunks.empty());
  EXPECT_TRUE(chunks[0].compact());
  int64_t runs = 0;
  for (const v1::ScheduleChunk& c : chunks) runs += c.runs_size();
  EXPECT_LT(20 * runs, static_cast<int64_t>(local.events.size())) << runs << " runs";
  size_t next = 0;
  absl::StatusOr<std::unique_ptr<rpc::ChunkEventSource>> source = rpc::ChunkEventSource::Open(
      [&](v1::ScheduleChunk& c) -> absl::StatusOr<bool> {
        if (next == chunks.size()) return false;
        c = chunks[next++];
        return true;
      },
      0);
  ASSERT_TRUE(source.ok()) << source.status();
  absl::StatusOr<Schedule> streamed = ReadWhole(**source);
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_EQ(streamed->events, local.events);
  ASSERT_TRUE((*source)->summary().has_value());
  EXPECT_TRUE((*source)->summary()->valid());

  grpc::ClientContext verify_context;
  SetDeadline(verify_context, absl::Seconds(60));
  v1::VerifyResponse response;
  auto writer = stub->VerifySchedule(&verify_context, &response);
  for (v1::ScheduleChunk& c : chunks) {
    c.clear_summary();
    ASSERT_TRUE(writer->Write(c));
  }
  writer->WritesDone();
  const grpc::Status verified = writer->Finish();
  ASSERT_TRUE(verified.ok()) << verified.error_message();
  EXPECT_TRUE(response.summary().valid());
  EXPECT_EQ(response.summary().events(), static_cast<int64_t>(local.events.size()));
}

// A client that goes away in the middle of a VerifySchedule stream cancelled the call:
// the server logs CANCELLED, not INVALID_ARGUMENT for a stream cut short.
TEST_F(ServerTest, AVerifyStreamCutByItsClientIsLoggedAsCancelled) {
  ASSERT_FALSE(server_.address().empty()) << server_.Log();
  auto stub = Connect(server_);
  const Schedule local = testing::MustGenerate(Scheme::kCausal, 64, 2, 4);
  std::vector<v1::ScheduleChunk> chunks;
  VectorEventSource events(local);
  ASSERT_TRUE(rpc::WriteChunks(events, static_cast<int64_t>(local.events.size()), 100, nullptr,
                               [&chunks](const v1::ScheduleChunk& c) {
                                 chunks.push_back(c);
                                 return true;
                               }));
  ASSERT_GT(chunks.size(), 2u);
  {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(30));
    v1::VerifyResponse response;
    auto writer = stub->VerifySchedule(&context, &response);
    ASSERT_TRUE(writer->Write(chunks[0]));
    context.TryCancel();
    EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  std::string line;
  for (int k = 0; k < 100; ++k) {  // the handler logs when it returns
    const std::string log = server_.Log();
    const size_t at = log.rfind("rpc method=VerifySchedule");
    if (at != std::string::npos) line = log.substr(at, log.find('\n', at) - at);
    if (!line.empty()) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_THAT(line, HasSubstr("code=CANCELLED")) << server_.Log();
}

TEST_F(ServerTest, BadRequestsNameTheFieldAndTheRule) {
  auto stub = Connect(server_);
  v1::Placement out_of_range, homes_without_kind, unknown_kind;
  out_of_range.set_kind(v1::Placement::KIND_EXPLICIT);
  for (int32_t h : {0, 1, 7, 0, 1}) out_of_range.add_homes(h);
  homes_without_kind.add_homes(0);
  unknown_kind.set_kind(static_cast<v1::Placement::Kind>(9));
  const struct {
    v1::Problem problem;
    v1::Placement placement;
    grpc::StatusCode code;
    const char* message;
  } cases[] = {
      {ProblemProto(Scheme::kCausal, 0, 8, 4), {}, grpc::StatusCode::INVALID_ARGUMENT, "n = 0"},
      {ProblemProto(Scheme::kCausal, 5, 8, 2), out_of_range, grpc::StatusCode::INVALID_ARGUMENT,
       "placement[2] = 7: must be a PE in [0, 2)"},
      {ProblemProto(Scheme::kCausal, 5, 8, 2), homes_without_kind,
       grpc::StatusCode::INVALID_ARGUMENT, "placement.homes: given without"},
      {ProblemProto(Scheme::kCausal, 5, 8, 2), unknown_kind, grpc::StatusCode::INVALID_ARGUMENT,
       "placement.kind = 9"},
      {v1::Problem(), {}, grpc::StatusCode::INVALID_ARGUMENT, "problem.instance.scheme"},
      {ProblemProto(Scheme::kCausal, 4096, 128, 64), {}, grpc::StatusCode::RESOURCE_EXHAUSTED,
       "use StreamSchedule"},
  };
  for (const auto& c : cases) {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(10));
    v1::GenerateRequest request;
    *request.mutable_problem() = c.problem;
    *request.mutable_placement() = c.placement;
    v1::GenerateResponse response;
    grpc::Status s = stub->GenerateSchedule(&context, request, &response);
    EXPECT_EQ(s.error_code(), c.code) << c.message;
    EXPECT_THAT(s.error_message(), HasSubstr(c.message));
  }
  grpc::ClientContext context;
  v1::VerifyResponse response;
  auto writer = stub->VerifySchedule(&context, &response);
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("problem: missing"));
}

TEST_F(ServerTest, BadSolveRequestsAreRefusedBeforeAnyWorkerStarts) {
  // Placements straight from a raw client (the CLI checks its own): every entry out
  // of range is named, none reaches a worker (an index of -1 once crashed one).
  auto stub = Connect(server_);
  const struct {
    std::vector<int32_t> placement;
    double seconds;
    const char* message;
  } cases[] = {
      {{0, -1, 1, 0}, 60, "placement[1] = -1"},
      {{0, 1, 0, 2147483647}, 60, "placement[3] = 2147483647"},
      {{0, 1, 0, -2147483647 - 1}, 60, "placement[3] = -2147483648"},
      {{0, 1}, 60, "placement: 2 homes given"},
      {{}, -1, "time_limit_seconds = -1"},
      {{}, std::numeric_limits<double>::quiet_NaN(), "time_limit_seconds = nan"},
  };
  for (Scheme scheme : {Scheme::kGeneral, Scheme::kShared, Scheme::kCausal}) {
    for (const auto& c : cases) {
      grpc::ClientContext context;
      SetDeadline(context, absl::Seconds(10));
      v1::SolveRequest request;
      *request.mutable_problem() = ProblemProto(scheme, 4, 1, 2);
      for (int32_t h : c.placement) request.add_placement(h);
      request.set_time_limit_seconds(c.seconds);
      const grpc::Status s = Drain(*stub->SolveOptimal(&context, request));
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.message;
      EXPECT_THAT(s.error_message(), HasSubstr(c.message));
    }
  }
}

TEST_F(ServerTest, DratProofsAndConfirmationsAreMadeInTheServer) {
  // causal n=4, d=1 on 2 PEs, block homes: optimum 17, "makespan <= 16" UNSAT, its DRAT
  // proof checked and the answer confirmed by CryptoMiniSat in the SAT worker.
  auto stub = Connect(server_);
  v1::SolveRequest solve;
  *solve.mutable_problem() = ProblemProto(Scheme::kCausal, 4, 1, 2);
  for (int32_t h : BlockPlacement(4, 2)) solve.add_placement(h);
  solve.set_drat_proof(true);
  solve.set_confirm(true);
  grpc::ClientContext solve_context;
  SetDeadline(solve_context, absl::Seconds(30));
  auto reader = stub->SolveOptimal(&solve_context, solve);
  v1::SolveProgress progress, last;
  while (reader->Read(&progress)) last = progress;
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(last.result().makespan_cycles(), 17);
  EXPECT_EQ(last.result().proof(), v1::PROOF_KIND_DRAT_CHECKED);
  EXPECT_THAT(last.result().confirmed_by(), HasSubstr("CryptoMiniSat 5."));
  v1::ProveRequest prove;
  *prove.mutable_schedule() = last.result().witness();
  prove.set_drat_proof(true);
  prove.set_confirm(true);
  grpc::ClientContext prove_context;
  SetDeadline(prove_context, absl::Seconds(30));
  v1::ProveResponse response;
  ASSERT_TRUE(stub->ProveOptimality(&prove_context, prove, &response).ok());
  EXPECT_EQ(response.status(), v1::ProveResponse::STATUS_OPTIMAL);
  EXPECT_EQ(response.proof(), v1::PROOF_KIND_DRAT_CHECKED);
  EXPECT_THAT(response.detail(), HasSubstr("checked online by CaDiCaL in the server"));
  EXPECT_THAT(response.confirmed_by(), HasSubstr("CryptoMiniSat 5."));
}

TEST(ServerStartTest, HelpListsTheFlagsAndABadSatWorkerIsRefused) {
  const testing::CommandResult help =
      testing::RunCommand(absl::StrCat(ATTNSCHED_SERVER, " --help"));
  EXPECT_EQ(help.exit, 0);
  EXPECT_THAT(help.out, HasSubstr("--sat-worker"));
  EXPECT_THAT(help.out, HasSubstr("--max-deadline"));
  const testing::CommandResult version =
      testing::RunCommand(absl::StrCat(ATTNSCHED_SERVER, " --version"));
  EXPECT_EQ(version.exit, 0);
  EXPECT_THAT(version.out, ::testing::MatchesRegex("attnsched-server [0-9]+\\.[0-9]+\\.[0-9]+\n"));
  for (const char* worker : {"/bin/true", "/tmp", "/nonexistent/attnsched-sat-worker"}) {
    const testing::CommandResult r = testing::RunCommand(absl::StrCat(
        ATTNSCHED_SERVER, " --listen 127.0.0.1:0 --sat_worker ", worker));
    EXPECT_EQ(r.exit, 2) << worker;
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat("--sat_worker: ", worker)));
  }
}

TEST(ServerStartTest, BadFlagsAreRefusedAtStartUpByName) {
  // Each once started (or aborted: --workers 100000 was a SIGABRT); dashes work too.
  const std::pair<const char*, const char*> cases[] = {
      {"--plan_evaluations=-5", "--plan_evaluations = -5: must be >= 0"},
      {"--search-events=-1", "--search_events = -1: must be >= 0"},
      {"--workers 100000", "--workers = 100000: must be in [1, 1024]"},
      {"--max-deadline nan", "--max_deadline = nan: must be finite"},
      {"--max_deadline inf", "--max_deadline = inf: must be finite"},
      {"--max_deadline 0", "--max_deadline = 0: must be finite and in (0, 604800]"},
      {"--grace -1", "--grace = -1: must be finite and in [0, 3600]"},
      {"--drain-delay nan", "--drain_delay = nan: must be finite"},
      {"--max_sat_clauses 0", "--max_sat_clauses = 0: must be >= 1"},
      {"--memory-budget-bytes 0", "--memory_budget_bytes = 0: must be >= 1"},
      {"--max-sat-memory-bytes -1", "--max_sat_memory_bytes = -1: must be >= 0"},
      {"--max_message_bytes -5", "--max_message_bytes = -5"},
      {"--listen 127.0.0.1:99999", "--listen = 127.0.0.1:99999: needs HOST:PORT"},
      {"--listen 0.0.0.0", "--listen = 0.0.0.0: needs HOST:PORT"},
      {"--metrics-listen localhost", "--metrics_listen = localhost: needs HOST:PORT"},
      {"--workers x", "--workers=x"},
      {"--frobnicate", "unknown flag --frobnicate"},
      {"stray", "takes no operands"},
  };
  for (const auto& [flags, message] : cases) {
    const testing::CommandResult r =
        testing::RunCommand(absl::StrCat(ATTNSCHED_SERVER, " --listen 127.0.0.1:0 ", flags));
    EXPECT_EQ(r.exit, 2) << flags;
    EXPECT_THAT(r.err, HasSubstr(message)) << flags;
  }
}

TEST_F(ServerTest, ASecondServerOnAPortInUseFails) {
  const std::string port = server_.address().substr(server_.address().rfind(':') + 1);
  const testing::CommandResult r = testing::RunCommand(
      absl::StrCat(ATTNSCHED_SERVER, " --listen 127.0.0.1:", port, " --workers 1"));
  EXPECT_EQ(r.exit, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot listen on 127.0.0.1:" + port + " (address in use"));
}

TEST_F(ServerTest, CliHealthSaysServing) {
  const testing::CommandResult up = testing::RunCommand(
      absl::StrCat(ATTNSCHED_CLI, " health --server ", server_.address(), " --deadline 5"));
  EXPECT_EQ(up.exit, 0) << up.err;
  EXPECT_EQ(up.out, "SERVING\n");
  const testing::CommandResult down = testing::RunCommand(
      absl::StrCat(ATTNSCHED_CLI, " health --server 127.0.0.1:1 --deadline 2"));
  EXPECT_EQ(down.exit, 4);
}

TEST_F(ServerTest, HealthIsServing) {
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(5));
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, {}, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// Removes what differs between runs (timings) from a JSON output.
nlohmann::json WithoutTimes(nlohmann::json j) {
  for (const char* key : {"wall_seconds", "solve_seconds"}) j.erase(key);
  if (j.contains("attempts")) {
    for (auto& a : j["attempts"]) a.erase("seconds");
  }
  return j;
}

// Reflection v1 lists every service and describes each, the health service included.
TEST_F(ServerTest, ReflectionV1ListsAndDescribesEveryService) {
  namespace rv1 = grpc::reflection::v1;
  auto stub = rv1::ServerReflection::NewStub(
      grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(10));
  auto stream = stub->ServerReflectionInfo(&context);
  const auto ask = [&](const std::function<void(rv1::ServerReflectionRequest&)>& set) {
    rv1::ServerReflectionRequest request;
    set(request);
    rv1::ServerReflectionResponse response;
    EXPECT_TRUE(stream->Write(request));
    EXPECT_TRUE(stream->Read(&response));
    return response;
  };
  const rv1::ServerReflectionResponse list =
      ask([](auto& r) { r.set_list_services(""); });
  std::vector<std::string> names;
  for (const auto& service : list.list_services_response().service()) names.push_back(service.name());
  EXPECT_THAT(names, ::testing::UnorderedElementsAre(
                         "attnsched.v1.Scheduler", "grpc.health.v1.Health",
                         "grpc.reflection.v1.ServerReflection",
                         "grpc.reflection.v1alpha.ServerReflection"));
  const std::pair<const char*, const char*> symbols[] = {
      {"attnsched.v1.Scheduler", "attnsched/v1/scheduler.proto"},
      {"attnsched.v1.Scheduler.SolveOptimal", "attnsched/v1/scheduler.proto"},
      {"grpc.health.v1.Health", "grpc/health/v1/health.proto"},
      {"grpc.health.v1.HealthCheckResponse", "grpc/health/v1/health.proto"},
  };
  for (const auto& [symbol, file] : symbols) {
    const rv1::ServerReflectionResponse r =
        ask([&](auto& q) { q.set_file_containing_symbol(symbol); });
    ASSERT_GE(r.file_descriptor_response().file_descriptor_proto_size(), 1) << symbol;
    google::protobuf::FileDescriptorProto proto;
    ASSERT_TRUE(proto.ParseFromString(r.file_descriptor_response().file_descriptor_proto(0)));
    EXPECT_EQ(proto.name(), file) << symbol;
    EXPECT_EQ(r.original_request().file_containing_symbol(), symbol);
  }
  const rv1::ServerReflectionResponse missing =
      ask([](auto& r) { r.set_file_by_filename("no/such.proto"); });
  EXPECT_EQ(missing.error_response().error_code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(ask([](auto&) {}).error_response().error_code(),
            static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

// Every JSON key and value (but wall times) of generate and verify is the same local
// and remote, over schedules of every scheme, any n, pinned placements, slow links,
// the one-PE fallback, binary files (written as the stream arrives in remote mode),
// and invalid files (a lost event, an event moved earlier, an unknown PE).
TEST_F(ServerTest, RemoteJsonEqualsLocalOverManySchedules) {
  const std::string remote = " --server " + server_.address();
  std::vector<std::string> runs;
  int files = 0;
  for (const char* shape :
       {"--scheme general --n 37 --d 4 --pes 4", "--scheme shared --n 33 --d 2 --pes 3",
        "--scheme causal --n 50 --d 8 --pes 6", "--scheme causal --n 16 --d 2 --pes 4 "
        "--placement cyclic", "--scheme general --n 9 --d 2 --pes 3 --placement 0,0,1,2,2,2,1,0,1",
        "--scheme general --n 24 --d 64 --pes 4 --c-dot 1 --c-axpy 1 --link-latency 30",
        "--scheme causal --n 3 --d 64 --pes 4 --c-dot 1 --c-axpy 1",
        "--segments 7c,5c,9b,3p --d 2 --pes 3", "--scheme causal --n 20 --window 6 --shared "
        "--d 2 --pes 4",  // masks
        "--segments 30c,9b,3p --window 12 --tile 4 --d 2 --pes 3",  // tiles
        "--scheme causal --n 200 --d 4 --tile 8 --pes 4 --max-words-per-pe 12000",
        "--scheme general --n 300 --d 4 --pes 4"}) {  // the last in several chunks
    const std::string file = absl::StrCat(::testing::TempDir(), "/remote_json_", files++, ".json");
    runs.push_back(absl::StrCat("generate ", shape, " --out ", file));
    runs.push_back("verify " + file);
    runs.push_back(absl::StrCat("generate ", shape, " --out ", file, ".bin --out-format binary"));
    runs.push_back(absl::StrCat("verify ", file, ".bin --seed 5"));
    runs.push_back(absl::StrCat("verify ", file, " --nosimulate"));
    // Invalid copies: the same file with one event lost, moved earlier, on a PE that
    // does not exist.
    const testing::CommandResult made =
        testing::RunCommand(absl::StrCat(ATTNSCHED_CLI, " generate ", shape, " --out ", file));
    ASSERT_EQ(made.exit, 0) << made.err;
    std::ifstream in(file);
    const nlohmann::json schedule = nlohmann::json::parse(in);
    for (int mutation = 0; mutation < 3; ++mutation) {
      nlohmann::json broken = schedule;
      nlohmann::json& events = broken["events"];
      const size_t k = events.size() / 2;
      if (mutation == 0) events.erase(k);
      if (mutation == 1) {  // out of start order: the file no longer says it is
        events[k]["start"] = std::max<int64_t>(events[k]["start"].get<int64_t>() - 1, 0);
        broken.erase("event_order");
      }
      if (mutation == 2) events[k][events[k].contains("pe") ? "pe" : "from_pe"] = 99;
      const std::string bad = absl::StrCat(file, ".broken", mutation, ".json");
      std::ofstream(bad) << broken.dump();
      runs.push_back("verify " + bad);
    }
    // Valid, with a redundant transfer: the first one sent again after the end.
    nlohmann::json again = schedule;
    for (const nlohmann::json& e : schedule["events"]) {
      if (!e.contains("from_pe")) continue;
      nlohmann::json copy = e;
      copy["start"] = schedule["events"].back()["start"].get<int64_t>() + 1000;
      again["events"].push_back(copy);
      break;
    }
    const std::string redundant = file + ".redundant.json";
    std::ofstream(redundant) << again.dump();
    runs.push_back("verify " + redundant);
  }
  for (const std::string& args : runs) {
    const testing::CommandResult here =
        testing::RunCommand(absl::StrCat(ATTNSCHED_CLI, " ", args, " --json"));
    const testing::CommandResult there =
        testing::RunCommand(absl::StrCat(ATTNSCHED_CLI, " ", args, " --json", remote));
    ASSERT_EQ(here.exit, there.exit) << args << ": " << here.err << " / " << there.err;
    EXPECT_EQ(here.exit, args.find(".broken") == std::string::npos ? 0 : 1) << args;
    const nlohmann::json local = WithoutTimes(nlohmann::json::parse(here.out));
    EXPECT_EQ(local, WithoutTimes(nlohmann::json::parse(there.out))) << args;
    EXPECT_GE(local.size(), 20u) << args;  // a whole summary, not an error object
  }
  // Refusals: the server's own message, not a broken stream's.
  for (const char* args : {"generate --scheme causal --n 64 --d 8 --pes 4 --placement 0,1",
                           "generate --scheme causal --n 8 --d 2 --pes 2 --tile 9",
                           "generate --scheme causal --n 64 --d 8 --pes 4 --max-words-per-pe 1807"}) {
    const testing::CommandResult here =
        testing::RunCommand(absl::StrCat(ATTNSCHED_CLI, " ", args, " --json"));
    const testing::CommandResult there =
        testing::RunCommand(absl::StrCat(ATTNSCHED_CLI, " ", args, " --json", remote));
    ASSERT_EQ(here.exit, 2) << here.err;
    ASSERT_EQ(there.exit, 2) << there.err;
    const nlohmann::json a = nlohmann::json::parse(here.out)["error"];
    const nlohmann::json b = nlohmann::json::parse(there.out)["error"];
    EXPECT_EQ(a["field"], b["field"]) << args;
    EXPECT_THAT(b["message"].get<std::string>(), HasSubstr(a["message"].get<std::string>())) << args;
  }
}

TEST_F(ServerTest, CliRemoteModePrintsWhatLocalModePrints) {
  const std::string file = ::testing::TempDir() + "/server_test_remote.json";
  const std::string remote = " --server " + server_.address();
  for (const std::string& args :
       {std::string("generate --model gpt2 --pes 16"),
        "generate --scheme shared --n 48 --d 4 --pes 4 --out " + file, "verify " + file,
        std::string("solve --scheme causal --n 4 --d 2 --pes 4"), "prove " + file}) {
    // The fixture's server races no SAT job (--sat_race=false), and a race's witness
    // depends on timing: local mode races neither.
    const bool sat = absl::StartsWith(args, "solve") || absl::StartsWith(args, "prove");
    const testing::CommandResult here = testing::RunCommand(
        absl::StrCat(ATTNSCHED_CLI, " ", args, " --json", sat ? " --race=false" : ""));
    const testing::CommandResult there =
        testing::RunCommand(absl::StrCat(ATTNSCHED_CLI, " ", args, " --json", remote));
    ASSERT_EQ(here.exit, there.exit) << args << ": " << there.err;
    EXPECT_EQ(WithoutTimes(nlohmann::json::parse(here.out)),
              WithoutTimes(nlohmann::json::parse(there.out)))
        << args;
  }
  const testing::CommandResult bad = testing::RunCommand(
      absl::StrCat(ATTNSCHED_CLI, " generate --scheme causal --n 0 --d 2 --pes 2", remote));
  EXPECT_EQ(bad.exit, 2);
  EXPECT_THAT(bad.err, HasSubstr("n = 0"));
  const testing::CommandResult down = testing::RunCommand(absl::StrCat(
      ATTNSCHED_CLI, " generate --scheme causal --n 8 --d 2 --pes 2 --deadline 2 --server "
                     "127.0.0.1:1"));
  EXPECT_EQ(down.exit, 4);  // unreachable: worth retrying
  EXPECT_THAT(down.err, HasSubstr("127.0.0.1:1"));
  const testing::CommandResult down_json = testing::RunCommand(absl::StrCat(
      ATTNSCHED_CLI, " generate --scheme causal --n 8 --d 2 --pes 2 --deadline 2 --json --server "
                     "127.0.0.1:1"));
  EXPECT_EQ(down_json.exit, 4);
  const nlohmann::json error = nlohmann::json::parse(down_json.out)["error"];
  EXPECT_EQ(error["code"], "UNAVAILABLE");
  EXPECT_EQ(error["exit_status"], 4);
  // Local-only flags are refused, not ignored (the server has its own limits).
  for (const char* flag :
       {"--plan-evaluations 0", "--max-sat-variables 10", "--proof p.drat", "--race=false"}) {
    const testing::CommandResult local_only = testing::RunCommand(absl::StrCat(
        ATTNSCHED_CLI, " solve --scheme causal --n 4 --d 2 --pes 4 ", flag, remote));
    EXPECT_EQ(local_only.exit, 2) << flag;
    EXPECT_THAT(local_only.err, HasSubstr("applies to local mode only")) << flag;
  }
}

// GET http://address/path over a plain socket (the test needs no HTTP library).
std::string HttpGet(const std::string& address, const std::string& path) {
  const size_t colon = address.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n";
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buffer[4096];
  for (ssize_t got; (got = read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, got);
  close(fd);
  return response;
}

TEST(ServerMetricsTest, PrometheusTextCountsRequestsByMethodAndCode) {
  ServerProcess server({"--workers", "2", "--metrics_listen", "127.0.0.1:0"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  const std::string log = server.Log();
  const size_t at = log.find("metrics on ");
  ASSERT_NE(at, std::string::npos) << log;
  const std::string metrics_address = log.substr(at + 11, log.find('\n', at) - at - 11);
  auto stub = Connect(server);
  for (int64_t n : {8, 0}) {  // one OK, one INVALID_ARGUMENT
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(10));
    v1::GenerateRequest request;
    *request.mutable_problem() = ProblemProto(Scheme::kGeneral, n, 2, 2);
    v1::GenerateResponse response;
    (void)stub->GenerateSchedule(&context, request, &response);
  }
  const std::string text = HttpGet(metrics_address, "/metrics");
  EXPECT_THAT(text, HasSubstr("200 OK"));
  EXPECT_THAT(text,
              HasSubstr("attnsched_requests_total{method=\"GenerateSchedule\",code=\"OK\"} 1"));
  EXPECT_THAT(text, HasSubstr("attnsched_requests_total{method=\"GenerateSchedule\",code="
                              "\"INVALID_ARGUMENT\"} 1"));
  EXPECT_THAT(text, HasSubstr("attnsched_queue_depth 0"));
  EXPECT_THAT(text, HasSubstr("attnsched_workers 2"));
  EXPECT_THAT(text, HasSubstr("attnsched_memory_leased_bytes 0"));
  EXPECT_THAT(text, HasSubstr("attnsched_sat_race_allowed_jobs_total 0"));
  // A SAT job on an idle server with two CPUs may race two solvers (--sat_race,
  // default on), and names the solver of its UNSAT answer.
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(60));
  v1::SolveRequest request;
  *request.mutable_problem() = ProblemProto(Scheme::kCausal, 4, 2, 4);
  request.set_time_limit_seconds(30);
  auto reader = stub->SolveOptimal(&context, request);
  v1::SolveProgress progress;
  std::optional<v1::SolveResult> result;
  while (reader->Read(&progress)) {
    if (progress.has_result()) result = progress.result();
  }
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->makespan_cycles(), 19);
  EXPECT_EQ(result->proof(), v1::PROOF_KIND_UNSAT);
  const std::string& by = result->unsat_by();
  EXPECT_TRUE(by == "CaDiCaL" || absl::StartsWith(by, "CryptoMiniSat 5.")) << by;
  const bool two_cpus = std::thread::hardware_concurrency() >= 2;
  EXPECT_THAT(HttpGet(metrics_address, "/metrics"),
              HasSubstr(absl::StrCat("attnsched_sat_race_allowed_jobs_total ", two_cpus ? 1 : 0)));
}

// The memory budget admits every schedule before it is built or received: GPT-2's
// causal head on 16 PEs has 1,080,384 events; streamed, it holds its per-operation
// state, admitted at 24 bytes per event (26 MB), not the events.
TEST(ServerMemoryTest, TheBudgetAdmitsSchedulesBeforeTheyAreBuilt) {
  ServerProcess server({"--workers", "1", "--memory_budget_bytes", "40000000"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto stub = Connect(server);
  v1::GenerateRequest gpt2;
  *gpt2.mutable_problem() = ProblemProto(Scheme::kCausal, 1024, 64, 16);
  // A first stream holds its lease while the client reads slowly.
  grpc::ClientContext first_context;
  SetDeadline(first_context, absl::Seconds(60));
  auto first = stub->StreamSchedule(&first_context, gpt2);
  v1::ScheduleChunk chunk;
  ASSERT_TRUE(first->Read(&chunk));
  {
    // A second would fit alone: refused for now, with gRPC's retry pushback.
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(60));
    auto second = stub->StreamSchedule(&context, gpt2);
    while (second->Read(&chunk)) {
    }
    const grpc::Status status = second->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(status.error_message(), HasSubstr("a schedule of 1080384 events needs about"));
    EXPECT_THAT(status.error_message(), HasSubstr("retry later"));
    EXPECT_EQ(context.GetServerTrailingMetadata().count("grpc-retry-pushback-ms"), 1u);
  }
  int64_t events = chunk.events_size();
  while (first->Read(&chunk)) events += chunk.events_size();
  ASSERT_TRUE(first->Finish().ok());
  EXPECT_EQ(events, 1'080'384);
  {
    // Once the first has finished, the same request is served; its unary form (80
    // more bytes per event for the response) never fits this budget.
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(60));
    auto again = stub->StreamSchedule(&context, gpt2);
    while (again->Read(&chunk)) {
    }
    EXPECT_TRUE(again->Finish().ok());
    grpc::ClientContext unary_context;
    SetDeadline(unary_context, absl::Seconds(60));
    v1::GenerateResponse response;
    const grpc::Status unary = stub->GenerateSchedule(&unary_context, gpt2, &response);
    EXPECT_EQ(unary.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(unary.error_message(), HasSubstr("whole memory budget of 40000000 bytes"));
    EXPECT_EQ(unary_context.GetServerTrailingMetadata().count("grpc-retry-pushback-ms"), 0u);
  }
  {
    // A verification stream is admitted on its first chunk's events_total.
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(60));
    v1::VerifyResponse response;
    auto writer = stub->VerifySchedule(&context, &response);
    v1::ScheduleChunk head;
    *head.mutable_problem() = gpt2.problem();
    for (int32_t h : ZigzagPlacement(1024, 16)) head.add_placement(h);
    head.set_events_total(2'000'000);
    writer->Write(head);
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(status.error_message(), HasSubstr("a schedule of 2000000 events"));
  }
  {
    // A proof is admitted on the size of the schedule it carries.
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(60));
    v1::ProveRequest request;
    *request.mutable_schedule()->mutable_problem() = gpt2.problem();
    for (int k = 0; k < 600'000; ++k) request.mutable_schedule()->add_events();
    v1::ProveResponse response;
    const grpc::Status status = stub->ProveOptimality(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(status.error_message(), HasSubstr("proving a schedule of 600000 events"));
  }
}

// A self-signed certificate for 127.0.0.1 made with Debian's openssl, valid for a day:
// DIR/NAME.pem and DIR/NAME.key; the openssl command's exit status.
int MakeCertificate(const std::string& dir, const std::string& name) {
  return testing::RunCommand(
             absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                          "-addext subjectAltName=IP:127.0.0.1 -keyout ",
                          dir, "/", name, ".key -out ", dir, "/", name, ".pem"))
      .exit;
}

TEST(ServerTlsTest, CliTalksTlsWithTheServersCertificate) {
  const std::string dir = ::testing::TempDir();
  const std::string cert = dir + "/server_test.pem", key = dir + "/server_test.key";
  ASSERT_EQ(MakeCertificate(dir, "server_test"), 0);
  ServerProcess server({"--tls_cert", cert, "--tls_key", key});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  const testing::CommandResult tls = testing::RunCommand(
      absl::StrCat(ATTNSCHED_CLI, " generate --scheme causal --n 8 --d 2 --pes 2 --json --server ",
                   server.address(), " --tls-ca ", cert, " --deadline 10"));
  ASSERT_EQ(tls.exit, 0) << tls.err;
  EXPECT_EQ(nlohmann::json::parse(tls.out)["valid"], true);
  const testing::CommandResult plain = testing::RunCommand(
      absl::StrCat(ATTNSCHED_CLI, " generate --scheme causal --n 8 --d 2 --pes 2 --server ",
                   server.address(), " --deadline 3"));
  EXPECT_NE(plain.exit, 0);  // a plaintext client cannot talk to a TLS server
}

TEST(ServerTlsTest, APlaintextHealthListenerOnLoopbackServesProbes) {
  const std::string dir = ::testing::TempDir();
  const std::string cert = dir + "/health.pem", key = dir + "/health.key";
  ASSERT_EQ(MakeCertificate(dir, "health"), 0);
  ServerProcess server(
      {"--tls_cert", cert, "--tls_key", key, "--health_listen", "127.0.0.1:0"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  const std::string log = server.Log();
  const size_t at = log.find("plaintext health on ");
  ASSERT_NE(at, std::string::npos) << log;
  const std::string health = log.substr(at + 20, log.find('\n', at) - at - 20);
  const testing::CommandResult plain = testing::RunCommand(
      absl::StrCat(ATTNSCHED_CLI, " health --server ", health, " --deadline 5"));
  EXPECT_EQ(plain.exit, 0) << plain.err;
  EXPECT_THAT(plain.out, HasSubstr("SERVING"));
  const testing::CommandResult tls = testing::RunCommand(absl::StrCat(
      ATTNSCHED_CLI, " health --server ", server.address(), " --tls-ca ", cert, " --deadline 5"));
  EXPECT_EQ(tls.exit, 0) << tls.err;
  // Anything but loopback is refused: the listener has no TLS.
  for (const char* address : {"0.0.0.0:0", "10.1.2.3:9000"}) {
    const testing::CommandResult r = testing::RunCommand(absl::StrCat(
        ATTNSCHED_SERVER, " --listen 127.0.0.1:0 --health_listen ", address));
    EXPECT_EQ(r.exit, 2);
    EXPECT_THAT(r.err, HasSubstr("must be a loopback address")) << address;
  }
}

TEST(ServerTlsTest, BadCertificatesAndKeysAreNamedAtStartUp) {
  const std::string dir = ::testing::TempDir() + "/server_tls_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  ASSERT_EQ(MakeCertificate(dir, "a"), 0);
  ASSERT_EQ(MakeCertificate(dir, "b"), 0);
  // Expired: self-signed by `openssl ca` for one day in 2020.
  ASSERT_EQ(testing::RunCommand(absl::StrCat(
                "cd ", dir, " && openssl req -new -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
                "-keyout old.key -out old.csr && : > index.txt && echo 01 > serial && printf "
                "'[ca]\\ndefault_ca=d\\n[d]\\ndatabase=index.txt\\nnew_certs_dir=.\\n"
                "serial=serial\\ndefault_md=sha256\\npolicy=p\\n[p]\\ncommonName=supplied\\n' "
                "> ca.cnf && openssl ca -batch -config ca.cnf -selfsign -keyfile old.key -in "
                "old.csr -startdate 20200101000000Z -enddate 20200102000000Z -out old.pem"))
                .exit,
            0);
  ASSERT_EQ(testing::RunCommand(absl::StrCat("openssl pkey -in ", dir, "/a.key -aes128 -passout "
                                             "pass:x -out ", dir, "/encrypted.key")).exit, 0);
  {
    std::ofstream(dir + "/text.pem") << "not a certificate\n";
  }
  const std::pair<std::string, std::string> cases[] = {
      {"--tls_cert " + dir + "/a.pem --tls_key " + dir + "/b.key",
       "/b.key is not the key of the certificate in --tls_cert"},
      {"--tls_cert " + dir + "/text.pem --tls_key " + dir + "/a.key", "no PEM certificate in it"},
      {"--tls_cert " + dir + "/a.pem --tls_key " + dir + "/a.pem",
       "no unencrypted PEM private key in it"},
      {"--tls_cert " + dir + "/a.pem --tls_key " + dir + "/encrypted.key",
       "no unencrypted PEM private key in it"},
      {"--tls_cert " + dir + "/old.pem --tls_key " + dir + "/old.key", "has expired"},
      {"--tls_cert " + dir + "/missing.pem --tls_key " + dir + "/a.key", "cannot read it"},
      {"--tls_cert " + dir + "/a.pem", "--tls_cert and --tls_key go together"},
  };
  for (const auto& [flags, message] : cases) {
    const testing::CommandResult r =
        testing::RunCommand(absl::StrCat(ATTNSCHED_SERVER, " --listen 127.0.0.1:0 ", flags));
    EXPECT_EQ(r.exit, 2) << flags;
    EXPECT_THAT(r.err, HasSubstr(message)) << flags;
  }
}

// GenerateSchedule answers with code OK counted by a replica's metrics.
int64_t ServedOk(const std::string& metrics_address) {
  const std::string text = HttpGet(metrics_address, "/metrics");
  const std::string key = "attnsched_requests_total{method=\"GenerateSchedule\",code=\"OK\"} ";
  const size_t at = text.find(key);
  return at == std::string::npos ? 0 : std::stoll(text.substr(at + key.size()));
}

std::string MetricsAddress(const ServerProcess& server) {
  const std::string log = server.Log();
  const size_t at = log.find("metrics on ");
  return at == std::string::npos ? "" : log.substr(at + 11, log.find('\n', at) - at - 11);
}

TEST(ScaleOutTest, RoundRobinOverThreeReplicasSurvivesAKilledOne) {
  std::vector<std::unique_ptr<ServerProcess>> replicas;
  std::string target = "ipv4:";
  for (int r = 0; r < 3; ++r) {
    replicas.push_back(std::make_unique<ServerProcess>(
        std::vector<std::string>{"--workers", "1", "--metrics_listen", "127.0.0.1:0"}));
    ASSERT_FALSE(replicas.back()->address().empty()) << replicas.back()->Log();
    absl::StrAppend(&target, r == 0 ? "" : ",", replicas.back()->address());
  }
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(cli::ClientServiceConfig());  // the CLI's: round_robin + retries
  auto stub = v1::Scheduler::NewStub(
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  v1::GenerateRequest request;
  *request.mutable_problem() = ProblemProto(Scheme::kCausal, 16, 2, 4);
  int ok = 0;
  int64_t served_by_killed = 0;
  for (int k = 0; k < 300; ++k) {
    if (k == 150) {
      served_by_killed = ServedOk(MetricsAddress(*replicas[1]));
      replicas[1]->Signal(SIGKILL);
      replicas[1]->Reap(absl::Seconds(5));
    }
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(10));
    v1::GenerateResponse response;
    grpc::Status s = stub->GenerateSchedule(&context, request, &response);
    ok += s.ok() ? 1 : 0;
    EXPECT_TRUE(s.ok()) << k << ": " << s.error_message();
  }
  EXPECT_EQ(ok, 300);
  const int64_t first = ServedOk(MetricsAddress(*replicas[0]));
  const int64_t third = ServedOk(MetricsAddress(*replicas[2]));
  // round_robin spreads the load over every live replica.
  EXPECT_GE(served_by_killed, 30);
  EXPECT_GE(first, 100);
  EXPECT_GE(third, 100);
  EXPECT_GE(first + third + served_by_killed, 300);
}

TEST(ServerPoolTest, FullQueueAndCancellationFreeTheWorker) {
  ServerProcess server({"--workers", "1", "--queue", "0"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto stub = Connect(server);
  grpc::ClientContext hard_context;
  SetDeadline(hard_context, absl::Seconds(60));
  auto hard = stub->SolveOptimal(&hard_context, HardSolve());
  absl::SleepFor(absl::Milliseconds(500));  // the only worker is now busy
  {
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(10));
    v1::SolveRequest small;
    *small.mutable_problem() = ProblemProto(Scheme::kCausal, 2, 1, 2);
    EXPECT_EQ(Drain(*stub->SolveOptimal(&context, small)).error_code(),
              grpc::StatusCode::RESOURCE_EXHAUSTED);
    // The refusal carries gRPC's retry pushback, so the CLI says: worth retrying.
    EXPECT_EQ(context.GetServerTrailingMetadata().count("grpc-retry-pushback-ms"), 1u);
    const testing::CommandResult cli = testing::RunCommand(absl::StrCat(
        ATTNSCHED_CLI, " solve --scheme causal --n 2 --d 1 --pes 2 --server ", server.address()));
    EXPECT_EQ(cli.exit, 4) << cli.err;
    EXPECT_THAT(cli.err, HasSubstr("queue of 0 is full"));
  }
  const absl::Time cancelled_at = absl::Now();
  hard_context.TryCancel();
  EXPECT_EQ(Drain(*hard).error_code(), grpc::StatusCode::CANCELLED);
  // The worker process was killed: the only worker accepts the next job within
  // 100 ms of the cancellation (issue 4), and answers it.
  const SmallSolve after = SolveSmallOnceFree(*stub, absl::Seconds(5));
  EXPECT_TRUE(after.status.ok()) << after.status.error_message();
  EXPECT_LT(after.sent - cancelled_at, absl::Milliseconds(100));
}

TEST(ServerPoolTest, TheDeadlineBoundsTheSearchAndFreesTheWorker) {
  ServerProcess server({"--workers", "1", "--queue", "0"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto stub = Connect(server);
  // Whatever the deadline, the answer is the best schedule so far, before it: the
  // worker stops itself a quarter of the time early ("time limit"), or the server
  // stops it 100 ms before the deadline ("deadline") when it overruns that.
  for (const absl::Duration d : {absl::Milliseconds(600), absl::Milliseconds(1500),
                                 absl::Milliseconds(2500)}) {
    const absl::Time deadline = absl::Now() + d;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    auto reader = stub->SolveOptimal(&context, HardSolve());
    v1::SolveProgress progress, last;
    while (reader->Read(&progress)) last = progress;
    const grpc::Status status = reader->Finish();
    const absl::Time answered = absl::Now();
    ASSERT_TRUE(status.ok()) << absl::FormatDuration(d) << ": " << status.error_message();
    ASSERT_TRUE(last.has_result());
    EXPECT_EQ(last.result().status(), v1::SolveResult::STATUS_UNKNOWN);
    EXPECT_THAT(last.result().stop_reason(),
                ::testing::AnyOf(v1::STOP_REASON_TIME_LIMIT, v1::STOP_REASON_DEADLINE));
    EXPECT_LE(last.result().makespan_cycles(), last.result().upper_bound_cycles());
    EXPECT_GT(last.result().witness().events_size(), 0);
    EXPECT_LT(answered, deadline);
    const SmallSolve next = SolveSmallOnceFree(*stub, absl::Seconds(3));
    EXPECT_TRUE(next.status.ok()) << next.status.error_message();
    EXPECT_LT(next.sent - answered, absl::Milliseconds(100));
  }
}

// State letter and parent pid of a process (from /proc/PID/stat); nullopt when gone.
std::optional<std::pair<char, pid_t>> StatOf(const std::filesystem::path& proc) {
  std::ifstream stat(proc / "stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 2));
  char state = 0;
  pid_t ppid = 0;
  if (!(rest >> state >> ppid)) return std::nullopt;
  return std::pair{state, ppid};
}

// Processes whose parent is `parent`.
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto stat = StatOf(entry.path());
    if (stat && stat->second == parent) children.push_back(std::stoi(name));
  }
  return children;
}

// Running: neither gone nor a zombie.
bool Running(pid_t pid) {
  const auto stat = StatOf(std::filesystem::path("/proc") / std::to_string(pid));
  return stat && stat->first != 'Z';
}

TEST(ServerPoolTest, AKilledServerLeavesNoSolverRunning) {
  ServerProcess server({"--workers", "1", "--queue", "0"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto stub = Connect(server);
  grpc::ClientContext context;
  SetDeadline(context, absl::Seconds(30));
  auto hard = stub->SolveOptimal(&context, HardSolve());
  absl::SleepFor(absl::Milliseconds(500));
  const std::vector<pid_t> workers = ChildrenOf(server.pid());
  ASSERT_EQ(workers.size(), 1u) << "the hard solve runs in one worker process";
  server.Signal(SIGKILL);
  EXPECT_EQ(server.Reap(absl::Seconds(5)), 128 + SIGKILL);
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_FALSE(Running(workers[0])) << "the worker outlived the server";
  context.TryCancel();
}

// A SAT worker killed from outside (SIGKILL: what the out-of-memory killer sends)
// answers with its best witness so far, or UNAVAILABLE before it had one.
TEST(ServerPoolTest, AKilledSatWorkerAnswersItsBestWitnessOrUnavailable) {
  for (const absl::Duration after : {absl::Seconds(1), absl::ZeroDuration()}) {
    ServerProcess server({"--workers", "1"});
    ASSERT_FALSE(server.address().empty()) << server.Log();
    auto stub = Connect(server);
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(30));
    auto reader = stub->SolveOptimal(&context, HardSolve());
    std::vector<pid_t> workers;
    for (int k = 0; k < 5000 && workers.empty(); ++k) {
      workers = ChildrenOf(server.pid());
      absl::SleepFor(absl::Milliseconds(1));
    }
    ASSERT_EQ(workers.size(), 1u);
    absl::SleepFor(after);  // the local search's first witness comes within 1 s
    kill(workers[0], SIGKILL);
    v1::SolveProgress progress, last;
    while (reader->Read(&progress)) last = progress;
    const grpc::Status status = reader->Finish();
    if (after > absl::ZeroDuration()) {
      ASSERT_TRUE(status.ok()) << status.error_message();
      EXPECT_EQ(last.result().status(), v1::SolveResult::STATUS_UNKNOWN);
      EXPECT_EQ(last.result().stop_reason(), v1::STOP_REASON_WORKER_KILLED);
      EXPECT_GT(last.result().witness().events_size(), 0);
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
      EXPECT_THAT(status.error_message(), HasSubstr("out-of-memory killer"));
    }
  }
}

TEST(ServerPoolTest, SigtermUnderLoadDrainsAndExitsZero) {
  ServerProcess server({"--workers", "2", "--queue", "4", "--grace", "1", "--drain_delay", "1"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto stub = Connect(server);
  std::vector<std::thread> clients;
  std::vector<grpc::StatusCode> codes(4, grpc::StatusCode::UNKNOWN);
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      grpc::ClientContext context;
      SetDeadline(context, absl::Seconds(30));
      codes[c] = Drain(*stub->SolveOptimal(&context, HardSolve())).error_code();
    });
  }
  absl::SleepFor(absl::Milliseconds(500));
  const absl::Time signalled = absl::Now();
  server.Signal(SIGTERM);
  absl::SleepFor(absl::Milliseconds(100));
  {
    auto health = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(2));
    grpc::health::v1::HealthCheckResponse response;
    // Draining: NOT_SERVING on the listener, still open for --drain_delay.
    ASSERT_TRUE(health->Check(&context, {}, &response).ok());
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  }
  {
    // Meanwhile schedules are still served, and new SAT jobs sent elsewhere.
    grpc::ClientContext context;
    SetDeadline(context, absl::Seconds(5));
    v1::GenerateRequest request;
    *request.mutable_problem() = ProblemProto(Scheme::kCausal, 8, 2, 2);
    v1::GenerateResponse response;
    EXPECT_TRUE(stub->GenerateSchedule(&context, request, &response).ok());
    grpc::ClientContext solve_context;
    SetDeadline(solve_context, absl::Seconds(5));
    EXPECT_EQ(Drain(*stub->SolveOptimal(&solve_context, HardSolve())).error_code(),
              grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(solve_context.GetServerTrailingMetadata().count("grpc-retry-pushback-ms"), 1u);
  }
  for (std::thread& t : clients) t.join();
  for (grpc::StatusCode code : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::CANCELLED ||
                code == grpc::StatusCode::UNAVAILABLE)
        << code;
  }
  EXPECT_EQ(server.Reap(absl::Seconds(10)), 0) << server.Log();
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(5));
}

// Streams a simulated schedule of causal n, d on m PEs to its end within `deadline`;
// returns the call's status.
grpc::Status StreamSimulated(v1::Scheduler::Stub& stub, int64_t n, int64_t d, int64_t m,
                                 absl::Duration deadline) {
  grpc::ClientContext context;
  SetDeadline(context, deadline);
  v1::GenerateRequest request;
  *request.mutable_problem() = ProblemProto(Scheme::kCausal, n, d, m);
  request.set_simulate(true);
  auto reader = stub.StreamSchedule(&context, request);
  v1::ScheduleChunk chunk;
  while (reader->Read(&chunk)) {
  }
  return reader->Finish();
}

// --max_deadline bounds the schedule handlers too, not only SAT jobs: a stream of
// Llama-2-7B's head with simulation (about 6 s) stops after 1 s with
// RESOURCE_EXHAUSTED naming the limit, whatever the client's own deadline.
TEST(ServerPoolTest, TheServersTimeLimitStopsALongStream) {
  ServerProcess server({"--workers", "1", "--max_deadline", "1"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto stub = Connect(server);
  const absl::Time started = absl::Now();
  const grpc::Status status = StreamSimulated(*stub, 4096, 128, 64, absl::Seconds(60));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_THAT(status.error_message(),
              HasSubstr("generation took longer than this server's time limit of 1 s "
                        "(--max_deadline)"));
  EXPECT_LT(absl::Now() - started, absl::Seconds(5));
}

TEST(ServerPoolTest, SigtermStopsWithinTheGraceEvenWhileAHandlerComputes) {
  // Llama-2-7B's head with simulation: about 6 s of generating, validating and
  // simulating inside one handler. The drain cancels the call, the handler stops at its
  // next poll (or, in a phase without polls, the process leaves it 2 s after --grace),
  // and the server exits 0 within --grace + 2 s of the signal.
  ServerProcess server({"--grace", "1"});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto stub = Connect(server);
  std::thread client([&] {
    EXPECT_NE(StreamSimulated(*stub, 4096, 128, 64, absl::Seconds(60)).error_code(),
              grpc::StatusCode::OK);
  });
  absl::SleepFor(absl::Milliseconds(1000));
  const absl::Time signalled = absl::Now();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Reap(absl::Seconds(20)), 0) << server.Log();
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(4)) << server.Log();
  client.join();
}

TEST(ServerPoolTest, ACallPastItsDeadlineStopsComputing) {
  // Causal n = 1024 with d = 8192 generates in a fraction of a second and then
  // simulates for about 10 s (17 G multiply-adds); with a 1 s deadline the handler
  // stops at its next poll, not when the work is done.
  ServerProcess server({});
  ASSERT_FALSE(server.address().empty()) << server.Log();
  auto stub = Connect(server);
  const absl::Time began = absl::Now();
  EXPECT_EQ(StreamSimulated(*stub, 1024, 8192, 16, absl::Milliseconds(1000)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  std::string log;
  for (int k = 0; k < 100 && log.find("rpc method=StreamSchedule") == std::string::npos; ++k) {
    absl::SleepFor(absl::Milliseconds(50));
    log = server.Log();
  }
  EXPECT_THAT(log, HasSubstr("rpc method=StreamSchedule"));
  EXPECT_THAT(log, HasSubstr("code=CANCELLED"));
  EXPECT_LT(absl::Now() - began, absl::Seconds(4)) << log;
}

}  // namespace
}  // namespace attnsched
