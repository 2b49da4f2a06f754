#include "ipc/waitable.h"

#include "ipc/lock_classes.h"
#include "ipc/pollset.h"
#include "sched/blocking.h"

namespace viper::ipc {
namespace {
LockClass g_waitable_class{kWaitableLock};

struct WaitFor {
  const Waitable* object;
  uint32_t mask;
  uint32_t seen;
};
}  // namespace

Waitable::Waitable(uint32_t initial_signals) : lock_(g_waitable_class), signals_(initial_signals) {}

bool Waitable::has_signals(void* arg) {
  auto* wait = static_cast<WaitFor*>(arg);
  wait->seen = wait->object->signals();
  return (wait->seen & wait->mask) != 0;
}

Result<uint32_t> Waitable::wait(uint32_t mask, uint64_t deadline_ns) {
  if (mask == 0 || (mask & ~signal::kAll) != 0) return Error::kInvalidArgument;
  WaitFor wait{this, mask, 0};
  TRY(sched::wait_until(waiters_, &has_signals, &wait, deadline_ns));
  return wait.seen;
}

Status Waitable::signal_user(uint32_t clear, uint32_t set) {
  if (((clear | set) & ~signal::kUserMask) != 0) return Error::kInvalidArgument;
  update_signals(clear, set);
  return ok_status();
}

void Waitable::update_signals(uint32_t clear, uint32_t set) {
  {
    const uint32_t now = signals_.load(MemoryOrder::kAcquire);
    if (((now & ~clear) | set) == now) return;  // the common case: no change
  }
  IrqSpinlockGuard guard(lock_);
  const uint32_t before = signals_.load(MemoryOrder::kRelaxed);
  const uint32_t after = (before & ~clear) | set;
  if (after == before) return;
  signals_.store(after, MemoryOrder::kRelease);
  for (PollLink& link : observers_) link.set->observe(link, after);
  // Every thread waiting on this object rechecks its own mask.
  if ((after & ~before) != 0) waiters_.wake_all(sched::kernel_waker());
}

void Waitable::leave_pollsets() {
  {
    IrqSpinlockGuard guard(lock_);
    // Nobody holds a reference any more, so no pollset can add this object
    // now; an empty list stays empty.
    if (observers_.empty()) return;
  }
  PollSet::detach_all(*this);
}

}  // namespace viper::ipc
