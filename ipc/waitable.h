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

#include "kernel/lib/deadline.h"
#include "kernel/lib/list.h"
#include "kernel/lib/ref_counted.h"
#include "kernel/lib/result.h"
#include "kernel/lib/signals.h"
#include "kernel/lib/spinlock.h"
#include "sched/wait_queue.h"

namespace viper::ipc {

// Signals (kernel/lib/signals.h) are the vocabulary of readiness.
using viper::Signals;

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
  Signals mask = Signals::kNone;
  Signals observed = Signals::kNone;  // the object's signals as last told to the set
  uint64_t key = 0;                   // the caller's cookie, reported with events
};

class Waitable : public RefCounted {
 public:
  Signals signals() const { return from_raw<Signals>(signals_.load(MemoryOrder::kAcquire)); }

  // Waits until signals() & mask is non-empty; returns the signals seen.
  // kTimedOut at `deadline`, kInterrupted if the task is killed,
  // kInvalidArgument for an empty or unknown mask.
  Result<Signals> wait(Signals mask, Deadline deadline) EXCLUDES(lock_);

  // Clears then sets user signals; kInvalidArgument for other bits.
  Status signal_user(Signals clear, Signals set) EXCLUDES(lock_);

 protected:
  explicit Waitable(Signals initial_signals);
  ~Waitable() = default;

  // Clears then sets signals, waking every thread and pollset that waits
  // for one of the resulting ones. `waker` says how the woken become
  // runnable: a channel write passes its own (the reader's CPU, the
  // hand-off of a call), everything else the ordinary kernel_waker().
  void update_signals(Signals clear, Signals set) EXCLUDES(lock_);
  void update_signals(Signals clear, Signals set, sched::Waker& waker) EXCLUDES(lock_);
  // Leaves every pollset; each object's destroy() calls it first.
  void leave_pollsets() EXCLUDES(lock_);

  sched::WaitQueue& waiters() { return waiters_; }

 private:
  friend class PollSet;

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
