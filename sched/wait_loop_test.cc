// The waiting loop every blocking path runs (wait_loop.h), through
// wait_until on the host backend, at the interleavings that lose a wakeup
// in a loop that decides and then sleeps (RC-013). The predicate itself
// plays the waker, so each interleaving happens every run.
#include <gtest/gtest.h>

#include "kernel/lib/deadline.h"
#include "sched/host/host_blocking.h"
#include "testing/host/expect_ok.h"

namespace viper::sched {
namespace {

// The wakeup comes after the waiter found its condition false and before
// it prepared to wait: nobody is on the queue yet, so only the check after
// prepare_to_wait sees it. A loop that sleeps without that check sleeps
// until its deadline (and, without one, for ever).
TEST(WaitLoop, RC013_AWakeupBetweenTheCheckAndPrepareIsNotLost) {
  WaitQueue queue;
  bool condition = false;
  int checks = 0;
  auto ready = [&] {
    if (++checks == 1) {
      condition = true;
      EXPECT_EQ(queue.wake_all(kernel_waker()), 0u) << "nobody waits yet";
      return false;  // what the waiter saw before the wakeup
    }
    return condition;
  };
  const uint64_t woken_before = host::times_woken(current_task());
  EXPECT_OK(wait_until(queue, ready, Deadline::after(Duration::seconds(2))));
  EXPECT_EQ(host::times_woken(current_task()), woken_before)
      << "slept (until its deadline) through a wakeup that came before prepare_to_wait";
  EXPECT_EQ(checks, 2) << "before, and after preparing (true: no sleep, and no third ask)";
}

// A ready() that holds is never asked again: it may have claimed something
// (virtio_blk takes a ring slot inside it), and a second ask would claim a
// second one and leak it.
TEST(WaitLoop, REG002_AConditionThatHeldIsNotAskedAgain) {
  WaitQueue queue;
  int claims = 0;
  auto ready = [&] { return ++claims >= 2; };  // holds at the check after prepare
  EXPECT_OK(wait_until(queue, ready, Deadline::after(Duration::seconds(2))));
  EXPECT_EQ(claims, 2);
}

// The same window for a kill: the waiter must see it before it sleeps.
TEST(WaitLoop, AKillBetweenTheCheckAndPrepareEndsTheWait) {
  WaitQueue queue;
  int checks = 0;
  auto ready = [&] {
    if (++checks == 1) host::kill(current_task());
    return false;
  };
  EXPECT_EQ(wait_until(queue, ready, Deadline::after(Duration::seconds(2))).error(),
            Error::kInterrupted);
}

}  // namespace
}  // namespace viper::sched
