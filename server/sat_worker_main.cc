// attnsched-sat-worker: runs one SAT job for attnsched-server in a process of its
// own (server/sat_process.h). Reads a SatJob from stdin (to end of file), writes
// delimited SatJobOutput messages to stdout as they come, exits 0; exit 2 when stdin
// is not a SatJob. Not meant to be run by hand.
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <string>

#include "google/protobuf/util/delimited_message_util.h"
#include "server/sat_job.h"

int main() {
  std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  attnsched::internal::SatJob job;
  if (!job.ParseFromString(input)) {
    std::cerr << "attnsched-sat-worker: stdin is not a SatJob (this program is started by "
                 "attnsched-server)\n";
    return 2;
  }
  bool written = true;
  attnsched::server::RunSatJob(job, [&written](const attnsched::internal::SatJobOutput& out) {
    written = written &&
              google::protobuf::util::SerializeDelimitedToFileDescriptor(out, STDOUT_FILENO);
  });
  return written ? 0 : 1;
}
