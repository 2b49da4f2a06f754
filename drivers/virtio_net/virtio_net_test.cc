// The NIC driver against the device model, with host threads as tasks and
// a test thread as the interrupt controller: frames move byte-exact both
// ways on both interfaces (whose headers differ in size), no buffer is
// ever zero-sized, full rings wait or drop as the contract says, every
// misbehaviour of the device is counted and survived by a reset, and
// (PERF-007) a frame arrives only through the interrupt.
#include "drivers/virtio_net/virtio_net.h"

#include <gtest/gtest.h>
#include <string.h>
#include <sys/mman.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "drivers/virtio/net_protocol.h"
#include "drivers/virtio/testing/fake_net_device.h"
#include "sched/blocking.h"
#include "sched/host/host_blocking.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::drivers {
namespace {

VIPER_HOST_KERNEL_HEAP();

using virtio::feature_bit;
using virtio::testing::FakeNetDevice;
using virtio::testing::NetMisbehaviour;
using Frame = std::vector<uint8_t>;

// What receive() gave: an error, or a frame (Result<T> cannot hold a
// std::vector: its move() and std::move are ambiguous).
struct Received {
  Status status = ok_status();
  Frame frame;
  bool ok() const { return status.ok(); }
  Error error() const { return status.error(); }
  const Frame& value() const { return frame; }
};

constexpr uint64_t kFeatures =
    feature_bit(virtio::kNetFeatureMac) | feature_bit(virtio::kNetFeatureStatus);

// Page-aligned, zeroed and below 2 GiB (MAP_32BIT), so a legacy queue's
// 32-bit page frame number can name it.
struct AlignedBuffer {
  explicit AlignedBuffer(size_t n)
      : bytes(n),
        data(static_cast<uint8_t*>(mmap(nullptr, n, PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0))) {}
  ~AlignedBuffer() { munmap(data, bytes); }
  virtio::DmaRegion region() const { return {data, reinterpret_cast<uint64_t>(data), bytes}; }
  size_t bytes;
  uint8_t* data;
};

Frame frame_of(size_t bytes, uint8_t seed) {
  Frame f(bytes);
  for (size_t i = 0; i < bytes; ++i) f[i] = static_cast<uint8_t>(seed + i * 13);
  return f;
}

// A NIC, its device and the interrupt line, delivered by a thread standing
// in for the GIC unless the test holds it back.
class Nic {
 public:
  explicit Nic(FakeNetDevice::Options options)
      : device(options),
        rx_queue(VirtioNet::rx_queue_bytes()),
        tx_queue(VirtioNet::tx_queue_bytes()),
        buffers(VirtioNet::buffer_bytes()),
        net(device, 0) {}
  ~Nic() { stop_interrupts(); }

