// Spinlocks on the host backend: threads act as CPUs.
#include "kernel/lib/spinlock.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace viper {
namespace {

LockClass g_counter_class{"test.counter", lock_level(4)};

struct Counter {
  Spinlock lock{g_counter_class};
  uint64_t value GUARDED_BY(lock) = 0;
  uint64_t shadow GUARDED_BY(lock) = 0;

  void bump() {
    SpinlockGuard guard(lock);
    // Two writes that only stay equal under mutual exclusion.
    value = value + 1;
    shadow = value;
  }
  uint64_t read() {
    SpinlockGuard guard(lock);
    return value == shadow ? value : ~0ull;
  }
};

TEST(Spinlock, MutualExclusionAcrossCpus) {
  Counter counter;
  constexpr int kThreads = 4;
  constexpr int kIterations = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIterations; ++i) counter.bump();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.read(), uint64_t{kThreads} * kIterations);
}

TEST(Spinlock, TryLockFailsWhileHeldElsewhere) {
  Counter counter;
  counter.lock.lock();
  bool acquired = true;
  std::thread other([&] {
    acquired = false;
    if (counter.lock.try_lock()) {
      acquired = true;
      counter.lock.unlock();
    }
  });
  other.join();
  EXPECT_FALSE(acquired);
  EXPECT_TRUE(counter.lock.is_locked());
  counter.lock.unlock();
  EXPECT_FALSE(counter.lock.is_locked());
  bool relocked = false;
  if (counter.lock.try_lock()) {
    relocked = true;
    counter.lock.unlock();
  }
  EXPECT_TRUE(relocked);
}

TEST(IrqSpinlock, DisablesInterruptsWhileHeld) {
  LockClass irq_class{"test.irq", lock_level(4)};
  IrqSpinlock lock{irq_class};
  ASSERT_TRUE(arch::irqs_enabled());
  {
    IrqSpinlockGuard guard(lock);
    EXPECT_FALSE(arch::irqs_enabled());
  }
  EXPECT_TRUE(arch::irqs_enabled());
  // Nested inside an interrupts-off region, release keeps them off.
  const arch::IrqState outer = arch::irq_save();
  {
    IrqSpinlockGuard guard(lock);
  }
  EXPECT_FALSE(arch::irqs_enabled());
  arch::irq_restore(outer);
}

}  // namespace
}  // namespace viper
