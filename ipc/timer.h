// Timer objects (layer 6): a waitable that raises kTimerFired at a
// deadline, once or periodically, on top of the scheduler's per-CPU timer
// queues (sched/timer_queue.h). Usable in pollsets like any waitable.
//
// Locks: ipc.timer_config serialises set() and cancel() (it is held while
// a running expiry is waited out, so the expiry callback never takes it);
// ipc.timer guards the schedule the callback reads and rewrites.
#pragma once

#include <stdint.h>

#include "ipc/waitable.h"
#include "kernel/lib/spinlock.h"
#include "sched/timer_queue.h"

namespace viper::ipc {

// Shorter periods would let one user keep a CPU in its timer interrupt.
inline constexpr uint64_t kMinTimerPeriodNs = 100'000;  // 100 µs

class Timer final : public Waitable {
 public:
  // kNoMemory.
  static Status create(Ref<Timer>& out);

  // Fires at uptime `deadline_ns`, then every `period_ns` if that is not 0,
  // replacing any earlier setting; kTimerFired is cleared until then.
  // kInvalidArgument for a period under kMinTimerPeriodNs, kNoSpace if this
  // CPU's timer queue is full.
  Status set(uint64_t deadline_ns, uint64_t period_ns) EXCLUDES(config_lock_, lock_);
  // Disarms and clears kTimerFired; true if it was armed. After it
  // returns, no expiry of the old setting can still raise the signal.
  bool cancel() EXCLUDES(config_lock_, lock_);

  // Expirations so far (a periodic timer that fell behind counts each).
  uint64_t expirations() const EXCLUDES(lock_);

 private:
  Timer();
  void destroy() override;
  static void on_expiry(sched::Timer& timer, void* self);
  bool disarm() REQUIRES(config_lock_) EXCLUDES(lock_);

  IrqSpinlock config_lock_ ACQUIRED_BEFORE(lock_);
  mutable IrqSpinlock lock_;
  sched::Timer timer_;
  sched::TimerQueue* queue_ GUARDED_BY(lock_) = nullptr;
  uint64_t next_ns_ GUARDED_BY(lock_) = 0;
  uint64_t period_ns_ GUARDED_BY(lock_) = 0;
  uint64_t expirations_ GUARDED_BY(lock_) = 0;
};

// Events (layer 6): a waitable whose signals its owner sets — user code
// through the user signals, kernel code (a console driver announcing
// input: kReadable) through assert_signals(). The pseudo-handles a pollset
// mixes with channels and timers are events.
class Event final : public Waitable {
 public:
  // kNoMemory.
  static Status create(Ref<Event>& out);
  // Kernel side: clears then sets any signals.
  void assert_signals(uint32_t clear, uint32_t set) { update_signals(clear, set); }

 private:
  Event() : Waitable(0) {}
  void destroy() override;
};

uint64_t live_timers();
uint64_t live_events();

}  // namespace viper::ipc
