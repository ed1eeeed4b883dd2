// Writes the binary seed inputs of schedule_proto_fuzz and request_fuzz
// (tests/fuzz/corpus/, docs/fuzzing.md) from schedule files:
//   make_seeds OUT_DIR FILE.json...
// For each FILE it writes, named after it, into OUT_DIR/schedule_proto/:
//   FILE.schedule    0x00 + attnsched.v1.Schedule
//   FILE.chunks      0x01 + ScheduleChunk stream (delimited, 8 events per chunk, the
//                    last with the summary)
//   FILE.runs        0x01 + the same stream in the compact form (4 runs per chunk)
// and into OUT_DIR/request/:
//   FILE.generate    0x00 + GenerateRequest (its problem, its homes as KIND_EXPLICIT)
//   FILE.solve       0x01 + SolveRequest (its problem and homes, 1 s)
//   FILE.prove       0x02 + ProveRequest (the schedule, 1 s)
// Built with the harnesses (ATTNSCHED_FUZZ=ON); not a fuzzer itself.
#include <fstream>
#include <iostream>
#include <string>
#include <tuple>

#include "attnsched/v1/chunks.h"
#include "attnsched/v1/convert.h"
#include "google/protobuf/util/delimited_message_util.h"
#include "lib/export/schedule_json.h"
#include "lib/export/summary.h"
#include "lib/schedule/validator.h"

namespace attnsched {
namespace {

bool Write(const std::string& path, char selector, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << selector << bytes;
  out.close();
  if (!out) std::cerr << "make_seeds: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

bool MakeSeeds(const std::string& out_dir, const std::string& file) {
  absl::StatusOr<Schedule> s = ReadScheduleFile(file, kDefaultMaxEvents);
  if (!s.ok()) {
    std::cerr << "make_seeds: " << s.status().message() << "\n";
    return false;
  }
  const std::string base = file.substr(file.find_last_of('/') + 1);
  const std::string name = base.substr(0, base.rfind(".json"));
  bool ok = true;

  v1::Schedule schedule;
  rpc::ScheduleToProto(*s, &schedule);
  ok &= Write(out_dir + "/schedule_proto/" + name + ".schedule", 0, schedule.SerializeAsString());

  VectorEventSource events(*s);
  absl::StatusOr<ValidationReport> report = Validate(events);
  if (!report.ok()) {
    std::cerr << "make_seeds: " << report.status().message() << "\n";
    return false;
  }
  v1::ScheduleSummary summary;
  rpc::SummaryToProto(Summarize(s->problem, s->placement, CheckReport{*report, std::nullopt}),
                      &summary);
  for (const auto& [form, per_chunk, suffix] :
       {std::tuple{rpc::ChunkForm::kEvents, 8, ".chunks"},
        std::tuple{rpc::ChunkForm::kRuns, 4, ".runs"}}) {
    std::string stream;
    VectorEventSource again(*s);
    rpc::ChunkWriter writer(s->problem, s->placement, static_cast<int64_t>(s->events.size()),
                            per_chunk,
                            [&stream](const v1::ScheduleChunk& chunk) {
                              google::protobuf::io::StringOutputStream out(&stream);
                              return google::protobuf::util::SerializeDelimitedToZeroCopyStream(
                                  chunk, &out);
                            },
                            form);
    writer.set_summary(summary);
    ok &= WriteAll(again, writer).ok();
    ok &= Write(out_dir + "/schedule_proto/" + name + suffix, 1, stream);
  }

  v1::GenerateRequest generate;
  rpc::ProblemToProto(s->problem, generate.mutable_problem());
  rpc::PlacementToProto(PlacementSpec{PlacementKind::kExplicit, s->placement},
                        generate.mutable_placement());
  ok &= Write(out_dir + "/request/" + name + ".generate", 0, generate.SerializeAsString());

  v1::SolveRequest solve;
  rpc::ProblemToProto(s->problem, solve.mutable_problem());
  solve.mutable_placement()->Assign(s->placement.begin(), s->placement.end());
  solve.set_time_limit_seconds(1);
  ok &= Write(out_dir + "/request/" + name + ".solve", 1, solve.SerializeAsString());

  v1::ProveRequest prove;
  *prove.mutable_schedule() = schedule;
  prove.set_time_limit_seconds(1);
  ok &= Write(out_dir + "/request/" + name + ".prove", 2, prove.SerializeAsString());
  return ok;
}

}  // namespace
}  // namespace attnsched

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: make_seeds OUT_DIR FILE.json...\n";
    return 2;
  }
  bool ok = true;
  for (int k = 2; k < argc; ++k) ok &= attnsched::MakeSeeds(argv[1], argv[k]);
  return ok ? 0 : 1;
}
