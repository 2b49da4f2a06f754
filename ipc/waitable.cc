#include "ipc/waitable.h"

#include "ipc/lock_classes.h"
#include "ipc/pollset.h"
#include "sched/blocking.h"

namespace viper::ipc {
namespace {
LockClass g_waitable_class{kWaitableLock};

}  // namespace

Waitable::Waitable(Signals initial_signals)
    : lock_(g_waitable_class), signals_(raw(initial_signals)) {}

Result<Signals> Waitable::wait(Signals mask, Deadline deadline) {
  if (!any(mask) || any(mask & ~Signals::kAll)) return Error::kInvalidArgument;
  Signals seen = Signals::kNone;
  TRY(sched::wait_until(
      waiters_,
      [&] {
        seen = signals();
        return any(seen & mask);
      },
      deadline));
  return seen;
}

Status Waitable::signal_user(Signals clear, Signals set) {
  if (any((clear | set) & ~Signals::kUserMask)) return Error::kInvalidArgument;
  update_signals(clear, set);
  return ok_status();
}

void Waitable::update_signals(Signals clear, Signals set) {
  update_signals(clear, set, sched::kernel_waker());
}

void Waitable::update_signals(Signals clear, Signals set, sched::Waker& waker) {
  {
    const Signals now = signals();
    if (((now & ~clear) | set) == now) return;  // the common case: no change
  }
  IrqSpinlockGuard guard(lock_);
  const Signals before = from_raw<Signals>(signals_.load(MemoryOrder::kRelaxed));
  const Signals after = (before & ~clear) | set;
  if (after == before) return;
  signals_.store(raw(after), MemoryOrder::kRelease);
  for (PollLink& link : observers_) link.set->observe(link, after, waker);
  // Every thread waiting on this object rechecks its own mask.
  if (any(after & ~before)) waiters_.wake_all(waker);
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
