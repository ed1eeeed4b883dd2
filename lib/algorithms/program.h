// A PE's program (plan.h): the operations its compute unit runs, in order, held as
// segments that expand on demand: explicit lists, and ring-rotation loop nests
// (RingRoundsCursor, ring.h) that keep only their rows. A ring program of a billion
// operations is then a few segments per PE (one nest for the dots, one for the axpys
// of the rows whose scores are home early, one per other row), so the plan of a
// long context costs memory in its tokens, not its operations. Generators that move
// single operations (balancing, the local search) use explicit lists.
//
// Example:
//   auto ring = std::make_shared<const RingContext>(problem.instance, homes, m);
//   Program program;
//   program.AppendRingRounds(OpKind::kDot, pe, ring->blocks.tokens[pe], ring);
//   program.Append({OpKind::kSoftmax, i, 0});
//   for (const Operation& op : program) Use(op);
// Not thread-safe to modify; const programs may be read from many threads.
#ifndef ATTNSCHED_LIB_ALGORITHMS_PROGRAM_H_
#define ATTNSCHED_LIB_ALGORITHMS_PROGRAM_H_

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "lib/algorithms/ring.h"
#include "lib/model/problem.h"

namespace attnsched {

// What the loop nests of a plan read: the instance and the ring's blocks, shared by
// all the nests (and owned with them: a plan may outlive the problem it was made for).
struct RingContext {
  RingContext(const Instance& instance, const Placement& placement, int64_t m)
      : inst(instance), blocks(placement, m) {}
  Instance inst;
  RingBlocks blocks;
};

class Program {
 public:
  Program() = default;
  Program(std::vector<Operation> ops);  // NOLINT: an explicit list is a program
  Program(std::initializer_list<Operation> ops) : Program(std::vector<Operation>(ops)) {}

  void Append(const Operation& op);
  void Append(absl::Span<const Operation> ops);
  void Append(Program&& other);
  // The operations of RingRoundsCursor(kind, pe, rows, ring->blocks, ring->inst).
  // O(operations) to count them, no memory for them.
  void AppendRingRounds(OpKind kind, int32_t pe, std::vector<int32_t> rows,
                        std::shared_ptr<const RingContext> ring);

  int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The operations as one list (for generators that move single operations).
  std::vector<Operation> Expand() const;

  class Iterator;
  struct End {};
  Iterator begin() const;
  End end() const { return {}; }

 private:
  struct Segment {
    std::vector<Operation> ops;  // an explicit list, or empty for a nest
    // A nest: its context (null for a list), kind, PE and rows.
    std::shared_ptr<const RingContext> ring;
    OpKind kind = OpKind::kDot;
    int32_t pe = 0;
    std::vector<int32_t> rows;
  };
  std::vector<Segment> segments_;
  int64_t size_ = 0;
};

// Reads a program once, front to back (an input iterator).
class Program::Iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Operation;
  using difference_type = std::ptrdiff_t;
  using pointer = const Operation*;
  using reference = const Operation&;

  explicit Iterator(const Program& program) : program_(&program) { Enter(); }
  Iterator(const Iterator& other);
  Iterator& operator=(const Iterator&) = delete;
  const Operation& operator*() const { return *current_; }
  const Operation* operator->() const { return current_; }
  Iterator& operator++() {
    if (nest_) {  // inline: a nest's next operation (Advance moves to the next segment)
      nest_->Next();
      if (nest_->Valid()) return *this;
    }
    return Advance();
  }
  friend bool operator!=(const Iterator& it, End) { return it.current_ != nullptr; }
  friend bool operator==(const Iterator& it, End) { return it.current_ == nullptr; }

 private:
  // The next operation of an explicit list, or the first of the next segment.
  Iterator& Advance();
  // Positions on the first operation of segment_ or a later one (null at the end).
  void Enter();

  const Program* program_;
  size_t segment_ = 0;
  size_t index_ = 0;                     // in an explicit list
  std::optional<RingRoundsCursor> nest_;  // in a nest
  const Operation* current_ = nullptr;
};

inline Program::Iterator Program::begin() const { return Iterator(*this); }

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_ALGORITHMS_PROGRAM_H_
