// Objects that can be waited on (layer 6): each has a signal word — the
// readiness of *this* object, kept by the object itself (RC-020) — and
// tells two kinds of waiters when it changes:
//
// * threads blocked in wait() on this one object (its wait queue), and
// * pollsets it belongs to (observers, pollset.h), which wake their own
//   waiter at once: nothing ever polls at an interval (RC-021).
//
// Lock order (docs/lock-order.md): an object's own state lock (a channel's
// lock, a timer's lock) > ipc.waitable > ipc.pollset > sched.wait_queue.
#pragma once

#include <stdint.h>

#include "kernel/lib/list.h"
#include "kernel/lib/ref_counted.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "sched/wait_queue.h"

namespace viper::ipc {

namespace signal {
inline constexpr uint32_t kReadable = 1u << 0;    // a channel has a message
inline constexpr uint32_t kWritable = 1u << 1;    // a channel's peer queue has room
inline constexpr uint32_t kPeerClosed = 1u << 2;  // the other end is gone
inline constexpr uint32_t kTimerFired = 1u << 3;  // a timer's deadline passed
// Eight bits any holder with the signal right may set and clear (events,
// console input and other pseudo-handles use them).
inline constexpr uint32_t kUser0 = 1u << 8;
inline constexpr uint32_t kUserMask = 0xffu << 8;
inline constexpr uint32_t kAll = kReadable | kWritable | kPeerClosed | kTimerFired | kUserMask;
}  // namespace signal

class PollSet;
class Waitable;

// One object's membership in one pollset. Its object_node is guarded by
// the object's waitable lock, the rest by the pollset's lock; it is linked
// and unlinked under both.
struct PollLink {
  ListNode object_node;
  ListNode set_node;
  ListNode ready_node;
  Waitable* object = nullptr;
  PollSet* set = nullptr;
  uint32_t mask = 0;
  uint32_t observed = 0;  // the object's signals as last told to the set
  uint64_t key = 0;       // the caller's cookie, reported with events
};

class Waitable : public RefCounted {
 public:
  uint32_t signals() const { return signals_.load(MemoryOrder::kAcquire); }

  // Waits until signals() & mask is non-zero; returns the signals seen.
  // kTimedOut at uptime `deadline_ns`, kInterrupted if the task is killed,
  // kInvalidArgument for an empty or unknown mask.
  Result<uint32_t> wait(uint32_t mask, uint64_t deadline_ns) EXCLUDES(lock_);

  // Clears then sets user signals; kInvalidArgument for other bits.
  Status signal_user(uint32_t clear, uint32_t set) EXCLUDES(lock_);

 protected:
  explicit Waitable(uint32_t initial_signals);
  ~Waitable() = default;

  // Clears then sets signals, waking every thread and pollset that waits
  // for one of the resulting ones.
  void update_signals(uint32_t clear, uint32_t set) EXCLUDES(lock_);
  // Leaves every pollset; each object's destroy() calls it first.
  void leave_pollsets() EXCLUDES(lock_);

  sched::WaitQueue& waiters() { return waiters_; }

 private:
  friend class PollSet;
  static bool has_signals(void* self_and_mask);

  mutable IrqSpinlock lock_;
  // Written under lock_ (so observers see every change in order); read
  // without it. Each signal has one kind of writer, serialised by its
  // object's own lock, which is what lets update_signals() skip the lock
  // when nothing changes.
  Atomic<uint32_t> signals_;
  List<PollLink, &PollLink::object_node> observers_ GUARDED_BY(lock_);
  sched::WaitQueue waiters_;
};

}  // namespace viper::ipc
