// Spinlocks: fair ticket locks, annotated for clang's thread-safety
// analysis and checked by lockdep. Take them through a guard:
//
//   LockClass g_run_queue_class{kRunQueueLock};  // sched/lock_classes.h
//   Spinlock lock_{g_run_queue_class};
//   int depth_ GUARDED_BY(lock_);
//   ...
//   SpinlockGuard guard(lock_);
//
// Spinlock does not touch the interrupt mask; IrqSpinlock disables
// interrupts for as long as it is held (for data an interrupt handler uses).
#pragma once

#include <stdint.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/lock_class.h"
#include "kernel/lib/lockdep.h"
#include "kernel/lib/thread_annotations.h"

namespace viper {

class CAPABILITY("spinlock") Spinlock {
 public:
  constexpr explicit Spinlock(LockClass& lock_class) : class_(&lock_class) {}
  Spinlock(const Spinlock&) = delete;
  Spinlock& operator=(const Spinlock&) = delete;

  void lock() ACQUIRE() { lock_ordered(0); }

  // For nesting two locks of the same class: take them in ascending
  // `order_key` (for example the CPU id, or the object's address).
  void lock_ordered(uint64_t order_key) ACQUIRE() {
    lockdep::on_acquire(this, *class_, order_key);
    const uint32_t ticket = next_ticket_.fetch_add(1, MemoryOrder::kRelaxed);
    for (uint32_t attempt = 0; now_serving_.load(MemoryOrder::kAcquire) != ticket; ++attempt) {
      arch::spin_backoff(attempt);
    }
  }

  bool try_lock() TRY_ACQUIRE(true) {
    uint32_t serving = now_serving_.load(MemoryOrder::kRelaxed);
    uint32_t expected = serving;
    if (!next_ticket_.compare_exchange(expected, serving + 1, MemoryOrder::kAcquire,
                                       MemoryOrder::kRelaxed)) {
      return false;
    }
    lockdep::on_acquire(this, *class_, 0);
    return true;
  }

  void unlock() RELEASE() {
    lockdep::on_release(this, *class_);
    now_serving_.store(now_serving_.load(MemoryOrder::kRelaxed) + 1, MemoryOrder::kRelease);
  }

  // For code that can only be reached with the lock held. With lockdep
  // compiled out it cannot check, and only informs the analysis.
  void assert_held() const ASSERT_CAPABILITY(this) {
    if (lockdep::kEnabled && !lockdep::holds(this)) __builtin_trap();
  }

  bool is_locked() const {
    return next_ticket_.load(MemoryOrder::kRelaxed) != now_serving_.load(MemoryOrder::kRelaxed);
  }
  const char* name() const { return class_->name(); }

 private:
  Atomic<uint32_t> next_ticket_{0};
  Atomic<uint32_t> now_serving_{0};
  LockClass* class_;
};

// A spinlock that keeps interrupts disabled while held.
class CAPABILITY("spinlock") IrqSpinlock {
 public:
  constexpr explicit IrqSpinlock(LockClass& lock_class) : lock_(lock_class) {}

  void lock() ACQUIRE() NO_THREAD_SAFETY_ANALYSIS {
    const arch::IrqState state = arch::irq_save();
    lock_.lock();
    saved_ = state;
  }
  void lock_ordered(uint64_t order_key) ACQUIRE() NO_THREAD_SAFETY_ANALYSIS {
    const arch::IrqState state = arch::irq_save();
    lock_.lock_ordered(order_key);
    saved_ = state;
  }
  bool try_lock() TRY_ACQUIRE(true) NO_THREAD_SAFETY_ANALYSIS {
    const arch::IrqState state = arch::irq_save();
    if (!lock_.try_lock()) {
      arch::irq_restore(state);
      return false;
    }
    saved_ = state;
    return true;
  }
  void unlock() RELEASE() NO_THREAD_SAFETY_ANALYSIS {
    const arch::IrqState state = saved_;
    lock_.unlock();
    arch::irq_restore(state);
  }
  void assert_held() const ASSERT_CAPABILITY(this) { lock_.assert_held(); }
  const char* name() const { return lock_.name(); }

 private:
  Spinlock lock_;
  arch::IrqState saved_{};  // written only by the holder
};

// Holds a lock for the guard's scope.
template <class Lock>
class SCOPED_CAPABILITY Guard {
 public:
  explicit Guard(Lock& lock) ACQUIRE(lock) : lock_(lock) { lock_.lock(); }
  Guard(Lock& lock, uint64_t order_key) ACQUIRE(lock) : lock_(lock) {
    lock_.lock_ordered(order_key);
  }
  ~Guard() RELEASE() { lock_.unlock(); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  Lock& lock_;
};

using SpinlockGuard = Guard<Spinlock>;
using IrqSpinlockGuard = Guard<IrqSpinlock>;

}  // namespace viper
