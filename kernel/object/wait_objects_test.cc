#include "kernel/object/wait_objects.h"

#include <atomic>
#include <thread>
#include <type_traits>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/arch/arch.h"
#include "kernel/object/channel_object.h"
#include "kernel/object/testing_object.h"
#include "sched/host/host_blocking.h"
#include "testing/host/heap_environment.h"

namespace viper::object {
namespace {

VIPER_HOST_KERNEL_HEAP();

using cap::HandleTable;
using cap::HandleValue;
using sched::kNoDeadline;

uint64_t in_ms(uint64_t ms) { return arch::uptime_ns() + ms * 1000000; }

// RC-020: a pollset member is named by a handle and its readiness is read
// from the object behind that handle. The seed fell back to treating the
// handle as a channel ID when the lookup found no channel, and so reported
// some unrelated channel's messages for a non-channel member.
static_assert(!std::is_convertible_v<ObjectId, HandleValue>);
static_assert(!std::is_convertible_v<HandleValue, ObjectId>);

TEST(WaitObjects, RC020_ReadinessComesFromTheObjectTheHandleNames) {
  HandleTable table;
  HandleValue set, event;
  ASSERT_TRUE(pollset_create(table, set).ok());
  ASSERT_TRUE(event_create(table, event).ok());
  // Plenty of readable channels with IDs and handles all around.
  std::vector<HandleValue> ends;
  for (int i = 0; i < 64; ++i) {
    HandleValue a, b;
    ASSERT_TRUE(channel_create(table, a, b).ok());
    ASSERT_TRUE(channel_write(table, a, "x", 1, nullptr, 0).ok());
    ends.push_back(a);
    ends.push_back(b);
  }
  ASSERT_TRUE(pollset_add(table, set, event, ipc::signal::kReadable | ipc::signal::kUser0, 9).ok());
  ipc::PollEvent events[4];
  EXPECT_EQ(pollset_wait(table, set, events, 4, 0).error(), Error::kTimedOut)
      << "no other object's readiness may leak into the event's";
  ASSERT_TRUE(object_signal(table, event, 0, ipc::signal::kUser0).ok());
  ASSERT_EQ(pollset_wait(table, set, events, 4, 0).value(), 1u);
  EXPECT_EQ(events[0].key, 9u);
  EXPECT_EQ(events[0].signals, ipc::signal::kUser0);
  // And a channel member reports its own queue.
  ASSERT_TRUE(pollset_add(table, set, ends[1], ipc::signal::kReadable, 10).ok());
  ASSERT_TRUE(pollset_add(table, set, ends[0], ipc::signal::kReadable, 11).ok());
  ASSERT_EQ(pollset_wait(table, set, events, 4, 0).value(), 2u);
  EXPECT_EQ(events[0].key + events[1].key, 9u + 10u) << "ends[0] has nothing to read";
}

TEST(WaitObjects, RightsTypesAndBadHandlesAreChecked) {
  HandleTable table;
  HandleValue set, timer, other_set;
  ASSERT_TRUE(pollset_create(table, set).ok());
  ASSERT_TRUE(pollset_create(table, other_set).ok());
  ASSERT_TRUE(timer_create(table, timer).ok());
  EXPECT_EQ(pollset_add(table, set, other_set, ipc::signal::kReadable, 0).error(),
            Error::kNotSupported)
      << "a pollset has no signals";
  EXPECT_EQ(pollset_add(table, timer, set, ipc::signal::kReadable, 0).error(), Error::kBadHandle)
      << "not a pollset";
  const HandleValue no_wait = table.duplicate(timer, cap::kRightRead).value();
  EXPECT_EQ(pollset_add(table, set, no_wait, ipc::signal::kTimerFired, 0).error(),
            Error::kAccessDenied);
  EXPECT_EQ(object_wait(table, no_wait, ipc::signal::kTimerFired, 0).error(), Error::kAccessDenied);
  EXPECT_EQ(timer_set(table, no_wait, 0, 0).error(), Error::kAccessDenied);
  EXPECT_EQ(object_signal(table, timer, 0, ipc::signal::kTimerFired).error(),
            Error::kInvalidArgument)
      << "only user signals may be raised by hand";
  EXPECT_EQ(object_wait(table, HandleValue{12345}, ipc::signal::kUser0, 0).error(),
            Error::kBadHandle);
  ASSERT_TRUE(table.close(timer).ok());
  EXPECT_EQ(timer_set(table, timer, 0, 0).error(), Error::kBadHandle) << "stale handle";
}

TEST(WaitObjects, TimerHandlesFireAndCancel) {
  HandleTable table;
  HandleValue timer;
  ASSERT_TRUE(timer_create(table, timer).ok());
  ASSERT_TRUE(timer_set(table, timer, in_ms(2), 0).ok());
  EXPECT_EQ(object_wait(table, timer, ipc::signal::kTimerFired, kNoDeadline).value(),
            ipc::signal::kTimerFired);
  ASSERT_TRUE(timer_set(table, timer, in_ms(60000), 0).ok());
  ASSERT_TRUE(timer_cancel(table, timer).ok());
  EXPECT_EQ(object_wait(table, timer, ipc::signal::kTimerFired, in_ms(5)).error(),
            Error::kTimedOut);
}

// RC-012: a thread blocked in pollset_wait holds a counted reference; the
// handle being closed meanwhile neither frees the set under it nor loses
// its wakeup.
TEST(WaitObjects, RC012_ClosingAPollsetHandleDuringAWaitIsSafe) {
  HandleTable table;
  HandleValue set, event;
  ASSERT_TRUE(pollset_create(table, set).ok());
  ASSERT_TRUE(event_create(table, event).ok());
  ASSERT_TRUE(pollset_add(table, set, event, ipc::signal::kUser0, 5).ok());
  std::atomic<sched::Task*> waiter{nullptr};
  std::thread thread([&] {
    waiter = &sched::current_task();
    ipc::PollEvent got{};
    ASSERT_EQ(pollset_wait(table, set, &got, 1, kNoDeadline).value(), 1u);
    EXPECT_EQ(got.key, 5u);
  });
  while (!waiter.load() || waiter.load()->state() != sched::TaskState::kBlocked) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(table.close(set).ok());
  ASSERT_TRUE(object_signal(table, event, 0, ipc::signal::kUser0).ok());
  thread.join();
  EXPECT_EQ(ipc::live_pollsets(), 0u) << "the waiter's reference was the last";
}

}  // namespace
}  // namespace viper::object

