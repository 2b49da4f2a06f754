// Waitable timers (layer 6): a waitable that raises kTimerFired at a
// deadline, once or periodically, on top of the scheduler's per-CPU timer
// queues (sched::OneShotTimer, sched/timer_queue.h). Usable in pollsets
// like any waitable. (Timers by layer: docs/ipc.md "Names".)
//
// Locks: ipc.timer_config serialises set() and cancel() (it is held while
// a running expiry is waited out, so the expiry callback never takes it);
// ipc.timer guards the schedule the callback reads and rewrites.
#pragma once

#include <stdint.h>

#include "ipc/waitable.h"
#include "kernel/lib/deadline.h"
#include "kernel/lib/spinlock.h"
#include "sched/timer_queue.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::ipc {

// Shorter periods would let one user keep a CPU in its timer interrupt.
inline constexpr Duration kMinTimerPeriod = Duration::microseconds(100);

class WaitableTimer final : public Waitable {
 public:
  // kNoMemory.
  static Result<Ref<WaitableTimer>> create();

  // Fires at `deadline`, then every `period` if that is not zero, replacing
  // any earlier setting; kTimerFired is cleared until then.
  // kInvalidArgument for a period under kMinTimerPeriod, kNoSpace if this
  // CPU's timer queue is full.
  Status set(Deadline deadline, Duration period) EXCLUDES(config_lock_, lock_);
  // Disarms and clears kTimerFired; true if it was armed. After it
  // returns, no expiry of the old setting can still raise the signal.
  bool cancel() EXCLUDES(config_lock_, lock_);

  // Expirations so far (a periodic timer that fell behind counts each).
  uint64_t expirations() const EXCLUDES(lock_);

 private:
  friend struct mm::HeapAccess;
  WaitableTimer();
  void destroy() override;
  static void on_expiry(sched::OneShotTimer& timer, void* self);
  bool disarm() REQUIRES(config_lock_) EXCLUDES(lock_);

  IrqSpinlock config_lock_ ACQUIRED_BEFORE(lock_);
  mutable IrqSpinlock lock_;
  sched::OneShotTimer timer_;
  sched::TimerQueue* queue_ GUARDED_BY(lock_) = nullptr;
  uint64_t next_ns_ GUARDED_BY(lock_) = 0;
  uint64_t period_ns_ GUARDED_BY(lock_) = 0;
  uint64_t expirations_ GUARDED_BY(lock_) = 0;
};

}  // namespace viper::ipc
