#include "ipc/timer.h"

#include "ipc/lock_classes.h"
#include "kernel/arch/arch.h"
#include "mm/kheap/global.h"
#include "sched/blocking.h"

namespace viper::ipc {
namespace {
LockClass g_timer_config_class{kTimerConfigLock};
LockClass g_timer_class{kTimerLock};
Atomic<uint64_t> g_live_timers{0};
Atomic<uint64_t> g_live_events{0};
}  // namespace

uint64_t live_timers() { return g_live_timers.load(MemoryOrder::kRelaxed); }
uint64_t live_events() { return g_live_events.load(MemoryOrder::kRelaxed); }

Timer::Timer()
    : Waitable(0),
      config_lock_(g_timer_config_class),
      lock_(g_timer_class),
      timer_(&Timer::on_expiry, this) {}

Status Timer::create(Ref<Timer>& out) {
  void* memory = TRY(mm::kernel_heap().kmalloc(sizeof(Timer)));
  g_live_timers.fetch_add(1, MemoryOrder::kRelaxed);
  out = Ref<Timer>::adopt(new (memory) Timer());
  return ok_status();
}

void Timer::on_expiry(sched::Timer&, void* self) {
  Timer& timer = *static_cast<Timer*>(self);
  {
    IrqSpinlockGuard guard(timer.lock_);
    ++timer.expirations_;
    if (timer.period_ns_ != 0) {
      // Periods missed while the CPU was busy count, but do not queue up.
      const uint64_t now = arch::uptime_ns();
      timer.next_ns_ += timer.period_ns_;
      while (timer.next_ns_ <= now) {
        timer.next_ns_ += timer.period_ns_;
        ++timer.expirations_;
      }
      // Same queue: a callback runs on its queue's CPU. Full is impossible:
      // this timer just left the queue.
      (void)timer.queue_->arm(timer.timer_, timer.next_ns_);
    }
  }
  timer.update_signals(0, signal::kTimerFired);
}

bool Timer::disarm() {
  sched::TimerQueue* queue;
  {
    IrqSpinlockGuard guard(lock_);
    queue = queue_;
  }
  // Waits out an expiry running now; lock_ must be free for it.
  const bool was_armed = queue && queue->cancel(timer_);
  {
    IrqSpinlockGuard guard(lock_);
    queue_ = nullptr;
    period_ns_ = 0;
  }
  update_signals(signal::kTimerFired, 0);
  return was_armed;
}

Status Timer::set(uint64_t deadline_ns, uint64_t period_ns) {
  if (period_ns != 0 && period_ns < kMinTimerPeriodNs) return Error::kInvalidArgument;
  IrqSpinlockGuard config(config_lock_);
  (void)disarm();
  IrqSpinlockGuard guard(lock_);
  next_ns_ = deadline_ns;
  period_ns_ = period_ns;
  queue_ = TRY(sched::arm_timer(timer_, deadline_ns));
  return ok_status();
}

bool Timer::cancel() {
  IrqSpinlockGuard config(config_lock_);
  return disarm();
}

uint64_t Timer::expirations() const {
  IrqSpinlockGuard guard(lock_);
  return expirations_;
}

void Timer::destroy() {
  (void)cancel();
  leave_pollsets();
  this->~Timer();
  (void)mm::kernel_heap().kfree(this);
  g_live_timers.fetch_sub(1, MemoryOrder::kRelaxed);
}

Status Event::create(Ref<Event>& out) {
  void* memory = TRY(mm::kernel_heap().kmalloc(sizeof(Event)));
  g_live_events.fetch_add(1, MemoryOrder::kRelaxed);
  out = Ref<Event>::adopt(new (memory) Event());
  return ok_status();
}

void Event::destroy() {
  leave_pollsets();
  this->~Event();
  (void)mm::kernel_heap().kfree(this);
  g_live_events.fetch_sub(1, MemoryOrder::kRelaxed);
}

}  // namespace viper::ipc
