#include "ipc/channel.h"

#include <pthread.h>

#include <atomic>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "ipc/stats.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"
#include "testing/host/sanitizers.h"

namespace viper::ipc {
namespace {

VIPER_HOST_KERNEL_HEAP();

std::atomic<int64_t> g_live_payloads{0};

class Payload final : public RefCounted {
 public:
  static Payload* create() { return new Payload(); }

 private:
  Payload() { ++g_live_payloads; }
  ~Payload() { --g_live_payloads; }
  void destroy() override { delete this; }
};

struct Pair {
  Ref<Endpoint> a, b;
  Pair() {
    Result<EndpointPair> pair = Endpoint::create_pair();
    EXPECT_OK(pair);
    a = move(pair->a);
    b = move(pair->b);
  }
};

std::string read_text(Endpoint& end) {
  char buffer[64];
  MessageSize size;
  Status s = end.read(writable_bytes_of(buffer), {}, size);
  return s.ok() ? std::string(buffer, size.bytes) : std::string(error_name(s.error()));
}

TEST(Channel, BytesGoToThePeerInOrder) {
  Pair p;
  ASSERT_OK(p.a->write(literal_bytes("one")));
  ASSERT_OK(p.a->write(literal_bytes("two!")));
  EXPECT_TRUE(p.b->readable());
  EXPECT_FALSE(p.a->readable());
  EXPECT_EQ(read_text(*p.b), "one");
  EXPECT_EQ(read_text(*p.b), "two!");
  EXPECT_EQ(read_text(*p.b), "WOULD_BLOCK");
}

TEST(Channel, LimitsAreNamedErrors) {
  Pair p;
  std::vector<uint8_t> big(kMaxMessageBytes + 1);
  EXPECT_EQ(p.a->write(ConstBytes(big.data(), big.size())).error(), Error::kOutOfRange);
  Attachment many[kMaxMessageHandles + 1];
  EXPECT_EQ(
      p.a->write(literal_bytes("x"), Span<const Attachment>(many, kMaxMessageHandles + 1)).error(),
      Error::kOutOfRange);
  EXPECT_EQ(p.a->write(ConstBytes(nullptr, 4)).error(), Error::kInvalidArgument);
  for (uint32_t i = 0; i < kMaxQueuedMessages; ++i) ASSERT_OK(p.a->write(literal_bytes("m")));
  EXPECT_EQ(p.a->write(literal_bytes("m")).error(), Error::kWouldBlock) << "queue full";
  char small[1];
  MessageSize size;
  ASSERT_OK(p.b->read(writable_bytes_of(small), {}, size));
  ASSERT_OK(p.a->write(literal_bytes("xy")));
  for (uint32_t i = 1; i < kMaxQueuedMessages; ++i) {
    ASSERT_OK(p.b->read(writable_bytes_of(small), {}, size));
  }
  EXPECT_EQ(p.b->read(writable_bytes_of(small), {}, size).error(), Error::kOutOfRange);
  EXPECT_EQ(size.bytes, 2u) << "the needed size is reported, the message kept";
  EXPECT_EQ(read_text(*p.b), "xy");
}

TEST(Channel, PeerClosedDrainsThenFails) {
  Result<EndpointPair> pair = Endpoint::create_pair();
  ASSERT_OK(pair);
  Ref<Endpoint> a = move(pair->a), b = move(pair->b);
  ASSERT_OK(a->write(literal_bytes("last")));
  a.reset();
  EXPECT_TRUE(b->peer_closed());
  EXPECT_EQ(read_text(*b), "last");
  EXPECT_EQ(read_text(*b), "PEER_CLOSED");
  EXPECT_EQ(b->write(literal_bytes("x")).error(), Error::kPeerClosed);
}

TEST(Channel, AttachmentsMoveOnlyWhenTheMessageIsQueued) {
  const int64_t live = g_live_payloads;
  {
    Pair p;
    Attachment attachment{Payload::create(), from_raw<Rights>(7)};
    p.b.reset();  // the peer is gone: the write fails and we keep the reference
    EXPECT_EQ(p.a->write(literal_bytes("x"), Span<const Attachment>(&attachment, 1)).error(),
              Error::kPeerClosed);
    EXPECT_EQ(attachment.object->references(), 1u);
    attachment.object->release();
  }
  {
    Pair p;
    Attachment attachment{Payload::create(), from_raw<Rights>(7)};
    ASSERT_OK(p.a->write(literal_bytes("x"), Span<const Attachment>(&attachment, 1)));
    char buffer[4];
    MessageSize size;
    Attachment got[2];
    ASSERT_OK(p.b->read(writable_bytes_of(buffer), got, size));
    ASSERT_EQ(size.handles, 1u);
    EXPECT_EQ(got[0].object, attachment.object);
    EXPECT_EQ(raw(got[0].rights), 7u);
    EXPECT_EQ(got[0].object->references(), 1u) << "moved through, never copied (RC-019)";
    got[0].object->release();
  }
  EXPECT_EQ(g_live_payloads, live);
}

// RC-019: a million channels created and destroyed leave no channel,
// message or heap allocation behind.
TEST(Channel, RC019_AMillionChannelsLeaveNothingAlive) {
  constexpr int kChannels = viper::testing::kSlowSanitizer ? 100000 : 1000000;
  const uint64_t channels = stats().live_channels;
  const uint64_t allocations = mm::kernel_heap().stats().live_allocations;
  for (int i = 0; i < kChannels; ++i) {
    Result<EndpointPair> pair = Endpoint::create_pair();
    ASSERT_OK(pair);
    Ref<Endpoint> a = move(pair->a);
    if (i % 1000 == 0) ASSERT_OK(a->write(literal_bytes("x")));  // some die with mail
  }
  EXPECT_EQ(stats().live_channels, channels);
  EXPECT_EQ(stats().live_messages, 0u);
  EXPECT_EQ(mm::kernel_heap().stats().live_allocations, allocations);
}

// Runs `body` on a thread with a 256 KiB stack: the 8 MiB main stack would
// hide a teardown that recurses once per channel, this one does not.
void RunOnSmallStack(const std::function<void()>& body) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
  pthread_t thread;
  auto run = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, const_cast<std::function<void()>*>(&body)), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
}