  Status start() { return net.start({rx_queue.region(), tx_queue.region(), buffers.region()}); }
  void start_interrupts() {
    running = true;
    line = std::thread([this] {
      while (running) {
        if (deliver && device.interrupt_pending()) {
          net.on_interrupt();
        } else {
          std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
      }
    });
  }
  void stop_interrupts() {
    running = false;
    if (line.joinable()) line.join();
  }
  Status send(const Frame& f, Deadline deadline = Deadline::never()) {
    return net.send(
        f.size(),
        [&](Bytes out) {
          memcpy(out.data(), f.data(), f.size());
          return ok_status();
        },
        deadline);
  }
  Received receive(size_t capacity = 1514, Deadline deadline = Deadline::never()) {
    Received got;
    const Result<size_t> n = net.receive(
        capacity,
        [&](ConstBytes in) {
          got.frame.assign(in.data(), in.data() + in.size());
          return ok_status();
        },
        deadline);
    if (!n.ok()) {
      got.status = n.error();
    } else {
      EXPECT_EQ(n.value(), got.frame.size());
    }
    return got;
  }
  // Injects a frame and lets the interrupt deliver it.
  void arrive(const Frame& f) {
    ASSERT_TRUE(device.inject(f));
    net.on_interrupt();
  }
  Signals signals() const { return net.waitable()->signals(); }

  FakeNetDevice device;
  AlignedBuffer rx_queue, tx_queue, buffers;
  VirtioNet net;
  std::atomic<bool> running{false};
  std::atomic<bool> deliver{true};
  std::thread line;
};

Deadline soon() { return Deadline::after(Duration::milliseconds(50)); }

void both_ways(Nic& nic) {
  for (size_t bytes : {size_t{14}, size_t{60}, size_t{1514}}) {
    const Frame out = frame_of(bytes, static_cast<uint8_t>(bytes));
    ASSERT_OK(nic.send(out));
    EXPECT_EQ(nic.device.sent_frames().back(), out);
    const Frame in = frame_of(bytes, static_cast<uint8_t>(bytes + 1));
    nic.arrive(in);
    Received got = nic.receive();
    ASSERT_OK(got);
    EXPECT_EQ(got.value(), in);
  }
}

TEST(VirtioNet, Version2MovesFramesBothWaysWithATwelveByteHeader) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  EXPECT_EQ(nic.net.header_bytes(), 12u);
  both_ways(nic);
  const object::NicInfo info = nic.net.info();
  EXPECT_EQ(Frame(info.mac, info.mac + 6), Frame({0x52, 0x54, 0x00, 0x12, 0x34, 0x56}));
  EXPECT_TRUE(info.link_up);
  EXPECT_EQ(info.mtu, 1500u);
  EXPECT_EQ(info.tx_frames, 3u);
  EXPECT_EQ(info.tx_bytes, 14u + 60 + 1514);
  EXPECT_EQ(info.rx_frames, 3u);
  EXPECT_EQ(info.rx_bytes, 14u + 60 + 1514);
  EXPECT_EQ(info.device_errors, 0u);
}

TEST(VirtioNet, LegacyVersion1MovesFramesBothWaysWithATenByteHeader) {
  Nic nic({.version = 1, .features = kFeatures});
  ASSERT_OK(nic.start());
  EXPECT_EQ(nic.net.header_bytes(), 10u);
  both_ways(nic);
}

TEST(VirtioNet, AcceptsOnlyMacAndStatusAndNoOffloads) {
  const uint64_t offloads =
      feature_bit(0) | feature_bit(7) | feature_bit(11) | feature_bit(virtio::kNetFeatureMrgRxbuf);
  Nic nic({.version = 2, .features = kFeatures | offloads});
  ASSERT_OK(nic.start());
  EXPECT_EQ(nic.device.accepted_features(), kFeatures | feature_bit(virtio::kFeatureVersion1));
}

TEST(VirtioNet, WithoutMacOrStatusItMakesUpAnAddressAndAssumesALink) {
  Nic nic({.version = 2, .link_up = false});
  ASSERT_OK(nic.start());
  const object::NicInfo info = nic.net.info();
  EXPECT_EQ(info.mac[0] & 0x03, 0x02) << "locally administered, unicast";
  EXPECT_TRUE(info.link_up);
}

TEST(VirtioNet, RefusesAnotherDevice) {
  struct NotANic final : virtio::Registers {
    uint32_t read(uint32_t offset) override {
      return offset == virtio::kMagicValue ? virtio::kMagic : offset == virtio::kVersion ? 2 : 2;
    }
    void write(uint32_t, uint32_t) override {}
  } other;
  AlignedBuffer rx(VirtioNet::rx_queue_bytes()), tx(VirtioNet::tx_queue_bytes()),
      b(VirtioNet::buffer_bytes());
  VirtioNet net(other, 0);
  EXPECT_EQ(net.start({rx.region(), tx.region(), b.region()}).error(), Error::kNotSupported);
}

// The predecessor's device died on "virtio: zero sized buffers are not
// allowed"; the model refuses them as QEMU does.
TEST(VirtioNet, NeverPostsAZeroSizedBufferAndKeepsTheReceiveRingFull) {
  Nic nic({.version = 1, .features = kFeatures});
  ASSERT_OK(nic.start());
  EXPECT_EQ(nic.device.posted_receive_buffers(), VirtioNet::kRxBuffers);
  for (int i = 0; i < 3 * static_cast<int>(VirtioNet::kRxBuffers); ++i) {
    nic.arrive(frame_of(64, static_cast<uint8_t>(i)));
    Received got = nic.receive();
    ASSERT_OK(got);
    EXPECT_EQ(got.value(), frame_of(64, static_cast<uint8_t>(i)));
  }
  EXPECT_FALSE(nic.device.zero_sized_seen());
  EXPECT_EQ(nic.device.posted_receive_buffers(), VirtioNet::kRxBuffers);
  EXPECT_EQ(nic.device.status() & virtio::kStatusNeedsReset, 0u);
}

TEST(VirtioNet, FramesOutsideFourteenTo1514BytesAreRefused) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  EXPECT_EQ(nic.send(frame_of(13, 0)).error(), Error::kOutOfRange);
  EXPECT_EQ(nic.send(frame_of(1515, 0)).error(), Error::kOutOfRange);
  EXPECT_EQ(nic.send(Frame()).error(), Error::kOutOfRange);
  EXPECT_TRUE(nic.device.sent_frames().empty());
}

TEST(VirtioNet, ACapacityTooSmallIsOutOfRangeAndTheFrameStaysQueued) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  nic.arrive(frame_of(100, 1));
  EXPECT_EQ(nic.receive(99).error(), Error::kOutOfRange);
  EXPECT_TRUE(any(nic.signals() & Signals::kReadable));
  Received got = nic.receive(100);
  ASSERT_OK(got);
  EXPECT_EQ(got.value(), frame_of(100, 1));
}

