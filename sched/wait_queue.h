// Wait queues lock themselves: every operation takes the queue's own lock,
// and the waiter list is GUARDED_BY it, so touching it unlocked does not
// compile (RC-014). A waiting task records the queue as a typed reference
// (WaitRef), never a cast pointer (REL-008).
//
// Sleeping uses one protocol everywhere (RC-013):
//
//   queue.prepare_to_wait(self);       // kRunning -> kBlocking, queued
//   if (!condition) block(self);       // kBlocking -> kBlocked, switch away
//   queue.finish_wait(self);           // off the queue, kRunning
//
// A wakeup that arrives between prepare and block finds kBlocking and turns
// it back into kRunning, so block() returns at once: no lost wakeup.
#pragma once

#include <stddef.h>

#include "kernel/lib/list.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "sched/lock_classes.h"
#include "sched/task.h"

namespace viper::sched {

// What "make this task run again" means is the scheduler's business: on
// the kernel it enqueues the task on a run queue; host tests unpark a
// thread. It is called for a task the caller has just moved from kBlocked
// to kReady (only one caller can win that CAS), possibly with a wait-queue
// lock held, so it may only take locks of a lower level (run queues).
class Waker {
 public:
  virtual void make_runnable(Task& task) = 0;

 protected:
  ~Waker() = default;
};

// Wait queues live in globals and other objects; their lock class is here
// so the constructor can be constexpr (no global constructors in the kernel).
inline constinit LockClass kWaitQueueLockClass{kWaitQueueLock};

class WaitQueue {
 public:
  constexpr WaitQueue() : lock_(kWaitQueueLockClass) {}
  WaitQueue(const WaitQueue&) = delete;
  WaitQueue& operator=(const WaitQueue&) = delete;

  // Queues the running task and marks it kBlocking. kBadState if it is not
  // running or already waits somewhere.
  Status prepare_to_wait(Task& self) EXCLUDES(lock_);
  // Leaves the queue (if a wakeup did not already take it off) and makes
  // the task kRunning again. Returns true if it was woken by this queue.
  bool finish_wait(Task& self) EXCLUDES(lock_);

  // Wakes the first waiter / all waiters; returns how many were woken.
  size_t wake_one(Waker& waker) EXCLUDES(lock_);
  size_t wake_all(Waker& waker) EXCLUDES(lock_);

  // Takes a specific task off the queue and wakes it (kill, timeouts);
  // false if it was not waiting here.
  bool wake_task(Task& task, Waker& waker) EXCLUDES(lock_);

  size_t waiters() const EXCLUDES(lock_);

 private:
  void wake_locked(Task& task, Waker& waker) REQUIRES(lock_);

  mutable IrqSpinlock lock_;
  List<Task, &Task::wait_node> waiters_ GUARDED_BY(lock_);
};

// The sleeping half of the protocol: commits a kBlocking task to sleep.
// Returns true if the caller must switch away now (kBlocked), false if a
// wakeup already arrived (the task is kRunning again).
bool commit_to_sleep(Task& self);

// The waking half, for any reason (wait queue, timer, kill): a kBlocking
// task goes back to kRunning, a kBlocked one is claimed (kReady) and handed
// to `waker`. Returns false if the task was neither (already awake).
bool wake_up(Task& task, Waker& waker);

}  // namespace viper::sched
