// attnsched-sat-worker: runs one SAT job for attnsched-server in a process of its
// own (server/sat_process.h). Reads a SatJob from stdin (to end of file), writes
// delimited SatJobOutput messages to stdout as they come, exits 0; exit 2 when stdin
// is not a SatJob. Dies with the thread that started it (PR_SET_PDEATHSIG). Not meant
// to be run by hand.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <string>

#include "google/protobuf/util/delimited_message_util.h"
#include "server/sat_job.h"

int main() {
  // Die with the server: a killed or crashed server leaves no solver running.
  const pid_t server = getppid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != server) return 1;  // it died before the line above
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
