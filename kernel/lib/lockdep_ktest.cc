// Lockdep in the kernel, on every CPU it runs on (ARCH-003).
#include "kernel/lib/ktest.h"
#include "kernel/lib/lockdep.h"
#include "kernel/lib/spinlock.h"

namespace viper::ktest {
namespace {

// ARCH-003 on the target: order violations and class cycles are caught as
// they happen. (Interrupt-safe locks, as kernel locks are: a timer
// interrupt taking scheduler locks inside a plain spinlock would be a
// violation of its own, docs/lock-order.md.) The handler records instead of panicking for this
// test.
struct Caught {
  Atomic<int> count{0};
  lockdep::ViolationKind kind{};
};
Caught g_caught;
void record_violation(const lockdep::Violation& v) {
  g_caught.kind = v.kind;
  g_caught.count.fetch_add(1, MemoryOrder::kRelaxed);
}

LockClass g_outer_class{"ktest.outer", lock_level(6)};
LockClass g_inner_class{"ktest.inner", lock_level(2)};
LockClass g_peer_a_class{"ktest.peer_a", lock_level(4)};
LockClass g_peer_b_class{"ktest.peer_b", lock_level(4)};

KTEST(lockdep, ARCH003_order_violation_is_caught) {
  IrqSpinlock outer{g_outer_class}, inner{g_inner_class};
  const lockdep::ViolationHandler previous = lockdep::set_violation_handler(&record_violation);
  g_caught.count.store(0, MemoryOrder::kRelaxed);
  {
    IrqSpinlockGuard a(outer);
    IrqSpinlockGuard b(inner);
  }
  KEXPECT(t, g_caught.count.load(MemoryOrder::kRelaxed) == 0);
  {
    IrqSpinlockGuard a(inner);
    IrqSpinlockGuard b(outer);
  }
  lockdep::set_violation_handler(previous);
  KEXPECT(t, g_caught.count.load(MemoryOrder::kRelaxed) == 1);
  KEXPECT(t, g_caught.kind == lockdep::ViolationKind::kOrder);
}

KTEST(lockdep, ARCH003_class_cycle_is_caught) {
  IrqSpinlock a{g_peer_a_class}, b{g_peer_b_class};
  const lockdep::ViolationHandler previous = lockdep::set_violation_handler(&record_violation);
  g_caught.count.store(0, MemoryOrder::kRelaxed);
  {
    IrqSpinlockGuard x(a);
    IrqSpinlockGuard y(b);
  }
  {
    IrqSpinlockGuard x(b);
    IrqSpinlockGuard y(a);
  }
  lockdep::set_violation_handler(previous);
  KEXPECT(t, g_caught.count.load(MemoryOrder::kRelaxed) == 1);
  KEXPECT(t, g_caught.kind == lockdep::ViolationKind::kClassCycle);
}

void lock_twice(IrqSpinlock& lock) NO_THREAD_SAFETY_ANALYSIS {
  lock.lock();
  lock.lock();
}

// Recursion would deadlock, so on the target it panics with the lock name.
KTEST(lockdep, panics_on_recursion) {
  IrqSpinlock lock{g_inner_class};
  lock_twice(lock);
}

}  // namespace
}  // namespace viper::ktest
