// A byte buffer for writers of millions of short records (traces, programs): text is
// put with memcpy and std::to_chars into room reserved ahead, without std::string's
// bookkeeping per append (absl::StrAppend's was 60% of a trace's time). The owner
// flushes it to its stream when size() passes its threshold.
//
// Example:
//   TextBuffer text;
//   text.Put("{\"ts\":").Put(start).Put('}');
//   char* end = WriteOperationName(inst, op, text.Room(kMaxNameBytes));
//   text.Commit(end);
//   if (text.size() > kFlushBytes) { out.write(text.data(), text.size()); text.clear(); }
#ifndef ATTNSCHED_LIB_BASE_TEXT_BUFFER_H_
#define ATTNSCHED_LIB_BASE_TEXT_BUFFER_H_

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/string_view.h"

namespace attnsched {

class TextBuffer {
 public:
  // At least `n` bytes to write at the returned pointer; Commit(end) keeps them.
  ABSL_ATTRIBUTE_ALWAYS_INLINE char* Room(size_t n) {
    if (ABSL_PREDICT_FALSE(data_.size() - size_ < n)) Grow(n);
    return data_.data() + size_;
  }
  void Commit(const char* end) { size_ = static_cast<size_t>(end - data_.data()); }

  ABSL_ATTRIBUTE_ALWAYS_INLINE TextBuffer& Put(absl::string_view s) {
    std::memcpy(Room(s.size()), s.data(), s.size());
    size_ += s.size();
    return *this;
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE TextBuffer& Put(char c) {
    *Room(1) = c;
    ++size_;
    return *this;
  }
  ABSL_ATTRIBUTE_ALWAYS_INLINE TextBuffer& Put(int64_t v) {
    char* at = Room(20);
    Commit(std::to_chars(at, at + 20, v).ptr);
    return *this;
  }
  TextBuffer& Put(int32_t v) { return Put(static_cast<int64_t>(v)); }
  // `v` right-aligned in `width` characters (at most 20).
  TextBuffer& PutPadded(int64_t v, int width) {
    char digits[20];
    const char* end = std::to_chars(digits, digits + 20, v).ptr;
    const int n = static_cast<int>(end - digits);
    for (int k = n; k < width; ++k) Put(' ');
    return Put(absl::string_view(digits, static_cast<size_t>(n)));
  }

  const char* data() const { return data_.data(); }
  size_t size() const { return size_; }
  absl::string_view view() const { return absl::string_view(data_.data(), size_); }
  void clear() { size_ = 0; }

 private:
  ABSL_ATTRIBUTE_NOINLINE void Grow(size_t n) { data_.resize(2 * data_.size() + n); }

  std::string data_;  // its size is the capacity; size_ bytes are text
  size_t size_ = 0;
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_BASE_TEXT_BUFFER_H_
