// ARCH-003: lock order is checked at run time, with both names and the
// held-lock stack in the report.
#include "kernel/lib/lockdep.h"

#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kernel/lib/spinlock.h"

namespace viper {
namespace {

using ::testing::HasSubstr;

// Captures violations instead of panicking, for tests that provoke
// violations which do not deadlock.
struct Captured {
  int count = 0;
  lockdep::ViolationKind kind{};
  std::string report;
};
thread_local Captured* t_captured = nullptr;

void capture(const lockdep::Violation& violation) {
  ASSERT_NE(t_captured, nullptr) << "unexpected violation: " << violation.report;
  ++t_captured->count;
  t_captured->kind = violation.kind;
  t_captured->report = violation.report;
}

class LockdepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t_captured = &captured_;
    previous_ = lockdep::set_violation_handler(&capture);
  }
  void TearDown() override {
    lockdep::set_violation_handler(previous_);
    t_captured = nullptr;
  }
  Captured captured_;
  lockdep::ViolationHandler previous_ = nullptr;
};

LockClass g_high{"test.vm_list", lock_level(5)};
LockClass g_low{"test.zone", lock_level(1)};
LockClass g_peer_a{"test.peer_a", lock_level(6)};
LockClass g_peer_b{"test.peer_b", lock_level(6)};
LockClass g_queue{"test.queue", lock_level(4)};

TEST_F(LockdepTest, ARCH003_DownwardOrderIsAllowed) {
  Spinlock high{g_high}, low{g_low};
  {
    SpinlockGuard outer(high);
    SpinlockGuard inner(low);
    EXPECT_EQ(lockdep::held_count(), 2u);
  }
  EXPECT_EQ(captured_.count, 0);
  EXPECT_EQ(lockdep::held_count(), 0u);
}

TEST_F(LockdepTest, ARCH003_UpwardOrderIsCaughtWithBothNamesAndStack) {
  Spinlock high{g_high}, low{g_low};
  SpinlockGuard outer(low);
  {
    SpinlockGuard inner(high);
  }
  ASSERT_EQ(captured_.count, 1);
  EXPECT_EQ(captured_.kind, lockdep::ViolationKind::kOrder);
  EXPECT_THAT(captured_.report, HasSubstr("acquiring 'test.vm_list' while holding 'test.zone'"));
  EXPECT_THAT(captured_.report, HasSubstr("[0] test.zone (level 10)"));
}

TEST_F(LockdepTest, ARCH003_SameClassNestingNeedsAscendingKeys) {
  Spinlock first{g_queue}, second{g_queue};
  {
    Guard<Spinlock> a(first, 1);
    Guard<Spinlock> b(second, 2);
  }
  EXPECT_EQ(captured_.count, 0);
  {
    Guard<Spinlock> a(second, 2);
    Guard<Spinlock> b(first, 1);
  }
  ASSERT_EQ(captured_.count, 1);
  EXPECT_EQ(captured_.kind, lockdep::ViolationKind::kSameClassNesting);
  {
    SpinlockGuard a(first);
    SpinlockGuard b(second);  // unordered: no keys at all
  }
  EXPECT_EQ(captured_.count, 2);
}

TEST_F(LockdepTest, ARCH003_ClassCycleIsCaughtAcrossCpus) {
  Spinlock a{g_peer_a}, b{g_peer_b};
  std::thread cpu1([&] {
    SpinlockGuard outer(a);
    SpinlockGuard inner(b);  // records peer_a -> peer_b
  });
  cpu1.join();
  EXPECT_EQ(captured_.count, 0);
  {
    SpinlockGuard outer(b);
    SpinlockGuard inner(a);  // peer_b -> peer_a closes the cycle
  }
  ASSERT_EQ(captured_.count, 1);
  EXPECT_EQ(captured_.kind, lockdep::ViolationKind::kClassCycle);
  EXPECT_THAT(captured_.report, HasSubstr("acquiring 'test.peer_a' while holding 'test.peer_b'"));
}

TEST_F(LockdepTest, ARCH003_ReleasingALockNotHeldIsCaught) {
  Spinlock lock{g_low};
  lock.lock();
  std::thread other([&] {
    t_captured = &captured_;
    lockdep::on_release(&lock, g_low);  // as if another CPU unlocked it
  });
  other.join();
  EXPECT_EQ(captured_.kind, lockdep::ViolationKind::kReleaseNotHeld);
  lock.unlock();
}

// The thread-safety analysis already refuses a visible double lock at
// compile time; lockdep catches the ones it cannot see (through pointers,
// across functions), which this helper hides from the analysis.
void lock_twice(Spinlock& lock) NO_THREAD_SAFETY_ANALYSIS {
  lock.lock();
  lock.lock();
}

// Recursion would deadlock, so it is checked with the real (panicking)
// handler: the report names the lock and the process dies.
TEST(LockdepDeathTest, ARCH003_RecursionPanicsWithTheLockName) {
  Spinlock lock{g_low};
  EXPECT_DEATH(
      lock_twice(lock),
      "VIPER-PANIC: .*recursive acquisition.*acquiring 'test.zone' while holding 'test.zone'");
}

TEST(LockdepDeathTest, ARCH003_DefaultHandlerPanicsOnOrderViolation) {
  Spinlock high{g_high}, low{g_low};
  EXPECT_DEATH(
      {
        SpinlockGuard outer(low);
        SpinlockGuard inner(high);
      },
      "lock order violation");
}

}  // namespace
}  // namespace viper

namespace viper {
namespace {

// Tests prove which locks a path takes from these counts (PERF-002 and
// others): every acquisition counts, try_lock's too, and classes are found
// by name.
TEST(LockdepCounts, EveryAcquisitionOfAClassIsCounted) {
  static LockClass counted{"test.counted", lock_level(3)};
  Spinlock a{counted}, b{counted};
  EXPECT_EQ(lockdep::acquisitions("test.counted"), 0u) << "not seen yet";
  for (int i = 0; i < 5; ++i) SpinlockGuard guard(a);
  {
    SpinlockGuard guard(b);
  }
  if (a.try_lock()) {
    a.unlock();
  } else {
    ADD_FAILURE() << "a free lock";
  }
  EXPECT_EQ(counted.acquisitions(), 7u);
  EXPECT_EQ(lockdep::acquisitions("test.counted"), 7u);
  bool seen = false;
  for (uint32_t i = 0; const LockClass* c = lockdep::seen_class(i); ++i) seen |= c == &counted;
  EXPECT_TRUE(seen);
  EXPECT_EQ(lockdep::acquisitions("test.never_used"), 0u);
}

}  // namespace
}  // namespace viper