TEST(VirtioNet, AFailedCopyOutKeepsTheFrameAtTheFront) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  nic.arrive(frame_of(60, 1));
  nic.arrive(frame_of(60, 2));
  const Result<size_t> faulted =
      nic.net.receive(1514, [](ConstBytes) { return Status(Error::kFault); }, Deadline::never());
  EXPECT_EQ(faulted.error(), Error::kFault);
  EXPECT_EQ(nic.receive().value(), frame_of(60, 1));
  EXPECT_EQ(nic.receive().value(), frame_of(60, 2));
  EXPECT_EQ(nic.net.info().rx_frames, 2u);
}

TEST(VirtioNet, ReceiveSleepsUntilTheDeadlineOrRefusesAtOnce) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  EXPECT_EQ(nic.receive(1514, Deadline::at(0)).error(), Error::kWouldBlock);
  EXPECT_EQ(nic.receive(1514, soon()).error(), Error::kTimedOut);
}

TEST(VirtioNet, SignalsFollowTheQueues) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  EXPECT_EQ(nic.signals(), Signals::kWritable);
  nic.arrive(frame_of(60, 1));
  EXPECT_EQ(nic.signals(), Signals::kReadable | Signals::kWritable);
  ASSERT_OK(nic.receive());
  EXPECT_EQ(nic.signals(), Signals::kWritable);
}

TEST(VirtioNet, AFullTransmitRingWaitsForTheInterrupt) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  nic.device.set_misbehaviour(NetMisbehaviour::kHoldTransmits);
  for (uint32_t i = 0; i < VirtioNet::kTxSlots; ++i) ASSERT_OK(nic.send(frame_of(60, 0)));
  EXPECT_FALSE(any(nic.signals() & Signals::kWritable));
  EXPECT_EQ(nic.send(frame_of(60, 0), Deadline::at(0)).error(), Error::kWouldBlock);
  EXPECT_EQ(nic.send(frame_of(60, 0), soon()).error(), Error::kTimedOut);
  EXPECT_EQ(nic.net.info().tx_frames, VirtioNet::kTxSlots);
}

TEST(VirtioNet, ASenderBlockedOnAFullRingGoesOnceAnInterruptFreesASlot) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  // Completions pile up on the used ring, the interrupt held back.
  for (uint32_t i = 0; i < VirtioNet::kTxSlots; ++i) ASSERT_OK(nic.send(frame_of(60, 0)));
  std::atomic<bool> sent{false};
  std::thread sender([&] {
    EXPECT_OK(nic.send(frame_of(60, 9)));
    sent = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(sent.load());
  nic.start_interrupts();
  sender.join();
  EXPECT_EQ(nic.device.sent_frames().back(), frame_of(60, 9));
}

TEST(VirtioNet, FramesBeyondTheWaitingLimitAreDroppedAndTheRingStaysPosted) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  const uint32_t limit = nic.net.rx_limit();
  ASSERT_LT(limit, VirtioNet::kRxBuffers);
  for (uint32_t i = 0; i < limit + 5; ++i) nic.arrive(frame_of(60, static_cast<uint8_t>(i)));
  EXPECT_EQ(nic.net.info().rx_dropped, 5u);
  EXPECT_EQ(nic.device.posted_receive_buffers(), VirtioNet::kRxBuffers - limit);
  for (uint32_t i = 0; i < limit; ++i) {
    EXPECT_EQ(nic.receive().value(), frame_of(60, static_cast<uint8_t>(i))) << "oldest first";
  }
  EXPECT_EQ(nic.receive(1514, Deadline::at(0)).error(), Error::kWouldBlock);
}

void survives(NetMisbehaviour m, bool on_transmit) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  nic.arrive(frame_of(60, 7));  // waiting when the device breaks: lost
  const uint64_t device_resets = nic.device.resets();
  nic.device.set_misbehaviour(m);
  if (on_transmit) {
    ASSERT_OK(nic.send(frame_of(60, 1)));
    nic.net.on_interrupt();
  } else {
    ASSERT_TRUE(nic.device.inject(frame_of(60, 1)));
    nic.net.on_interrupt();
  }
  const object::NicInfo info = nic.net.info();
  EXPECT_EQ(info.device_errors, 1u);
  EXPECT_EQ(info.resets, 1u);
  EXPECT_GT(nic.device.resets(), device_resets) << "the device itself was reset";
  EXPECT_EQ(nic.receive(1514, Deadline::at(0)).error(), Error::kWouldBlock) << "frames lost";
  // A working device again: the NIC goes on.
  nic.device.set_misbehaviour(NetMisbehaviour::kNone);
  EXPECT_EQ(nic.device.posted_receive_buffers(), VirtioNet::kRxBuffers);
  both_ways(nic);
}