// MS-007: a channel destroyed with queued messages releases every
// attachment in them, through endpoints carrying more channels, without
// recursion on the stack (a chain of 10 000 channels).
TEST(Channel, MS007_DestroyingQueuedMessagesReleasesEverything) {
  const int64_t live = g_live_payloads;
  const uint64_t channels = stats().live_channels;
  RunOnSmallStack([] {
    Result<EndpointPair> head = Endpoint::create_pair();
    ASSERT_OK(head);
    Ref<Endpoint> tail = head->a;
    for (int i = 0; i < 10000; ++i) {
      Result<EndpointPair> pair = Endpoint::create_pair();
      ASSERT_OK(pair);
      Ref<Endpoint> b = move(pair->b);
      Attachment link[2] = {{pair->a.leak(), Rights::kNone}, {Payload::create(), Rights::kNone}};
      ASSERT_OK(tail->write(literal_bytes("link"), Span<const Attachment>(link, 2)));
      tail = b;
    }
    // Dropping the head here frees the whole chain, on this small stack.
  });
  EXPECT_EQ(g_live_payloads, live);
  EXPECT_EQ(stats().live_channels, channels);
  EXPECT_EQ(stats().live_messages, 0u);
}

// RC-011/RC-012/RC-019: CPUs write, read and drop references at random on
// shared channels; nothing leaks afterwards (TSan, ASan).
TEST(Channel, RC011_RC012_RC019_ConcurrentUseLeaksNothing) {
  const int64_t live = g_live_payloads;
  const uint64_t channels = stats().live_channels;
  {
    constexpr int kPairs = 8;
    std::vector<Pair> pairs(kPairs);
    std::vector<std::thread> cpus;
    for (int c = 0; c < 4; ++c) {
      cpus.emplace_back([&, c] {
        std::mt19937 rng(c);
        char buffer[64];
        Attachment got[4];
        for (int i = 0; i < 20000; ++i) {
          Pair& p = pairs[rng() % kPairs];
          Ref<Endpoint> end = rng() % 2 ? p.a : p.b;  // a counted reference (RC-012)
          if (rng() % 2) {
            Attachment attachment{Payload::create(), Rights::kRead};
            if (!end->write(literal_bytes("payload"), Span<const Attachment>(&attachment, 1)).ok())
              attachment.object->release();
          } else {
            MessageSize size;
            if (end->read(writable_bytes_of(buffer), got, size).ok()) {
              for (uint32_t k = 0; k < size.handles; ++k) got[k].object->release();
            }
          }
        }
      });
    }
    for (auto& cpu : cpus) cpu.join();
  }
  EXPECT_EQ(g_live_payloads, live);
  EXPECT_EQ(stats().live_channels, channels);
  EXPECT_EQ(stats().live_messages, 0u);
}

// Steady small-message traffic reuses the channel's spare buffer: after
// the first message, writing and reading allocate nothing.
TEST(Channel, SmallMessagesReuseOneBuffer) {
  Pair p;
  char buffer[64];
  MessageSize size;
  ASSERT_OK(p.a->write(literal_bytes("first")));
  ASSERT_OK(p.b->read(writable_bytes_of(buffer), {}, size));
  const uint64_t live = mm::kernel_heap().stats().live_allocations;  // includes the spare
  for (int i = 0; i < 1000; ++i) {
    ASSERT_OK(p.a->write(literal_bytes("again")));
    EXPECT_EQ(mm::kernel_heap().stats().live_allocations, live) << "the spare was reused";
    ASSERT_OK(p.b->read(writable_bytes_of(buffer), {}, size));
  }
  EXPECT_EQ(std::string(buffer, size.bytes), "again");
}

}  // namespace
}  // namespace viper::ipc
