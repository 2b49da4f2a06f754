// Per-CPU one-shot timers (OneShotTimer: the scheduler's own, distinct
// from ipc::WaitableTimer, the waitable built on it, and from the arm
// generic timer driver): a binary min-heap of deadlines, so arming and
// cancelling are O(log n) and the next deadline is O(1). Deadlines are in
// nanoseconds of arch::uptime_ns(), from the generic timer's counter.
//
// A timer's callback runs on the CPU whose queue it is in, without the
// queue lock held; it may re-arm its timer on that same queue. cancel() is
// safe against a callback running at the same moment on another CPU: it
// waits until the queue is done with the timer — the callback and what
// expire() does after it — so after cancel() returns the timer may be
// reused or freed, even if the callback had re-armed it.
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"

namespace viper::sched {

class TimerQueue;

class OneShotTimer {
 public:
  using Callback = void (*)(OneShotTimer& timer, void* context);

  constexpr OneShotTimer(Callback callback, void* context)
      : callback_(callback), context_(context) {}
  OneShotTimer(const OneShotTimer&) = delete;
  OneShotTimer& operator=(const OneShotTimer&) = delete;

  uint64_t deadline() const { return deadline_; }
  bool armed() const { return state_.load(MemoryOrder::kAcquire) == kArmed; }

 private:
  friend class TimerQueue;
  static constexpr uint32_t kIdle = 0, kArmed = 1;

  Callback callback_;
  void* context_;
  uint64_t deadline_ = 0;
  uint32_t heap_index_ = 0;  // under the owning queue's lock
  TimerQueue* queue_ = nullptr;
  Atomic<uint32_t> state_{kIdle};
  // Set by expire() around the callback, under the queue lock.
  Atomic<uint32_t> firing_{0};
};

class TimerQueue {
 public:
  static constexpr uint32_t kCapacity = 1024;
  // What next_deadline() returns for an empty queue.
  static constexpr uint64_t kNoDeadline = ~uint64_t{0};

  TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Arms `timer` for `deadline_ns`. kBadState if it is armed (cancel
  // first), kNoSpace if the queue is full. A firing timer may be re-armed
  // by its own callback.
  Status arm(OneShotTimer& timer, uint64_t deadline_ns) EXCLUDES(lock_);
  // Disarms; waits for a running callback to finish. Returns true if the
  // timer was armed or firing (so its callback will now never run again).
  bool cancel(OneShotTimer& timer) EXCLUDES(lock_);
  // Runs the callbacks of every timer due at `now_ns`; returns how many.
  uint32_t expire(uint64_t now_ns) EXCLUDES(lock_);
  // The earliest deadline, or kNoDeadline.
  uint64_t next_deadline() const EXCLUDES(lock_);
  uint32_t size() const EXCLUDES(lock_);

 private:
  void swap(uint32_t a, uint32_t b) REQUIRES(lock_);
  void sift_up(uint32_t index) REQUIRES(lock_);
  void sift_down(uint32_t index) REQUIRES(lock_);
  void remove_at(uint32_t index) REQUIRES(lock_);

  mutable IrqSpinlock lock_;
  OneShotTimer* heap_[kCapacity] GUARDED_BY(lock_) = {};
  uint32_t size_ GUARDED_BY(lock_) = 0;
};

}  // namespace viper::sched