TEST(VirtioNet, AUsedIndexRunningAheadIsCountedAndReset) {
  survives(NetMisbehaviour::kUsedIndexRunsAhead, false);
}
TEST(VirtioNet, AnIdItNeverGotIsCountedAndReset) { survives(NetMisbehaviour::kUnknownId, true); }
TEST(VirtioNet, AReceiveLengthBeyondTheBufferIsCountedAndReset) {
  survives(NetMisbehaviour::kLengthLies, false);
}

TEST(VirtioNet, ARuntIsCountedAndDroppedWithoutAReset) {
  Nic nic({.version = 1, .features = kFeatures});
  ASSERT_OK(nic.start());
  nic.device.set_misbehaviour(NetMisbehaviour::kRunt);
  nic.arrive(frame_of(60, 1));
  EXPECT_EQ(nic.net.info().device_errors, 1u);
  EXPECT_EQ(nic.net.info().resets, 0u);
  EXPECT_EQ(nic.device.posted_receive_buffers(), VirtioNet::kRxBuffers);
  nic.device.set_misbehaviour(NetMisbehaviour::kNone);
  both_ways(nic);
}

TEST(VirtioNet, TheLinkFollowsTheDevicesStatus) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  EXPECT_TRUE(nic.net.info().link_up);
  nic.device.set_link(false);
  nic.net.on_interrupt();
  EXPECT_FALSE(nic.net.info().link_up);
  nic.device.set_link(true);
  nic.net.on_interrupt();
  EXPECT_TRUE(nic.net.info().link_up);
}

// Four senders and a receiver at once, the wire fed from the test thread:
// nothing lost that the driver accepted, nothing torn (TSan runs this).
TEST(VirtioNet, ConcurrentSendersAndAReceiver) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  nic.start_interrupts();
  constexpr int kSenders = 4, kPerSender = 200, kArrivals = 300;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kSenders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerSender; ++i) {
        if (!nic.send(frame_of(64 + t, static_cast<uint8_t>(t))).ok()) ++failures;
      }
    });
  }
  std::atomic<int> received{0};
  std::thread receiver([&] {
    while (received < kArrivals) {
      Received got = nic.receive(1514, Deadline::after(Duration::seconds(10)));
      if (!got.ok()) break;
      if (got.value() != frame_of(100, static_cast<uint8_t>(received.load()))) ++failures;
      ++received;
    }
  });
  // No faster than the receiver takes them (rx_limit() may wait), so that
  // none is dropped and the order can be checked.
  for (int i = 0; i < kArrivals;) {
    if (i - received.load() < static_cast<int>(nic.net.rx_limit()) &&
        nic.device.inject(frame_of(100, static_cast<uint8_t>(i)))) {
      ++i;
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(100));  // no buffer posted yet
    }
  }
  for (std::thread& t : threads) t.join();
  receiver.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(received.load(), kArrivals);
  const object::NicInfo info = nic.net.info();
  EXPECT_EQ(info.tx_frames, uint64_t{kSenders * kPerSender});
  EXPECT_EQ(nic.device.sent_frames().size(), size_t{kSenders * kPerSender});
  EXPECT_EQ(info.rx_frames, uint64_t{kArrivals});
  EXPECT_EQ(info.rx_dropped, 0u);
  EXPECT_EQ(info.device_errors, 0u);
}

// PERF-007: a frame on the used ring with its interrupt held back is not
// received, and the receiver sleeps (is not woken once) until it comes.
TEST(VirtioNet, PERF007_AFrameArrivesOnlyThroughTheInterruptWithItsReceiverAsleep) {
  Nic nic({.version = 2, .features = kFeatures});
  ASSERT_OK(nic.start());
  nic.deliver = false;
  nic.start_interrupts();
  std::atomic<sched::Task*> task{nullptr};
  std::atomic<bool> done{false};
  Received got{Error::kBadState, {}};
  std::thread receiver([&] {
    task = &sched::current_task();
    got = nic.receive();
    done = true;
  });
  while (task.load() == nullptr) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(nic.device.inject(frame_of(80, 3)));
  const uint64_t woken_before = sched::host::times_woken(*task.load());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(done.load()) << "received without its interrupt";
  EXPECT_EQ(sched::host::times_woken(*task.load()), woken_before) << "its thread ran meanwhile";
  nic.deliver = true;
  receiver.join();
  ASSERT_OK(got);
  EXPECT_EQ(got.value(), frame_of(80, 3));
  EXPECT_GE(nic.net.stats().interrupts, 1u);
}

}  // namespace
}  // namespace viper::drivers
