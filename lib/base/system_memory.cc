#include "lib/base/system_memory.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"

namespace attnsched {

int64_t AvailableMemoryBytes() {
  const int64_t pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  int64_t bytes = pages > 0 && page > 0 ? pages * page : int64_t{8} << 30;
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");  // "max" when unlimited
  std::string value;
  int64_t limit = 0;
  if (cgroup >> value && absl::SimpleAtoi(value, &limit) && limit > 0) bytes = std::min(bytes, limit);
  return bytes;
}

}  // namespace attnsched
