// Waitables, events and pollsets on host threads (sched/host: each thread
// is a task that really blocks).
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "ipc/channel.h"
#include "ipc/pollset.h"
#include "ipc/timer.h"
#include "kernel/arch/arch.h"
#include "sched/host/host_blocking.h"
#include "testing/host/heap_environment.h"

namespace viper::ipc {
namespace {

VIPER_HOST_KERNEL_HEAP();

using sched::kNoDeadline;

uint64_t in_ms(uint64_t ms) { return arch::uptime_ns() + ms * 1000000; }

// Waits (in real time) until `task` is asleep, i.e. parked off-CPU.
void until_blocked(sched::Task& task) {
  while (task.state() != sched::TaskState::kBlocked) std::this_thread::yield();
}

// Asserts that `task` stays asleep for a while: a yield loop or an
// interval poll would show up as running or ready (RC-021).
void expect_stays_blocked(sched::Task& task) {
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(task.state(), sched::TaskState::kBlocked) << "the waiter woke without an event";
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

struct Objects {
  Ref<Endpoint> a, b;
  Ref<Event> console;  // a pseudo-handle: console input
  Ref<Timer> timer;
  Ref<PollSet> set;
  Objects() {
    EXPECT_TRUE(Endpoint::create_pair(a, b).ok());
    EXPECT_TRUE(Event::create(console).ok());
    EXPECT_TRUE(Timer::create(timer).ok());
    EXPECT_TRUE(PollSet::create(set).ok());
  }
};

TEST(Waitable, EventSignalsWakeAWaiter) {
  Ref<Event> event;
  ASSERT_TRUE(Event::create(event).ok());
  EXPECT_EQ(event->signal_user(0, signal::kReadable).error(), Error::kInvalidArgument);
  EXPECT_EQ(event->wait(0, kNoDeadline).error(), Error::kInvalidArgument);
  std::atomic<sched::Task*> waiter{nullptr};
  std::thread thread([&] {
    waiter = &sched::current_task();
    Result<uint32_t> seen = event->wait(signal::kUser0 << 3, kNoDeadline);
    ASSERT_TRUE(seen.ok());
    EXPECT_EQ(seen.value(), signal::kUser0 << 3);
  });
  while (!waiter) std::this_thread::yield();
  until_blocked(*waiter);
  ASSERT_TRUE(event->signal_user(0, signal::kUser0 << 3).ok());
  thread.join();
}

TEST(Waitable, WaitTimesOutAndEndsWhenKilled) {
  Ref<Event> event;
  ASSERT_TRUE(Event::create(event).ok());
  EXPECT_EQ(event->wait(signal::kUser0, in_ms(20)).error(), Error::kTimedOut);
  EXPECT_EQ(event->wait(signal::kUser0, 0).error(), Error::kTimedOut) << "a past deadline polls";
  std::atomic<sched::Task*> waiter{nullptr};
  std::thread thread([&] {
    waiter = &sched::current_task();
    EXPECT_EQ(event->wait(signal::kUser0, kNoDeadline).error(), Error::kInterrupted);
  });
  while (!waiter) std::this_thread::yield();
  until_blocked(*waiter);
  sched::host::kill(*waiter);
  thread.join();
}

TEST(PollSet, ReportsMembersByKeyLevelTriggered) {
  Objects o;
  PollEvent events[4];
  ASSERT_TRUE(o.set->add(*o.b, signal::kReadable, 11).ok());
  ASSERT_TRUE(o.set->add(*o.console, signal::kReadable, 22).ok());
  EXPECT_EQ(o.set->wait(events, 4, 0).error(), Error::kTimedOut);
  ASSERT_TRUE(o.a->write("x", 1, nullptr, 0).ok());
  o.console->assert_signals(0, signal::kReadable);
  Result<uint32_t> n = o.set->wait(events, 4, kNoDeadline);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n.value(), 2u);
  EXPECT_EQ(events[0].key, 11u);
  EXPECT_TRUE(events[0].signals & signal::kReadable);
  EXPECT_EQ(events[1].key, 22u);
  // Still ready: reported again, and the two take turns with capacity 1.
  ASSERT_EQ(o.set->wait(events, 1, 0).value(), 1u);
  const uint64_t first = events[0].key;
  ASSERT_EQ(o.set->wait(events, 1, 0).value(), 1u);
  EXPECT_NE(events[0].key, first);
  // Consumed: no longer reported.
  char c;
  size_t bytes;
  uint32_t count;
  ASSERT_TRUE(o.b->read(&c, 1, bytes, nullptr, 0, count).ok());
  o.console->assert_signals(signal::kReadable, 0);
  EXPECT_EQ(o.set->wait(events, 4, 0).error(), Error::kTimedOut);
}

TEST(PollSet, BadMembershipsAreNamedErrors) {
  Objects o;
  PollEvent events[1];
  EXPECT_EQ(o.set->add(*o.b, 0, 1).error(), Error::kInvalidArgument);
  EXPECT_EQ(o.set->add(*o.b, 1u << 30, 1).error(), Error::kInvalidArgument);
  ASSERT_TRUE(o.set->add(*o.b, signal::kReadable, 1).ok());
  EXPECT_EQ(o.set->add(*o.b, signal::kWritable, 2).error(), Error::kAlreadyExists);
  EXPECT_TRUE(o.set->remove(*o.b).ok());
  EXPECT_EQ(o.set->remove(*o.b).error(), Error::kNotFound);
  EXPECT_EQ(o.set->wait(nullptr, 1, 0).error(), Error::kInvalidArgument);
  EXPECT_EQ(o.set->wait(events, 0, 0).error(), Error::kInvalidArgument);
  std::vector<Ref<Event>> many(kMaxPollMembers + 1);
  for (auto& e : many) ASSERT_TRUE(Event::create(e).ok());
  for (uint32_t i = 0; i < kMaxPollMembers; ++i) {
    ASSERT_TRUE(o.set->add(*many[i], signal::kUser0, i).ok());
  }
  EXPECT_EQ(o.set->add(*many.back(), signal::kUser0, 0).error(), Error::kNoSpace);
}

// RC-021: the seed's pollset, given a console pseudo-handle and a channel
// together, skipped registering for the channel and spun in a yield loop;
// channel data waited for the scheduler. Here the waiter sleeps until an
// event, and an event on either kind of member wakes it at once.
TEST(PollSet, RC021_MixedMembersBlockAndWakeOnEither) {
  for (int round = 0; round < 2; ++round) {
    Objects o;
    ASSERT_TRUE(o.set->add(*o.console, signal::kReadable, 1).ok());
    ASSERT_TRUE(o.set->add(*o.b, signal::kReadable | signal::kPeerClosed, 2).ok());
    std::atomic<sched::Task*> waiter{nullptr};
    PollEvent event{};
    std::thread thread([&] {
      waiter = &sched::current_task();
      Result<uint32_t> n = o.set->wait(&event, 1, kNoDeadline);
      ASSERT_TRUE(n.ok());
      EXPECT_EQ(n.value(), 1u);
    });
    while (!waiter) std::this_thread::yield();
    until_blocked(*waiter);
    expect_stays_blocked(*waiter);
    if (round == 0) {
      ASSERT_TRUE(o.a->write("data", 4, nullptr, 0).ok());
    } else {
      o.console->assert_signals(0, signal::kReadable);
    }
    thread.join();
    EXPECT_EQ(event.key, round == 0 ? 2u : 1u);
  }
}

TEST(PollSet, TimersFireIntoPollsets) {
  Objects o;
  ASSERT_TRUE(o.set->add(*o.timer, signal::kTimerFired, 7).ok());
  ASSERT_TRUE(o.set->add(*o.b, signal::kReadable, 8).ok());
  ASSERT_TRUE(o.timer->set(in_ms(5), 0).ok());
  PollEvent event{};
  ASSERT_EQ(o.set->wait(&event, 1, kNoDeadline).value(), 1u);
  EXPECT_EQ(event.key, 7u);
  EXPECT_EQ(o.timer->expirations(), 1u);
}

TEST(PollSet, ClosingAMemberOrTheSetLeavesNothingBehind) {
  const uint64_t links = live_poll_links();
  {
    Objects o;
    ASSERT_TRUE(o.set->add(*o.a, signal::kReadable, 1).ok());
    ASSERT_TRUE(o.set->add(*o.b, signal::kReadable, 2).ok());
    ASSERT_TRUE(o.set->add(*o.timer, signal::kTimerFired, 3).ok());
    EXPECT_EQ(o.set->members(), 3u);
    o.a.reset();  // the member's last reference: it leaves the set
    EXPECT_EQ(o.set->members(), 2u);
    // Its peer is now closed, which the set reports.
    PollEvent event{};
    ASSERT_TRUE(o.set->remove(*o.b).ok());
    ASSERT_TRUE(o.set->add(*o.b, signal::kPeerClosed, 2).ok());
    ASSERT_EQ(o.set->wait(&event, 1, 0).value(), 1u);
    EXPECT_EQ(event.key, 2u);
  }  // the set and the remaining members go in an arbitrary order
  EXPECT_EQ(live_poll_links(), links);
  EXPECT_EQ(live_pollsets(), 0u);
}

// Members and sets dying at once on different threads: the teardown lock
// keeps either side from touching the other's freed memory (ASan/TSan).
TEST(PollSet, MembersAndSetsDieConcurrently) {
  for (int round = 0; round < 200; ++round) {
    std::vector<Ref<Event>> events(8);
    Ref<PollSet> sets[2];
    for (auto& s : sets) ASSERT_TRUE(PollSet::create(s).ok());
    for (auto& e : events) {
      ASSERT_TRUE(Event::create(e).ok());
      for (auto& s : sets) ASSERT_TRUE(s->add(*e, signal::kUser0, 0).ok());
    }
    std::thread killer([&] { events.clear(); });
    sets[0].reset();
    sets[1].reset();
    killer.join();
  }
  EXPECT_EQ(live_poll_links(), 0u);
  EXPECT_EQ(live_events(), 0u);
}

TEST(Timer, OneShotPeriodicAndCancel) {
  Ref<Timer> timer;
  ASSERT_TRUE(Timer::create(timer).ok());
  EXPECT_EQ(timer->set(in_ms(1), 1).error(), Error::kInvalidArgument);
  ASSERT_TRUE(timer->set(in_ms(2), 0).ok());
  ASSERT_TRUE(timer->wait(signal::kTimerFired, kNoDeadline).ok());
  EXPECT_EQ(timer->expirations(), 1u);
  // Periodic: fires again and again until cancelled.
  ASSERT_TRUE(timer->set(in_ms(1), 1000000).ok());
  EXPECT_FALSE(timer->signals() & signal::kTimerFired) << "set() clears the old expiry";
  while (timer->expirations() < 4) {
    ASSERT_TRUE(timer->wait(signal::kTimerFired, kNoDeadline).ok());
  }
  EXPECT_TRUE(timer->cancel());
  EXPECT_FALSE(timer->signals() & signal::kTimerFired);
  const uint64_t after_cancel = timer->expirations();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(timer->expirations(), after_cancel) << "no expiry after cancel";
  EXPECT_FALSE(timer->cancel()) << "already disarmed";
  // A far deadline that is cancelled never fires.
  ASSERT_TRUE(timer->set(in_ms(60000), 0).ok());
  EXPECT_TRUE(timer->cancel());
}

TEST(Timer, DestroyingAnArmedTimerCancelsIt) {
  for (int i = 0; i < 100; ++i) {
    Ref<Timer> timer;
    ASSERT_TRUE(Timer::create(timer).ok());
    ASSERT_TRUE(timer->set(arch::uptime_ns() + (i % 3) * 100000, 100000).ok());
    if (i % 2) std::this_thread::sleep_for(std::chrono::microseconds(150));
  }
  EXPECT_EQ(live_timers(), 0u);
}

}  // namespace
}  // namespace viper::ipc
