// Waitables, events and pollsets on host threads (sched/host: each thread
// is a task that really blocks).
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "ipc/channel.h"
#include "ipc/event.h"
#include "ipc/pollset.h"
#include "ipc/stats.h"
#include "ipc/waitable_timer.h"
#include "kernel/arch/arch.h"
#include "sched/host/host_blocking.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::ipc {
namespace {

VIPER_HOST_KERNEL_HEAP();

Deadline in_ms(uint64_t ms) { return Deadline::after(Duration::milliseconds(ms)); }
// A deadline already passed: the wait only polls.
constexpr Deadline kPast = Deadline::at(0);

template <class T>
Ref<T> created(Result<Ref<T>> result) {
  EXPECT_OK(result);
  return result.ok() ? move(result.value()) : Ref<T>();
}

// Waits (in real time) until `task` is asleep, i.e. parked off-CPU.
void until_blocked(sched::Task& task) {
  while (task.state() != sched::TaskState::kBlocked) std::this_thread::yield();
}

// Asserts that `task` stays asleep for 100 ms (ten of the seed's 10 ms
// polls) without running once: a yield loop shows up as running or ready;
// an interval poll, asleep again between two samples of its state, shows
// up in the host backend's count of times the sleeping waiter ran again
// (RC-021).
void expect_stays_blocked(sched::Task& task) {
  const uint64_t woken = sched::host::times_woken(task);
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(task.state(), sched::TaskState::kBlocked) << "the waiter woke without an event";
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(sched::host::times_woken(task) - woken, 0u)
      << "the waiter ran again without an event: it polls";
}

struct Objects {
  Ref<Endpoint> a, b;
  Ref<Event> console;  // a pseudo-handle: console input
  Ref<WaitableTimer> timer = created(WaitableTimer::create());
  Ref<PollSet> set = created(PollSet::create());
  Objects() : console(created(Event::create())) {
    Result<EndpointPair> pair = Endpoint::create_pair();
    EXPECT_OK(pair);
    a = move(pair->a);
    b = move(pair->b);
  }
};

TEST(Waitable, EventSignalsWakeAWaiter) {
  Ref<Event> event = created(Event::create());
  ASSERT_TRUE(event);
  EXPECT_EQ(event->signal_user(Signals::kNone, Signals::kReadable).error(),
            Error::kInvalidArgument);
  EXPECT_EQ(event->wait(Signals::kNone, Deadline::never()).error(), Error::kInvalidArgument);
  std::atomic<sched::Task*> waiter{nullptr};
  std::thread thread([&] {
    waiter = &sched::current_task();
    Result<Signals> seen = event->wait(user_signal(3), Deadline::never());
    ASSERT_OK(seen);
    EXPECT_EQ(seen.value(), user_signal(3));
  });
  while (!waiter) std::this_thread::yield();
  until_blocked(*waiter);
  ASSERT_OK(event->signal_user(Signals::kNone, user_signal(3)));
  thread.join();
}

TEST(Waitable, WaitTimesOutAndEndsWhenKilled) {
  Ref<Event> event = created(Event::create());
  ASSERT_TRUE(event);
  EXPECT_EQ(event->wait(Signals::kUser0, in_ms(20)).error(), Error::kTimedOut);
  EXPECT_EQ(event->wait(Signals::kUser0, kPast).error(), Error::kTimedOut)
      << "a past deadline polls";
  std::atomic<sched::Task*> waiter{nullptr};
  std::thread thread([&] {
    waiter = &sched::current_task();
    EXPECT_EQ(event->wait(Signals::kUser0, Deadline::never()).error(), Error::kInterrupted);
  });
  while (!waiter) std::this_thread::yield();
  until_blocked(*waiter);
  sched::host::kill(*waiter);
  thread.join();
}

TEST(PollSet, ReportsMembersByKeyLevelTriggered) {
  Objects o;
  PollEvent events[4];
  ASSERT_OK(o.set->add(*o.b, Signals::kReadable, 11));
  ASSERT_OK(o.set->add(*o.console, Signals::kReadable, 22));
  EXPECT_EQ(o.set->wait(events, kPast).error(), Error::kTimedOut);
  ASSERT_OK(o.a->write(literal_bytes("x")));
  o.console->assert_signals(Signals::kNone, Signals::kReadable);
  Result<uint32_t> n = o.set->wait(events, Deadline::never());
  ASSERT_OK(n);
  ASSERT_EQ(n.value(), 2u);
  EXPECT_EQ(events[0].key, 11u);
  EXPECT_TRUE(any(events[0].signals & Signals::kReadable));
  EXPECT_EQ(events[1].key, 22u);
  // Still ready: reported again, and the two take turns with capacity 1.
  ASSERT_EQ(o.set->wait(Span<PollEvent>(events, 1), kPast).value(), 1u);
  const uint64_t first = events[0].key;
  ASSERT_EQ(o.set->wait(Span<PollEvent>(events, 1), kPast).value(), 1u);
  EXPECT_NE(events[0].key, first);
  // Consumed: no longer reported.
  char c;
  MessageSize size;
  ASSERT_OK(o.b->read(writable_bytes_of(c), {}, size));
  o.console->assert_signals(Signals::kReadable, Signals::kNone);
  EXPECT_EQ(o.set->wait(events, kPast).error(), Error::kTimedOut);
}

TEST(PollSet, BadMembershipsAreNamedErrors) {
  Objects o;
  PollEvent events[1];
  EXPECT_EQ(o.set->add(*o.b, Signals::kNone, 1).error(), Error::kInvalidArgument);
  EXPECT_EQ(o.set->add(*o.b, from_raw<Signals>(1u << 30), 1).error(), Error::kInvalidArgument);
  ASSERT_OK(o.set->add(*o.b, Signals::kReadable, 1));
  EXPECT_EQ(o.set->add(*o.b, Signals::kWritable, 2).error(), Error::kAlreadyExists);
  EXPECT_OK(o.set->remove(*o.b));
  EXPECT_EQ(o.set->remove(*o.b).error(), Error::kNotFound);
  EXPECT_EQ(o.set->wait(Span<PollEvent>(nullptr, 1), kPast).error(), Error::kInvalidArgument);
  EXPECT_EQ(o.set->wait(Span<PollEvent>(events, 0), kPast).error(), Error::kInvalidArgument);
  std::vector<Ref<Event>> many(kMaxPollMembers + 1);
  for (auto& e : many) ASSERT_TRUE(e = created(Event::create()));
  for (uint32_t i = 0; i < kMaxPollMembers; ++i) {
    ASSERT_OK(o.set->add(*many[i], Signals::kUser0, i));
  }
  EXPECT_EQ(o.set->add(*many.back(), Signals::kUser0, 0).error(), Error::kNoSpace);
}

// RC-021: the seed's pollset, given a console pseudo-handle and a channel
// together, skipped registering for the channel and spun in a yield loop;
// channel data waited for the scheduler. Here the waiter sleeps until an
// event, and an event on either kind of member wakes it at once.
TEST(PollSet, RC021_MixedMembersBlockAndWakeOnEither) {
  for (int round = 0; round < 2; ++round) {
    Objects o;
    ASSERT_OK(o.set->add(*o.console, Signals::kReadable, 1));
    ASSERT_OK(o.set->add(*o.b, Signals::kReadable | Signals::kPeerClosed, 2));
    std::atomic<sched::Task*> waiter{nullptr};
    std::atomic<uint64_t> woken_by_then{0};
    PollEvent event{};
    std::thread thread([&] {
      waiter = &sched::current_task();
      Result<uint32_t> n = o.set->wait(Span<PollEvent>(&event, 1), Deadline::never());
      woken_by_then = sched::host::times_woken(sched::current_task());
      ASSERT_OK(n);
      EXPECT_EQ(n.value(), 1u);
    });
    while (!waiter) std::this_thread::yield();
    until_blocked(*waiter);
    const uint64_t woken_asleep = sched::host::times_woken(*waiter);
    expect_stays_blocked(*waiter);
    if (round == 0) {
      ASSERT_OK(o.a->write(literal_bytes("data")));
    } else {
      o.console->assert_signals(Signals::kNone, Signals::kReadable);
    }
    thread.join();
    EXPECT_EQ(event.key, round == 0 ? 2u : 1u);
    EXPECT_EQ(woken_by_then - woken_asleep, 1u) << "one event, one wakeup";
  }
}

TEST(PollSet, TimersFireIntoPollsets) {
  Objects o;
  ASSERT_OK(o.set->add(*o.timer, Signals::kTimerFired, 7));
  ASSERT_OK(o.set->add(*o.b, Signals::kReadable, 8));
  ASSERT_OK(o.timer->set(in_ms(5), Duration()));
  PollEvent event{};
  ASSERT_EQ(o.set->wait(Span<PollEvent>(&event, 1), Deadline::never()).value(), 1u);
  EXPECT_EQ(event.key, 7u);
  EXPECT_EQ(o.timer->expirations(), 1u);
}

TEST(PollSet, ClosingAMemberOrTheSetLeavesNothingBehind) {
  const uint64_t links = stats().live_poll_links;
  {
    Objects o;
    ASSERT_OK(o.set->add(*o.a, Signals::kReadable, 1));
    ASSERT_OK(o.set->add(*o.b, Signals::kReadable, 2));
    ASSERT_OK(o.set->add(*o.timer, Signals::kTimerFired, 3));
    EXPECT_EQ(o.set->members(), 3u);
    o.a.reset();  // the member's last reference: it leaves the set
    EXPECT_EQ(o.set->members(), 2u);
    // Its peer is now closed, which the set reports.
    PollEvent event{};
    ASSERT_OK(o.set->remove(*o.b));
    ASSERT_OK(o.set->add(*o.b, Signals::kPeerClosed, 2));
    ASSERT_EQ(o.set->wait(Span<PollEvent>(&event, 1), kPast).value(), 1u);
    EXPECT_EQ(event.key, 2u);
  }  // the set and the remaining members go in an arbitrary order
  EXPECT_EQ(stats().live_poll_links, links);
  EXPECT_EQ(stats().live_pollsets, 0u);
}

// Members and sets dying at once on different threads: the teardown lock
// keeps either side from touching the other's freed memory (ASan/TSan).
TEST(PollSet, MembersAndSetsDieConcurrently) {
  for (int round = 0; round < 200; ++round) {
    std::vector<Ref<Event>> events(8);
    Ref<PollSet> sets[2];
    for (auto& s : sets) ASSERT_TRUE(s = created(PollSet::create()));
    for (auto& e : events) {
      ASSERT_TRUE(e = created(Event::create()));
      for (auto& s : sets) ASSERT_OK(s->add(*e, Signals::kUser0, 0));
    }
    std::thread killer([&] { events.clear(); });
    sets[0].reset();
    sets[1].reset();
    killer.join();
  }
  EXPECT_EQ(stats().live_poll_links, 0u);
  EXPECT_EQ(stats().live_events, 0u);
}

TEST(WaitableTimer, OneShotPeriodicAndCancel) {
  Ref<WaitableTimer> timer = created(WaitableTimer::create());
  ASSERT_TRUE(timer);
  EXPECT_EQ(timer->set(in_ms(1), Duration::nanoseconds(1)).error(), Error::kInvalidArgument);
  ASSERT_OK(timer->set(in_ms(2), Duration()));
  ASSERT_OK(timer->wait(Signals::kTimerFired, Deadline::never()));
  EXPECT_EQ(timer->expirations(), 1u);
  // Periodic: fires again and again until cancelled.
  ASSERT_OK(timer->set(in_ms(1), Duration::milliseconds(1)));
  EXPECT_FALSE(any(timer->signals() & Signals::kTimerFired)) << "set() clears the old expiry";
  while (timer->expirations() < 4) {
    ASSERT_OK(timer->wait(Signals::kTimerFired, Deadline::never()));
  }
  EXPECT_TRUE(timer->cancel());
  EXPECT_FALSE(any(timer->signals() & Signals::kTimerFired));
  const uint64_t after_cancel = timer->expirations();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(timer->expirations(), after_cancel) << "no expiry after cancel";
  EXPECT_FALSE(timer->cancel()) << "already disarmed";
  // A far deadline that is cancelled never fires.
  ASSERT_OK(timer->set(in_ms(60000), Duration()));
  EXPECT_TRUE(timer->cancel());
}

TEST(WaitableTimer, DestroyingAnArmedTimerCancelsIt) {
  for (int i = 0; i < 100; ++i) {
    Ref<WaitableTimer> timer = created(WaitableTimer::create());
    ASSERT_TRUE(timer);
    ASSERT_OK(timer->set(Deadline::after(Duration::microseconds(100) * (i % 3)),
                         Duration::microseconds(100)));
    if (i % 2) std::this_thread::sleep_for(std::chrono::microseconds(150));
  }
  EXPECT_EQ(stats().live_timers, 0u);
}

}  // namespace
}  // namespace viper::ipc
