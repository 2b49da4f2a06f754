#include "ipc/waitable_timer.h"

#include "ipc/counters.h"
#include "ipc/lock_classes.h"
#include "kernel/arch/arch.h"
#include "mm/kheap/make.h"
#include "sched/blocking.h"

namespace viper::ipc {
namespace {
LockClass g_timer_config_class{kTimerConfigLock};
LockClass g_timer_class{kTimerLock};
}  // namespace

WaitableTimer::WaitableTimer()
    : Waitable(Signals::kNone),
      config_lock_(g_timer_config_class),
      lock_(g_timer_class),
      timer_(&WaitableTimer::on_expiry, this) {}

Result<Ref<WaitableTimer>> WaitableTimer::create() {
  Ref<WaitableTimer> timer = TRY(mm::make_ref<WaitableTimer>());
  counters::live_timers.add(1);
  return timer;
}

void WaitableTimer::on_expiry(sched::OneShotTimer&, void* self) {
  WaitableTimer& timer = *static_cast<WaitableTimer*>(self);
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
  timer.update_signals(Signals::kNone, Signals::kTimerFired);
}

bool WaitableTimer::disarm() {
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
  update_signals(Signals::kTimerFired, Signals::kNone);
  return was_armed;
}

Status WaitableTimer::set(Deadline deadline, Duration period) {
  if (period != Duration() && period < kMinTimerPeriod) return Error::kInvalidArgument;
  IrqSpinlockGuard config(config_lock_);
  (void)disarm();
  IrqSpinlockGuard guard(lock_);
  next_ns_ = deadline.uptime_ns();
  period_ns_ = period.ns();
  queue_ = TRY(sched::arm_on_this_cpu(timer_, deadline));
  return ok_status();
}

bool WaitableTimer::cancel() {
  IrqSpinlockGuard config(config_lock_);
  return disarm();
}

uint64_t WaitableTimer::expirations() const {
  IrqSpinlockGuard guard(lock_);
  return expirations_;
}

void WaitableTimer::destroy() {
  (void)cancel();
  leave_pollsets();
  mm::kdelete(this);
  counters::live_timers.add(-1);
}

}  // namespace viper::ipc
