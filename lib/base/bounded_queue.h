// A bounded queue from one producer thread to one consumer thread, with an end that
// carries a status and a way for the consumer to stop the producer. Used to turn a
// push parser (the JSON reader's SAX handler) into a pull source of events.
//
// Example:
//   BoundedQueue<std::vector<Event>> q(2);
//   producer: while (...) if (!q.Push(std::move(batch))) return;  // consumer gone
//             q.Finish(status);
//   consumer: std::vector<Event> b; while (q.Pop(b)) Use(b); RETURN_IF_ERROR(q.status());
// Thread-safe.
#ifndef ATTNSCHED_LIB_BASE_BOUNDED_QUEUE_H_
#define ATTNSCHED_LIB_BASE_BOUNDED_QUEUE_H_

#include <cstddef>
#include <deque>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace attnsched {

template <typename T>
class BoundedQueue {
 public:
  // `capacity` >= 1 items wait at most.
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Producer: waits while `capacity` items wait. False once the consumer closed the
  // queue (the item is dropped: stop producing).
  bool Push(T item) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &BoundedQueue::HasRoom));
    if (closed_) return false;
    items_.push_back(std::move(item));
    return true;
  }

  // Producer: the last call; `status` says why the items end (OK: all were pushed).
  void Finish(absl::Status status) {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    status_ = std::move(status);
  }

  // Consumer: waits for an item. False at the end (then status() says why).
  bool Pop(T& item) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &BoundedQueue::Ready));
    if (items_.empty()) return false;
    item = std::move(items_.front());
    items_.pop_front();
    return true;
  }

  // Consumer: no more items are wanted; Push returns false from now on.
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }

  // The producer's status, once Pop returned false.
  absl::Status status() const {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || items_.size() < capacity_;
  }
  bool Ready() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return finished_ || !items_.empty(); }

  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<T> items_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace attnsched

#endif  // ATTNSCHED_LIB_BASE_BOUNDED_QUEUE_H_
