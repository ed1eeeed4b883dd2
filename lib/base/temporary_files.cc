#include "lib/base/temporary_files.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace attnsched {
namespace {

// Each slot holds a heap copy of a path, or null; the handler only reads them.
std::atomic<char*> slots[kMaxTemporaries];

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

void RemoveAndReraise(int signal) {
  for (std::atomic<char*>& slot : slots) {
    if (const char* path = slot.load()) unlink(path);
  }
  struct sigaction defaults {};
  defaults.sa_handler = SIG_DFL;
  sigemptyset(&defaults.sa_mask);
  sigaction(signal, &defaults, nullptr);
  raise(signal);
}

void InstallHandlers() {
  for (int signal : kSignals) {
    struct sigaction previous {};
    sigaction(signal, nullptr, &previous);
    if (previous.sa_handler == SIG_IGN) continue;  // e.g. nohup: keep ignoring it
    struct sigaction action {};
    action.sa_handler = RemoveAndReraise;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, nullptr);
  }
}

}  // namespace

int RegisterTemporary(const std::string& path) {
  static std::once_flag installed;
  std::call_once(installed, InstallHandlers);
  char* copy = strdup(path.c_str());
  if (copy == nullptr) return -1;
  for (int k = 0; k < kMaxTemporaries; ++k) {
    char* empty = nullptr;
    if (slots[k].compare_exchange_strong(empty, copy)) return k;
  }
  free(copy);
  return -1;
}

void UnregisterTemporary(int slot) {
  if (slot < 0 || slot >= kMaxTemporaries) return;
  free(slots[slot].exchange(nullptr));
}

}  // namespace attnsched
