#include "sched/timer_queue.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "testing/host/expect_ok.h"

namespace viper::sched {
namespace {

struct Recorder {
  std::vector<uint64_t> fired;
  static void callback(OneShotTimer& timer, void* self) {
    static_cast<Recorder*>(self)->fired.push_back(timer.deadline());
  }
};

TEST(TimerQueue, FiresInDeadlineOrderOnlyWhenDue) {
  TimerQueue queue;
  Recorder recorder;
  std::vector<std::unique_ptr<OneShotTimer>> timers;
  std::mt19937 rng(1);
  for (int i = 0; i < 500; ++i) {
    timers.push_back(std::make_unique<OneShotTimer>(&Recorder::callback, &recorder));
    ASSERT_OK(queue.arm(*timers.back(), 1000 + rng() % 100000));
  }
  EXPECT_EQ(queue.expire(999), 0u);
  uint64_t now = 0;
  while (queue.size() > 0) {
    now += 5000;
    const uint64_t next = queue.next_deadline();
    queue.expire(now);
    if (next <= now) EXPECT_GT(recorder.fired.size(), 0u);
  }
  ASSERT_EQ(recorder.fired.size(), 500u);
  for (size_t i = 1; i < recorder.fired.size(); ++i) {
    EXPECT_LE(recorder.fired[i - 1], recorder.fired[i]);
  }
}

TEST(TimerQueue, CancelRemovesAndBadArmsAreRefused) {
  TimerQueue queue;
  Recorder recorder;
  OneShotTimer a(&Recorder::callback, &recorder), b(&Recorder::callback, &recorder);
  ASSERT_OK(queue.arm(a, 100));
  EXPECT_EQ(queue.arm(a, 200).error(), Error::kBadState) << "already armed";
  ASSERT_OK(queue.arm(b, 50));
  EXPECT_EQ(queue.next_deadline(), 50u);
  EXPECT_TRUE(queue.cancel(b));
  EXPECT_FALSE(queue.cancel(b)) << "second cancel: nothing to do";
  EXPECT_EQ(queue.next_deadline(), 100u);
  EXPECT_EQ(queue.expire(1000), 1u);
  ASSERT_EQ(recorder.fired.size(), 1u);
  EXPECT_EQ(recorder.fired[0], 100u);
  EXPECT_EQ(queue.next_deadline(), ~uint64_t{0});
}

TEST(TimerQueue, FullQueueIsAnError) {
  TimerQueue queue;
  Recorder recorder;
  std::vector<std::unique_ptr<OneShotTimer>> timers;
  for (uint32_t i = 0; i < TimerQueue::kCapacity; ++i) {
    timers.push_back(std::make_unique<OneShotTimer>(&Recorder::callback, &recorder));
    ASSERT_OK(queue.arm(*timers.back(), i));
  }
  OneShotTimer extra(&Recorder::callback, &recorder);
  EXPECT_EQ(queue.arm(extra, 1).error(), Error::kNoSpace);
  for (auto& t : timers) queue.cancel(*t);
  EXPECT_EQ(queue.size(), 0u);
}

// Cancelling a timer whose callback is running on another CPU waits for
// the callback to finish, so the timer can be freed right after.
TEST(TimerQueue, CancelWaitsForACallbackFiringOnAnotherCpu) {
  TimerQueue queue;
  struct Slow {
    std::atomic<bool> started{false};
    std::atomic<bool> finished{false};
  } slow;
  auto timer = std::make_unique<OneShotTimer>(
      [](OneShotTimer&, void* self) {
        auto* s = static_cast<Slow*>(self);
        s->started = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        s->finished = true;
      },
      &slow);
  ASSERT_OK(queue.arm(*timer, 10));
  std::thread cpu1([&] { queue.expire(100); });
  while (!slow.started) std::this_thread::yield();
  queue.cancel(*timer);
  EXPECT_TRUE(slow.finished) << "cancel returned while the callback still ran";
  timer.reset();  // safe now
  cpu1.join();
}

// A callback that re-arms its own timer: cancel() disarms the new arming,
// and still waits until expire() has stopped touching the timer. (Found by
// TSan: cancel returned as soon as the re-armed timer was out of the heap,
// while expire() was about to write the freed timer's state.)
TEST(TimerQueue, CancelOfAReArmedTimerWaitsForExpireToLetGo) {
  TimerQueue queue;
  struct Periodic {
    TimerQueue* queue;
    std::atomic<bool> rearmed{false};
    std::atomic<bool> release{false};
  } periodic{&queue};
  auto timer = std::make_unique<OneShotTimer>(
      [](OneShotTimer& t, void* self) {
        auto* p = static_cast<Periodic*>(self);
        EXPECT_OK(p->queue->arm(t, 1000));
        p->rearmed = true;
        while (!p->release) std::this_thread::yield();
      },
      &periodic);
  ASSERT_OK(queue.arm(*timer, 10));
  std::thread cpu1([&] { queue.expire(100); });
  while (!periodic.rearmed) std::this_thread::yield();
  std::atomic<bool> cancelled{false};
  std::thread cpu2([&] {
    EXPECT_TRUE(queue.cancel(*timer));
    cancelled = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(cancelled) << "cancel returned while expire() still held the timer";
  periodic.release = true;
  cpu2.join();
  cpu1.join();
  EXPECT_FALSE(timer->armed());
  EXPECT_EQ(queue.size(), 0u);
  timer.reset();
}

TEST(TimerQueue, CallbackMayRearmItsTimer) {
  TimerQueue queue;
  int runs = 0;
  struct Ctx {
    TimerQueue* queue;
    int* runs;
  } ctx{&queue, &runs};
  OneShotTimer timer(
      [](OneShotTimer& t, void* c) {
        auto* ctx = static_cast<Ctx*>(c);
        if (++*ctx->runs < 3) (void)ctx->queue->arm(t, t.deadline() + 10);
      },
      &ctx);
  ASSERT_OK(queue.arm(timer, 10));
  for (uint64_t now = 10; now <= 100; now += 10) queue.expire(now);
  EXPECT_EQ(runs, 3);
  EXPECT_FALSE(timer.armed());
}

// Threads as CPUs arm, cancel and expire at random (TSan).
TEST(TimerQueue, ConcurrentArmCancelExpire) {
  TimerQueue queue;
  std::atomic<uint64_t> fired{0};
  constexpr int kTimers = 64;
  std::vector<std::unique_ptr<OneShotTimer>> timers;
  for (int i = 0; i < kTimers; ++i) {
    timers.push_back(std::make_unique<OneShotTimer>(
        [](OneShotTimer&, void* f) { static_cast<std::atomic<uint64_t>*>(f)->fetch_add(1); },
        &fired));
  }
  std::atomic<uint64_t> clock{0};
  std::vector<std::thread> cpus;
  for (int c = 0; c < 3; ++c) {
    cpus.emplace_back([&, c] {
      std::mt19937 rng(c);
      for (int i = 0; i < 20000; ++i) {
        OneShotTimer& t = *timers[rng() % kTimers];
        switch (rng() % 3) {
          case 0:
            (void)queue.arm(t, clock.load() + rng() % 100);
            break;
          case 1:
            queue.cancel(t);
            break;
          default:
            queue.expire(clock.fetch_add(1));
            break;
        }
      }
    });
  }
  for (auto& cpu : cpus) cpu.join();
  for (auto& t : timers) queue.cancel(*t);
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_GT(fired.load(), 0u);
}

}  // namespace
}  // namespace viper::sched
