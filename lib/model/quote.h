// Echoing user input in error messages: quoted, with control and non-ASCII bytes
// escaped (C escapes, e.g. \007), and cut after a few dozen bytes, so that a message
// stays short and printable whatever the input was.
#ifndef ATTNSCHED_LIB_MODEL_QUOTE_H_
#define ATTNSCHED_LIB_MODEL_QUOTE_H_

#include <cstddef>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace attnsched {

// Bytes of input echoed at most.
inline constexpr size_t kQuotedBytes = 48;

// "\"dot(3,5)\"", or "\"aaaa...\"" when `text` is longer than `max` bytes.
inline std::string Quoted(absl::string_view text, size_t max = kQuotedBytes) {
  const bool cut = text.size() > max;
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, max)), cut ? "...\"" : "\"");
}

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_MODEL_QUOTE_H_
