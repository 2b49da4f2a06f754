#include <atomic>
#include <thread>
#include <type_traits>
#include <vector>

#include "gtest/gtest.h"
#include "ipc/stats.h"
#include "kernel/arch/arch.h"
#include "kernel/object/endpoint_object.h"
#include "kernel/object/event_object.h"
#include "kernel/object/object_wait.h"
#include "kernel/object/pollset_object.h"
#include "kernel/object/testing_object.h"
#include "kernel/object/timer_object.h"
#include "sched/host/host_blocking.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::object {
namespace {

VIPER_HOST_KERNEL_HEAP();

using cap::HandleTable;
using cap::HandleValue;

Deadline in_ms(uint64_t ms) { return Deadline::after(Duration::milliseconds(ms)); }
constexpr Deadline kPast = Deadline::at(0);  // a wait that only polls

// RC-020: a pollset member is named by a handle and its readiness is read
// from the object behind that handle. The seed fell back to treating the
// handle as a channel ID when the lookup found no channel, and so reported
// some unrelated channel's messages for a non-channel member.
static_assert(!std::is_convertible_v<ObjectId, HandleValue>);
static_assert(!std::is_convertible_v<HandleValue, ObjectId>);

// Makes the next object ID equal a live handle's value, so that one number
// mistaken for the other names a real object instead of nothing. By chance
// they never meet: handle values start at 2^16 (generation 1), while a
// test process hands out a few hundred IDs.
HandleValue next_object_id_is(HandleTable& table, HandleValue handle) {
  const uint64_t next = allocate_object_id().value().value;
  while (handle.value <= next) {  // IDs already past it: move it to a higher generation
    const HandleValue moved = table.duplicate(handle, Rights::kAll).value();
    EXPECT_OK(table.close(handle));
    handle = moved;
  }
  while (allocate_object_id().value().value + 1 < handle.value) {
  }
  return handle;
}

TEST(WaitObjects, RC020_ReadinessComesFromTheObjectTheHandleNames) {
  HandleTable table;
  Result<HandleValue> set_created = pollset_create(table);
  ASSERT_OK(set_created);
  const HandleValue set = set_created.value();
  // Plenty of readable channels with IDs and handles all around.
  std::vector<HandleValue> ends;
  for (int i = 0; i < 64; ++i) {
    Result<ChannelHandles> ab = channel_create(table);
    ASSERT_OK(ab);
    const auto [a, b] = ab.value();
    ASSERT_OK(channel_write(table, a, literal_bytes("x")));
    ends.push_back(a);
    ends.push_back(b);
  }
  // The event's ID is the value of a handle to a readable channel end.
  ends[3] = next_object_id_is(table, ends[3]);
  Result<HandleValue> event_created = event_create(table);
  ASSERT_OK(event_created);
  const HandleValue event = event_created.value();
  ASSERT_EQ(table.get(event, Rights::kNone).value()->id().value, ends[3].value)
      << "the numbers overlap";
  ASSERT_TRUE(
      contains(object_wait(table, ends[3], Signals::kReadable, kPast).value(), Signals::kReadable))
      << "and that channel end has a message";
  ASSERT_OK(pollset_add(table, set, event, Signals::kReadable | Signals::kUser0, 9));
  ipc::PollEvent events[4];
  EXPECT_EQ(pollset_wait(table, set, Span<ipc::PollEvent>(events, 4), kPast).error(),
            Error::kTimedOut)
      << "no other object's readiness may leak into the event's";
  ASSERT_OK(object_signal(table, event, Signals::kNone, Signals::kUser0));
  ASSERT_EQ(pollset_wait(table, set, Span<ipc::PollEvent>(events, 4), kPast).value(), 1u);
  EXPECT_EQ(events[0].key, 9u);
  EXPECT_EQ(events[0].signals, Signals::kUser0);
  // And a channel member reports its own queue.
  ASSERT_OK(pollset_add(table, set, ends[1], Signals::kReadable, 10));
  ASSERT_OK(pollset_add(table, set, ends[0], Signals::kReadable, 11));
  ASSERT_EQ(pollset_wait(table, set, Span<ipc::PollEvent>(events, 4), kPast).value(), 2u);
  EXPECT_EQ(events[0].key + events[1].key, 9u + 10u) << "ends[0] has nothing to read";
}

TEST(WaitObjects, RightsTypesAndBadHandlesAreChecked) {
  HandleTable table;
  Result<HandleValue> set_created = pollset_create(table);
  ASSERT_OK(set_created);
  const HandleValue set = set_created.value();
  Result<HandleValue> other_set_created = pollset_create(table);
  ASSERT_OK(other_set_created);
  const HandleValue other_set = other_set_created.value();
  Result<HandleValue> timer_created = timer_create(table);
  ASSERT_OK(timer_created);
  const HandleValue timer = timer_created.value();
  EXPECT_EQ(pollset_add(table, set, other_set, Signals::kReadable, 0).error(), Error::kNotSupported)
      << "a pollset has no signals";
  EXPECT_EQ(pollset_add(table, timer, set, Signals::kReadable, 0).error(), Error::kBadHandle)
      << "not a pollset";
  const HandleValue no_wait = table.duplicate(timer, Rights::kRead).value();
  EXPECT_EQ(pollset_add(table, set, no_wait, Signals::kTimerFired, 0).error(),
            Error::kAccessDenied);
  EXPECT_EQ(object_wait(table, no_wait, Signals::kTimerFired, kPast).error(), Error::kAccessDenied);
  EXPECT_EQ(timer_set(table, no_wait, kPast, Duration()).error(), Error::kAccessDenied);
  EXPECT_EQ(object_signal(table, timer, Signals::kNone, Signals::kTimerFired).error(),
            Error::kInvalidArgument)
      << "only user signals may be raised by hand";
  EXPECT_EQ(object_wait(table, HandleValue{12345}, Signals::kUser0, kPast).error(),
            Error::kBadHandle);
  ASSERT_OK(table.close(timer));
  EXPECT_EQ(timer_set(table, timer, kPast, Duration()).error(), Error::kBadHandle)
      << "stale handle";
}

TEST(WaitObjects, TimerHandlesFireAndCancel) {
  HandleTable table;
  Result<HandleValue> timer_created = timer_create(table);
  ASSERT_OK(timer_created);
  const HandleValue timer = timer_created.value();
  ASSERT_OK(timer_set(table, timer, in_ms(2), Duration()));
  EXPECT_EQ(object_wait(table, timer, Signals::kTimerFired, Deadline::never()).value(),
            Signals::kTimerFired);
  ASSERT_OK(timer_set(table, timer, in_ms(60000), Duration()));
  ASSERT_OK(timer_cancel(table, timer));
  EXPECT_EQ(object_wait(table, timer, Signals::kTimerFired, in_ms(5)).error(), Error::kTimedOut);
}

// RC-012: a thread blocked in pollset_wait holds a counted reference; the
// handle being closed meanwhile neither frees the set under it nor loses
// its wakeup.
TEST(WaitObjects, RC012_ClosingAPollsetHandleDuringAWaitIsSafe) {
  HandleTable table;
  Result<HandleValue> set_created = pollset_create(table);
  ASSERT_OK(set_created);
  const HandleValue set = set_created.value();
  Result<HandleValue> event_created = event_create(table);
  ASSERT_OK(event_created);
  const HandleValue event = event_created.value();
  ASSERT_OK(pollset_add(table, set, event, Signals::kUser0, 5));
  std::atomic<sched::Task*> waiter{nullptr};
  std::thread thread([&] {
    waiter = &sched::current_task();
    ipc::PollEvent got{};
    ASSERT_EQ(pollset_wait(table, set, Span<ipc::PollEvent>(&got, 1), Deadline::never()).value(),
              1u);
    EXPECT_EQ(got.key, 5u);
  });
  while (!waiter.load() || waiter.load()->state() != sched::TaskState::kBlocked) {
    std::this_thread::yield();
  }
  ASSERT_OK(table.close(set));
  ASSERT_OK(object_signal(table, event, Signals::kNone, Signals::kUser0));
  thread.join();
  EXPECT_EQ(ipc::stats().live_pollsets, 0u) << "the waiter's reference was the last";
}

}  // namespace
}  // namespace viper::object

