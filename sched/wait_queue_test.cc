#include "sched/wait_queue.h"

#include <atomic>
#include <memory>
#include <thread>
#include <type_traits>
#include <vector>

#include "gtest/gtest.h"
#include "sched/testing/host_parking.h"
#include "testing/host/expect_ok.h"
#include "testing/host/sanitizers.h"

namespace viper::sched {
namespace {

using testing::HostParking;

// A task that is running on the calling thread.
std::unique_ptr<Task> running_task() {
  auto task = std::make_unique<Task>();
  task->set_state(TaskState::kRunning);
  return task;
}

// RC-013, the exact interleaving of the seed's bug: the wakeup lands after
// the task decided to sleep and before it slept. The seed enqueued, dropped
// the lock and yielded, and slept forever; here the wakeup turns kBlocking
// back into kRunning and the commit to sleep is refused.
TEST(WaitQueue, RC013_WakeupBetweenDecidingAndSleepingIsNotLost) {
  WaitQueue queue;
  HostParking parking;
  auto task = running_task();
  ASSERT_OK(queue.prepare_to_wait(*task));
  EXPECT_EQ(task->state(), TaskState::kBlocking);
  EXPECT_EQ(queue.wake_one(parking), 1u);  // the waker runs in the window
  EXPECT_EQ(task->state(), TaskState::kRunning);
  EXPECT_FALSE(commit_to_sleep(*task)) << "must not sleep: the wakeup already happened";
  EXPECT_TRUE(queue.finish_wait(*task)) << "woken by the queue";
  EXPECT_EQ(queue.waiters(), 0u);
}

TEST(WaitQueue, ConditionAlreadyTrueSkipsTheSleep) {
  WaitQueue queue;
  auto task = running_task();
  ASSERT_OK(queue.prepare_to_wait(*task));
  EXPECT_FALSE(queue.finish_wait(*task)) << "left without a wakeup";
  EXPECT_EQ(task->state(), TaskState::kRunning);
  EXPECT_EQ(queue.waiters(), 0u);
}

TEST(WaitQueue, BadStatesAreRefused) {
  WaitQueue a, b;
  auto task = running_task();
  ASSERT_OK(a.prepare_to_wait(*task));
  EXPECT_EQ(b.prepare_to_wait(*task).error(), Error::kBadState) << "one queue at a time";
  EXPECT_EQ(a.prepare_to_wait(*task).error(), Error::kBadState);
  a.finish_wait(*task);
  Task not_running;  // kCreated
  EXPECT_EQ(a.prepare_to_wait(not_running).error(), Error::kBadState);
}

// REL-008: what a blocked task waits on is a typed reference that code
// like kill uses directly; there is no untyped "wait channel" to cast.
static_assert(std::is_same_v<decltype(WaitRef::queue), WaitQueue*>);

TEST(WaitQueue, REL008_BlockedTaskKnowsItsQueueByType) {
  WaitQueue queue, other;
  HostParking parking;
  auto task = running_task();
  ASSERT_OK(queue.prepare_to_wait(*task));
  ASSERT_TRUE(commit_to_sleep(*task));
  EXPECT_EQ(task->state(), TaskState::kBlocked);
  EXPECT_EQ(task->waiting_on.queue, &queue);
  EXPECT_FALSE(other.wake_task(*task, parking)) << "not waiting there";
  // What kill does: follow the typed reference and wake it from there.
  EXPECT_TRUE(task->waiting_on.queue->wake_task(*task, parking));
  EXPECT_EQ(task->waiting_on.queue, nullptr);
  EXPECT_EQ(task->state(), TaskState::kRunning);
  EXPECT_TRUE(queue.finish_wait(*task));
}

// RC-013 under load: two tasks hand a token back and forth through two wait
// queues. Every hand-off is a wakeup the other side must not lose; a lost
// one would park a task with nobody left to wake it (counted as a stall).
TEST(WaitQueue, RC013_HandOffsLoseNoWakeup) {
  constexpr int kHandOffs = viper::testing::kSlowSanitizer ? 100000 : 1000000;
  WaitQueue queues[2];
  HostParking parking;
  std::atomic<int> turn{0};
  auto side = [&](int me) {
    auto self = running_task();
    for (int i = 0; i < kHandOffs / 2; ++i) {
      for (;;) {
        if (turn.load(std::memory_order_acquire) % 2 == me) break;
        ASSERT_OK(queues[me].prepare_to_wait(*self));
        if (turn.load(std::memory_order_acquire) % 2 != me) parking.block(*self);
        queues[me].finish_wait(*self);
      }
      turn.fetch_add(1, std::memory_order_acq_rel);
      queues[1 - me].wake_one(parking);
    }
  };
  std::thread a(side, 0), b(side, 1);
  a.join();
  b.join();
  EXPECT_EQ(turn.load(), kHandOffs);
  EXPECT_EQ(parking.stalls.load(), 0u) << "a task slept through its wakeup";
}

// Kill-style wakeups (wake_up from a third thread, with no queue involved)
// land at random moments of the hand-offs: in the middle of preparing, of
// sleeping, of being woken. No wakeup may be lost and no sleep may be
// claimed by two wakers.
TEST(WaitQueue, RC013_RC016_SpuriousKillWakeupsDuringHandOffs) {
  constexpr int kHandOffs = 100000;
  WaitQueue queues[2];
  HostParking parking;
  std::atomic<int> turn{0};
  std::unique_ptr<Task> tasks[2] = {running_task(), running_task()};
  std::atomic<bool> stop{false};
  std::thread killer([&] {
    uint64_t i = 0;
    while (!stop.load(std::memory_order_acquire)) (void)wake_up(*tasks[i++ % 2], parking);
  });
  auto side = [&](int me) {
    Task& self = *tasks[me];
    for (int i = 0; i < kHandOffs / 2; ++i) {
      while (turn.load(std::memory_order_acquire) % 2 != me) {
        ASSERT_OK(queues[me].prepare_to_wait(self));
        if (turn.load(std::memory_order_acquire) % 2 != me) parking.block(self);
        queues[me].finish_wait(self);
      }
      turn.fetch_add(1, std::memory_order_acq_rel);
      queues[1 - me].wake_one(parking);
    }
  };
  std::thread a(side, 0), b(side, 1);
  a.join();
  b.join();
  stop = true;
  killer.join();
  EXPECT_EQ(turn.load(), kHandOffs);
  EXPECT_EQ(parking.stalls.load(), 0u);
  EXPECT_EQ(parking.double_claims.load(), 0u);
}

// RC-014: the queue locks itself; many threads waiting, waking and leaving
// at once keep it intact (TSan would report any unlocked access).
TEST(WaitQueue, RC014_ConcurrentUseKeepsTheQueueIntact) {
  WaitQueue queue;
  HostParking parking;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      auto self = running_task();
      while (!stop.load()) {
        ASSERT_OK(queue.prepare_to_wait(*self));
        queue.finish_wait(*self);
      }
    });
  }
  std::thread waker([&] {
    for (int i = 0; i < 50000; ++i) {
      queue.wake_one(parking);
      if (i % 100 == 0) queue.wake_all(parking);
    }
    stop = true;
  });
  waker.join();
  for (auto& t : threads) t.join();
  EXPECT_EQ(queue.waiters(), 0u);
}

}  // namespace
}  // namespace viper::sched
