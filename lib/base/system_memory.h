// The memory this process may use: the physical memory, or the container's limit
// (cgroup v2 memory.max) when that is lower. Defaults of memory limits derive from it
// (the server's memory budget, the SAT formula's memory limit).
#ifndef ATTNSCHED_LIB_BASE_SYSTEM_MEMORY_H_
#define ATTNSCHED_LIB_BASE_SYSTEM_MEMORY_H_

#include <cstdint>

namespace attnsched {

// Bytes; 8 GiB when the physical memory cannot be read.
int64_t AvailableMemoryBytes();

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_BASE_SYSTEM_MEMORY_H_