namespace viper::object {
namespace {

TEST(ChannelHandles, BlockingReadEndsOnWriteAndOnHandleClose) {
  HandleTable table;
  Result<ChannelHandles> ab = channel_create(table);
  ASSERT_OK(ab);
  const auto [a, b] = ab.value();
  char buffer[8];
  ipc::MessageSize size;
  EXPECT_EQ(channel_read_wait(table, b, writable_bytes_of(buffer), {}, size, in_ms(5)).error(),
            Error::kTimedOut);
  std::atomic<sched::Task*> reader{nullptr};
  std::thread thread([&] {
    reader = &sched::current_task();
    ASSERT_OK(channel_read_wait(table, b, writable_bytes_of(buffer), {}, size, Deadline::never()));
    EXPECT_EQ(size.bytes, 2u);
    EXPECT_EQ(
        channel_read_wait(table, b, writable_bytes_of(buffer), {}, size, Deadline::never()).error(),
        Error::kPeerClosed);
  });
  while (!reader.load() || reader.load()->state() != sched::TaskState::kBlocked) {
    std::this_thread::yield();
  }
  ASSERT_OK(channel_write_wait(table, a, literal_bytes("hi"), {}, Deadline::never()));
  ASSERT_OK(table.close(a));
  thread.join();
}

// The handle-level blocking read takes the one-copy fast path
// Endpoint::read_wait has: a small write without handles goes straight into
// the blocked reader's buffer, no message allocated. A message that carries
// handles still arrives, through the queue, with its handles installed.
TEST(ChannelHandles, BlockingReadTakesTheFastPathAndStillReceivesHandles) {
  HandleTable table;
  Result<ChannelHandles> ab = channel_create(table);
  ASSERT_OK(ab);
  const auto [a, b] = ab.value();
  const uint64_t fast = ipc::stats().fast_path_deliveries;
  const uint64_t messages = ipc::stats().live_messages;
  std::atomic<sched::Task*> reader{nullptr};
  char buffer[8];
  HandleValue got[1];
  ipc::MessageSize first, second;
  std::thread thread([&] {
    reader = &sched::current_task();
    ASSERT_OK(
        channel_read_wait(table, b, writable_bytes_of(buffer), got, first, Deadline::never()));
    ASSERT_OK(
        channel_read_wait(table, b, writable_bytes_of(buffer), got, second, Deadline::never()));
  });
  auto until_blocked = [&] {
    while (!reader.load() || reader.load()->state() != sched::TaskState::kBlocked) {
      std::this_thread::yield();
    }
  };
  until_blocked();
  ASSERT_OK(channel_write(table, a, literal_bytes("hi")));
  EXPECT_EQ(ipc::stats().live_messages, messages) << "no message was allocated";
  until_blocked();
  const HandleValue gift = table.add(testing::TestObject::create(), Rights::kAll).value();
  ASSERT_OK(channel_write(table, a, literal_bytes("gift"), Span<const HandleValue>(&gift, 1)));
  thread.join();
  EXPECT_EQ(ipc::stats().fast_path_deliveries, fast + 1);
  EXPECT_EQ(first.bytes, 2u);
  EXPECT_EQ(first.handles, 0u);
  EXPECT_EQ(second.bytes, 4u);
  ASSERT_EQ(second.handles, 1u);
  EXPECT_OK(table.get_as<testing::TestObject>(got[0], Rights::kNone));
}

}  // namespace
}  // namespace viper::object
