// Blocking channel operations on host threads that really sleep
// (sched/host): timeouts, kill, peer close, the fast path, call/reply, and
// a stress run that would hang on a lost wakeup.
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "ipc/channel.h"
#include "ipc/pollset.h"
#include "kernel/arch/arch.h"
#include "sched/host/host_blocking.h"
#include "testing/host/heap_environment.h"
#include "testing/host/sanitizers.h"

namespace viper::ipc {
namespace {

VIPER_HOST_KERNEL_HEAP();

using sched::kNoDeadline;

uint64_t in_ms(uint64_t ms) { return arch::uptime_ns() + ms * 1000000; }

// A generous deadline that only a lost wakeup reaches.
uint64_t watchdog() { return arch::uptime_ns() + 60ull * 1000000000; }

void until_blocked(const std::atomic<sched::Task*>& task) {
  while (!task.load() || task.load()->state() != sched::TaskState::kBlocked) {
    std::this_thread::yield();
  }
}

struct Pair {
  Ref<Endpoint> a, b;
  Pair() { EXPECT_TRUE(Endpoint::create_pair(a, b).ok()); }
};

Status read_into(Endpoint& end, std::string& out, uint64_t deadline) {
  char buffer[128];
  size_t bytes = 0;
  uint32_t count = 0;
  Status s = end.read_wait(buffer, sizeof(buffer), bytes, nullptr, 0, count, deadline);
  if (s.ok()) out.assign(buffer, bytes);
  return s;
}

TEST(ChannelBlocking, ReadTimesOutIsKilledAndSeesPeerClose) {
  Pair p;
  std::string text;
  EXPECT_EQ(read_into(*p.b, text, in_ms(10)).error(), Error::kTimedOut);
  std::atomic<sched::Task*> reader{nullptr};
  std::thread killed([&] {
    reader = &sched::current_task();
    EXPECT_EQ(read_into(*p.b, text, kNoDeadline).error(), Error::kInterrupted);
  });
  until_blocked(reader);
  sched::host::kill(*reader);
  killed.join();
  reader = nullptr;
  std::thread closed([&] {
    reader = &sched::current_task();
    EXPECT_EQ(read_into(*p.b, text, kNoDeadline).error(), Error::kPeerClosed);
  });
  until_blocked(reader);
  p.a.reset();  // closing wakes the blocked reader
  closed.join();
}

// RC-013 on the channel path: a reader that has decided to sleep is woken
// by the send that lands before it sleeps; a writer blocked on a full
// queue is woken by the read that makes room.
TEST(ChannelBlocking, RC013_BlockedWritersAndReadersAreAlwaysWoken) {
  Pair p;
  const int kMessages = viper::testing::kSlowSanitizer ? 5000 : 50000;
  std::thread writer([&] {
    for (int i = 0; i < kMessages; ++i) {
      const uint32_t value = i;
      ASSERT_TRUE(p.a->write_wait(&value, sizeof(value), nullptr, 0, watchdog()).ok()) << i;
    }
  });
  for (int i = 0; i < kMessages; ++i) {
    uint32_t value = 0;
    size_t bytes = 0;
    uint32_t count = 0;
    ASSERT_TRUE(p.b->read_wait(&value, sizeof(value), bytes, nullptr, 0, count, watchdog()).ok());
    ASSERT_EQ(value, static_cast<uint32_t>(i)) << "in order";
  }
  writer.join();
}

TEST(ChannelBlocking, FullQueueBlocksTheWriterUntilRoom) {
  Pair p;
  for (uint32_t i = 0; i < kMaxQueuedMessages; ++i)
    ASSERT_TRUE(p.a->write("m", 1, nullptr, 0).ok());
  EXPECT_EQ(p.a->write("m", 1, nullptr, 0).error(), Error::kWouldBlock);
  EXPECT_EQ(p.a->write_wait("m", 1, nullptr, 0, in_ms(5)).error(), Error::kTimedOut);
  EXPECT_FALSE(p.a->signals() & signal::kWritable);
  std::atomic<sched::Task*> writer{nullptr};
  std::thread thread([&] {
    writer = &sched::current_task();
    EXPECT_TRUE(p.a->write_wait("late", 4, nullptr, 0, kNoDeadline).ok());
  });
  until_blocked(writer);
  std::string text;
  ASSERT_TRUE(read_into(*p.b, text, 0).ok());
  thread.join();
  EXPECT_FALSE(p.a->signals() & signal::kWritable) << "full again with the late message";
  ASSERT_TRUE(read_into(*p.b, text, 0).ok());
  EXPECT_TRUE(p.a->signals() & signal::kWritable);
}

TEST(ChannelBlocking, AWaitingReaderGetsSmallMessagesWithoutTheQueue) {
  Pair p;
  const uint64_t messages = live_messages();
  const uint64_t fast = fast_path_deliveries();
  std::atomic<sched::Task*> reader{nullptr};
  std::string text;
  std::thread thread([&] {
    reader = &sched::current_task();
    ASSERT_TRUE(read_into(*p.b, text, kNoDeadline).ok());
  });
  until_blocked(reader);
  ASSERT_TRUE(p.a->write("direct", 6, nullptr, 0).ok());
  EXPECT_EQ(live_messages(), messages) << "no message was allocated";
  thread.join();
  EXPECT_EQ(text, "direct");
  EXPECT_EQ(fast_path_deliveries(), fast + 1);
}

TEST(ChannelBlocking, CallAndReplyRoundTrips) {
  Pair p;
  const int kCalls = viper::testing::kSlowSanitizer ? 2000 : 20000;
  std::thread server([&] {
    char request[16];
    size_t bytes = 0;
    uint32_t count = 0;
    ASSERT_TRUE(
        p.b->read_wait(request, sizeof(request), bytes, nullptr, 0, count, watchdog()).ok());
    for (;;) {
      uint32_t value;
      __builtin_memcpy(&value, request, sizeof(value));
      value += 1;
      Status s =
          p.b->reply_and_read(&value, sizeof(value), request, sizeof(request), bytes, watchdog());
      if (!s.ok()) {
        EXPECT_EQ(s.error(), Error::kPeerClosed);
        return;
      }
    }
  });
  for (int i = 0; i < kCalls; ++i) {
    uint32_t value = i, reply = 0;
    size_t bytes = 0;
    ASSERT_TRUE(p.a->call(&value, sizeof(value), &reply, sizeof(reply), bytes, watchdog()).ok());
    ASSERT_EQ(bytes, sizeof(reply));
    ASSERT_EQ(reply, static_cast<uint32_t>(i + 1));
  }
  p.a.reset();
  server.join();
  EXPECT_EQ(live_messages(), 0u);
}

TEST(ChannelBlocking, CallRefusesWhatCannotBeSent) {
  Pair p;
  uint32_t reply;
  size_t bytes;
  std::vector<uint8_t> big(kMaxMessageBytes + 1);
  EXPECT_EQ(p.a->call(big.data(), big.size(), &reply, sizeof(reply), bytes, kNoDeadline).error(),
            Error::kOutOfRange);
  EXPECT_EQ(p.a->call("x", 1, &reply, sizeof(reply), bytes, in_ms(5)).error(), Error::kTimedOut)
      << "nobody answers";
  p.b.reset();
  EXPECT_EQ(p.a->call("x", 1, &reply, sizeof(reply), bytes, kNoDeadline).error(),
            Error::kPeerClosed);
}

// The stress the issue asks for: threads create channels, send with
// attachments (often other channels), receive blocking or through
// pollsets, and close, at random. Every blocked receiver must be woken by
// a send or a close (a lost wakeup hits the watchdog), nothing may leak.
TEST(ChannelBlocking, StressCreateSendReceivePollClose) {
  const int kRounds = viper::testing::kSlowSanitizer ? 40 : 300;
  for (int round = 0; round < kRounds; ++round) {
    Pair p;
    Ref<PollSet> set;
    ASSERT_TRUE(PollSet::create(set).ok());
    ASSERT_TRUE(set->add(*p.b, signal::kReadable | signal::kPeerClosed, 1).ok());
    std::atomic<int> received{0};
    const int kSends = 64;
    std::thread poller([&] {
      char buffer[32];
      Attachment got[2];
      for (;;) {
        PollEvent event{};
        Result<uint32_t> n = set->wait(&event, 1, watchdog());
        ASSERT_TRUE(n.ok()) << "a lost wakeup: the poller slept through a send or close";
        size_t bytes = 0;
        uint32_t count = 0;
        Status s = p.b->read(buffer, sizeof(buffer), bytes, got, 2, count);
        if (s.ok()) {
          for (uint32_t i = 0; i < count; ++i) got[i].object->release();
          received.fetch_add(1);
        } else if (s.error() == Error::kPeerClosed) {
          return;
        }
      }
    });
    std::thread blocking_reader([&, round] {
      Pair mine;
      std::mt19937 rng(round);
      for (int i = 0; i < kSends; ++i) {
        // Send one end of a fresh channel (or nothing) along with bytes.
        Pair fresh;
        Attachment attachment{fresh.a.leak(), 1};
        const uint32_t attachments = rng() % 2;
        Status s = p.a->write_wait("payload", 7, &attachment, attachments, watchdog());
        ASSERT_TRUE(s.ok()) << error_name(s.error());
        if (!attachments) attachment.object->release();
        if (rng() % 4 == 0) std::this_thread::yield();
      }
      p.a.reset();  // close: the poller must see it
    });
    blocking_reader.join();
    poller.join();
    EXPECT_EQ(received.load(), kSends);
  }
  EXPECT_EQ(live_channels(), 0u);
  EXPECT_EQ(live_messages(), 0u);
  EXPECT_EQ(live_poll_links(), 0u);
}

}  // namespace
}  // namespace viper::ipc