namespace viper::object {
namespace {

TEST(ChannelHandles, BlockingReadEndsOnWriteAndOnHandleClose) {
  HandleTable table;
  HandleValue a, b;
  ASSERT_TRUE(channel_create(table, a, b).ok());
  char buffer[8];
  size_t bytes = 0;
  uint32_t count = 0;
  EXPECT_EQ(channel_read_wait(table, b, buffer, sizeof(buffer), bytes, nullptr, 0, count, in_ms(5))
                .error(),
            Error::kTimedOut);
  std::atomic<sched::Task*> reader{nullptr};
  std::thread thread([&] {
    reader = &sched::current_task();
    ASSERT_TRUE(
        channel_read_wait(table, b, buffer, sizeof(buffer), bytes, nullptr, 0, count, kNoDeadline)
            .ok());
    EXPECT_EQ(bytes, 2u);
    EXPECT_EQ(
        channel_read_wait(table, b, buffer, sizeof(buffer), bytes, nullptr, 0, count, kNoDeadline)
            .error(),
        Error::kPeerClosed);
  });
  while (!reader.load() || reader.load()->state() != sched::TaskState::kBlocked) {
    std::this_thread::yield();
  }
  ASSERT_TRUE(channel_write_wait(table, a, "hi", 2, nullptr, 0, kNoDeadline).ok());
  ASSERT_TRUE(table.close(a).ok());
  thread.join();
}

}  // namespace
}  // namespace viper::object
