// Temporary files that a signal must not leave behind: while registered, a file is
// removed when the process is stopped by SIGINT, SIGTERM or SIGHUP (Ctrl-C, kill, a
// closed terminal), and the signal then takes its default effect. The handler does
// only async-signal-safe work (unlink, sigaction, raise). OutputFile registers its
// temporary for the time it exists.
//
// Example:
//   const int slot = RegisterTemporary("/out/.x.json.partial-42");
//   ... write, rename ...;
//   UnregisterTemporary(slot);
// Thread-safe.
#ifndef ATTNSCHED_LIB_BASE_TEMPORARY_FILES_H_
#define ATTNSCHED_LIB_BASE_TEMPORARY_FILES_H_

#include <string>

namespace attnsched {

// At most this many registered at once; more are not protected (RegisterTemporary
// returns -1), which only means a signal may leave them behind.
inline constexpr int kMaxTemporaries = 16;

// Registers `path` (installing the handlers on first use); returns its slot or -1.
int RegisterTemporary(const std::string& path);

// Forgets the slot (a renamed or removed file); -1 is ignored.
void UnregisterTemporary(int slot);

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_BASE_TEMPORARY_FILES_H_
