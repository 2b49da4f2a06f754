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
#include "ipc/stats.h"
#include "kernel/arch/arch.h"
#include "sched/host/host_blocking.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"
#include "testing/host/sanitizers.h"

namespace viper::ipc {
namespace {

VIPER_HOST_KERNEL_HEAP();

Deadline in_ms(uint64_t ms) { return Deadline::after(Duration::milliseconds(ms)); }

// A generous deadline that only a lost wakeup reaches.
Deadline watchdog() { return Deadline::after(Duration::seconds(60)); }

void until_blocked(const std::atomic<sched::Task*>& task) {
  while (!task.load() || task.load()->state() != sched::TaskState::kBlocked) {
    std::this_thread::yield();
  }
}

struct Pair {
  Ref<Endpoint> a, b;
  Pair() {
    Result<EndpointPair> pair = Endpoint::create_pair();
    EXPECT_OK(pair);
    a = move(pair->a);
    b = move(pair->b);
  }
};

Status read_into(Endpoint& end, std::string& out, Deadline deadline) {
  char buffer[128];
  MessageSize size;
  Status s = end.read_wait(writable_bytes_of(buffer), {}, size, deadline);
  if (s.ok()) out.assign(buffer, size.bytes);
  return s;
}

TEST(ChannelBlocking, ReadTimesOutIsKilledAndSeesPeerClose) {
  Pair p;
  std::string text;
  EXPECT_EQ(read_into(*p.b, text, in_ms(10)).error(), Error::kTimedOut);
  std::atomic<sched::Task*> reader{nullptr};
  std::thread killed([&] {
    reader = &sched::current_task();
    EXPECT_EQ(read_into(*p.b, text, Deadline::never()).error(), Error::kInterrupted);
  });
  until_blocked(reader);
  sched::host::kill(*reader);
  killed.join();
  reader = nullptr;
  std::thread closed([&] {
    reader = &sched::current_task();
    EXPECT_EQ(read_into(*p.b, text, Deadline::never()).error(), Error::kPeerClosed);
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
      ASSERT_OK(p.a->write_wait(bytes_of(value), {}, watchdog())) << i;
    }
  });
  for (int i = 0; i < kMessages; ++i) {
    uint32_t value = 0;
    MessageSize size;
    ASSERT_OK(p.b->read_wait(writable_bytes_of(value), {}, size, watchdog()));
    ASSERT_EQ(value, static_cast<uint32_t>(i)) << "in order";
  }
  writer.join();
}

TEST(ChannelBlocking, FullQueueBlocksTheWriterUntilRoom) {
  Pair p;
  for (uint32_t i = 0; i < kMaxQueuedMessages; ++i) ASSERT_OK(p.a->write(literal_bytes("m")));
  EXPECT_EQ(p.a->write(literal_bytes("m")).error(), Error::kWouldBlock);
  EXPECT_EQ(p.a->write_wait(literal_bytes("m"), {}, in_ms(5)).error(), Error::kTimedOut);
  EXPECT_FALSE(any(p.a->signals() & Signals::kWritable));
  std::atomic<sched::Task*> writer{nullptr};
  std::thread thread([&] {
    writer = &sched::current_task();
    EXPECT_OK(p.a->write_wait(literal_bytes("late"), {}, Deadline::never()));
  });
  until_blocked(writer);
  std::string text;
  ASSERT_OK(read_into(*p.b, text, Deadline::at(0)));
  thread.join();
  EXPECT_FALSE(any(p.a->signals() & Signals::kWritable)) << "full again with the late message";
  ASSERT_OK(read_into(*p.b, text, Deadline::at(0)));
  EXPECT_TRUE(any(p.a->signals() & Signals::kWritable));
}

TEST(ChannelBlocking, AWaitingReaderGetsSmallMessagesWithoutTheQueue) {
  Pair p;
  const uint64_t messages = stats().live_messages;
  const uint64_t fast = stats().fast_path_deliveries;
  std::atomic<sched::Task*> reader{nullptr};
  std::string text;
  std::thread thread([&] {
    reader = &sched::current_task();
    ASSERT_OK(read_into(*p.b, text, Deadline::never()));
  });
  until_blocked(reader);
  ASSERT_OK(p.a->write(literal_bytes("direct")));
  EXPECT_EQ(stats().live_messages, messages) << "no message was allocated";
  thread.join();
  EXPECT_EQ(text, "direct");
  EXPECT_EQ(stats().fast_path_deliveries, fast + 1);
}

TEST(ChannelBlocking, CallAndReplyRoundTrips) {
  Pair p;
  const int kCalls = viper::testing::kSlowSanitizer ? 2000 : 20000;
  std::thread server([&] {
    char request[16];
    MessageSize size;
    ASSERT_OK(p.b->read_wait(writable_bytes_of(request), {}, size, watchdog()));
    for (;;) {
      uint32_t value;
      __builtin_memcpy(&value, request, sizeof(value));
      value += 1;
      Result<size_t> s =
          p.b->reply_and_read(bytes_of(value), writable_bytes_of(request), watchdog());
      if (!s.ok()) {
        EXPECT_EQ(s.error(), Error::kPeerClosed);
        return;
      }
    }
  });
  for (int i = 0; i < kCalls; ++i) {
    uint32_t value = i, reply = 0;
    Result<size_t> bytes = p.a->call(bytes_of(value), writable_bytes_of(reply), watchdog());
    ASSERT_OK(bytes);
    ASSERT_EQ(bytes.value(), sizeof(reply));
    ASSERT_EQ(reply, static_cast<uint32_t>(i + 1));
  }
  p.a.reset();
  server.join();
  EXPECT_EQ(stats().live_messages, 0u);
}

TEST(ChannelBlocking, CallRefusesWhatCannotBeSent) {
  Pair p;
  uint32_t reply;
  std::vector<uint8_t> big(kMaxMessageBytes + 1);
  EXPECT_EQ(
      p.a->call(ConstBytes(big.data(), big.size()), writable_bytes_of(reply), Deadline::never())
          .error(),
      Error::kOutOfRange);
  EXPECT_EQ(p.a->call(literal_bytes("x"), writable_bytes_of(reply), in_ms(5)).error(),
            Error::kTimedOut)
      << "nobody answers";
  p.b.reset();
  EXPECT_EQ(p.a->call(literal_bytes("x"), writable_bytes_of(reply), Deadline::never()).error(),
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
    Result<Ref<PollSet>> created = PollSet::create();
    ASSERT_OK(created);
    Ref<PollSet> set = move(created.value());
    ASSERT_OK(set->add(*p.b, Signals::kReadable | Signals::kPeerClosed, 1));
    std::atomic<int> received{0};
    const int kSends = 64;
    std::thread poller([&] {
      char buffer[32];
      Attachment got[2];
      for (;;) {
        PollEvent event{};
        Result<uint32_t> n = set->wait(Span<PollEvent>(&event, 1), watchdog());
        ASSERT_OK(n) << "a lost wakeup: the poller slept through a send or close";
        MessageSize size;
        Status s = p.b->read(writable_bytes_of(buffer), got, size);
        if (s.ok()) {
          for (uint32_t i = 0; i < size.handles; ++i) got[i].object->release();
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
        Attachment attachment{fresh.a.leak(), Rights::kRead};
        const uint32_t attachments = rng() % 2;
        Status s = p.a->write_wait(literal_bytes("payload"),
                                   Span<const Attachment>(&attachment, attachments), watchdog());
        ASSERT_OK(s) << error_name(s.error());
        if (!attachments) attachment.object->release();
        if (rng() % 4 == 0) std::this_thread::yield();
      }
      p.a.reset();  // close: the poller must see it
    });
    blocking_reader.join();
    poller.join();
    EXPECT_EQ(received.load(), kSends);
  }
  EXPECT_EQ(stats().live_channels, 0u);
  EXPECT_EQ(stats().live_messages, 0u);
  EXPECT_EQ(stats().live_poll_links, 0u);
}

}  // namespace
}  // namespace viper::ipc
