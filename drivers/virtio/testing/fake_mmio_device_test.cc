// The transport model the device models share, driven register by
// register as a driver would: what it says of itself, feature words and
// their selectors, per-queue state under QueueSel, reset, the available
// ring walked into chains (direct and indirect), the used ring and the
// held-back interrupt. Selectors past what exists read as nothing.
#include "drivers/virtio/testing/fake_mmio_device.h"

#include <gtest/gtest.h>

#include <vector>

namespace viper::drivers::virtio::testing {
namespace {

// A device that hands back every chain it is notified of, its length the
// sum of its parts (running the used index ahead by runs_ahead).
class EchoDevice final : public FakeMmioDevice {
 public:
  explicit EchoDevice(Transport transport, uint16_t runs_ahead = 0)
      : FakeMmioDevice(transport), runs_ahead_(runs_ahead) {}

  std::vector<Chain> chains() EXCLUDES(mutex_) {
    DeviceLock lock(mutex_);
    return chains_;
  }
  uint32_t resets() EXCLUDES(mutex_) {
    DeviceLock lock(mutex_);
    return resets_;
  }

 private:
  uint32_t config_locked(uint32_t offset) override REQUIRES(mutex_) { return 0xc0de0000 | offset; }
  void notified_locked(uint32_t queue) override REQUIRES(mutex_) {
    if (!running_locked()) return;
    Queue& q = queue_locked(queue);
    Chain chain;
    while (next_chain_locked(q, chain)) {
      uint32_t length = 0;
      for (const Descriptor& d : chain.parts) length += d.len;
      chains_.push_back(chain);
      push_used_locked(q, UsedElement{chain.head, length}, runs_ahead_);
    }
  }
  void reset_locked() override REQUIRES(mutex_) { ++resets_; }

  const uint16_t runs_ahead_;
  std::vector<Chain> chains_ GUARDED_BY(mutex_);
  uint32_t resets_ GUARDED_BY(mutex_) = 0;
};

constexpr uint32_t kSize = 8;

// One queue's rings in ordinary memory (physical addresses are host ones).
struct Rings {
  Descriptor table[kSize] = {};
  struct {
    AvailHeader header;
    uint16_t ring[kSize];
  } avail = {};
  struct {
    UsedHeader header;
    UsedElement ring[kSize];
  } used = {};
};

uint64_t address(const void* p) { return reinterpret_cast<uint64_t>(p); }

void set_up_queue(Registers& r, uint32_t index, Rings& rings) {
  r.write(kQueueSel, index);
  r.write(kQueueNum, kSize);
  r.write(kQueueDescLow, static_cast<uint32_t>(address(rings.table)));
  r.write(kQueueDescHigh, static_cast<uint32_t>(address(rings.table) >> 32));
  r.write(kQueueDriverLow, static_cast<uint32_t>(address(&rings.avail)));
  r.write(kQueueDriverHigh, static_cast<uint32_t>(address(&rings.avail) >> 32));
  r.write(kQueueDeviceLow, static_cast<uint32_t>(address(&rings.used)));
  r.write(kQueueDeviceHigh, static_cast<uint32_t>(address(&rings.used) >> 32));
  r.write(kQueueReady, 1);
}

void post(Rings& rings, uint16_t head) {
  rings.avail.ring[rings.avail.header.idx % kSize] = head;
  __atomic_store_n(&rings.avail.header.idx, rings.avail.header.idx + 1, __ATOMIC_RELEASE);
}

TEST(FakeMmioDevice, SaysWhatItIs) {
  EchoDevice device({.version = 2, .device_id = 9, .vendor_id = 0x1234});
  EXPECT_EQ(device.read(kMagicValue), kMagic);
  EXPECT_EQ(device.read(kVersion), 2u);
  EXPECT_EQ(device.read(kDeviceId), 9u);
  EXPECT_EQ(device.read(kVendorId), 0x1234u);
  EXPECT_EQ(device.read(kConfigGeneration), 0u);
  EXPECT_EQ(device.read(kConfig + 8), 0xc0de0008u) << "config reads go to the device";
}

TEST(FakeMmioDevice, OffersFeatureWordsVersion1OnlyOnVersion2) {
  EchoDevice modern({.version = 2, .features = feature_bit(3)});
  EXPECT_EQ(modern.read(kDeviceFeatures), 8u);
  modern.write(kDeviceFeaturesSel, 1);
  EXPECT_EQ(modern.read(kDeviceFeatures), 1u) << "VERSION_1 is bit 32";
  modern.write(kDeviceFeaturesSel, 2);
  EXPECT_EQ(modern.read(kDeviceFeatures), 0u) << "no third word";

  EchoDevice legacy({.version = 1, .features = feature_bit(3)});
  legacy.write(kDeviceFeaturesSel, 1);
  EXPECT_EQ(legacy.read(kDeviceFeatures), 0u);
}

TEST(FakeMmioDevice, AcceptsDriverFeatureWordsAndIgnoresAThird) {
  EchoDevice device({});
  device.write(kDriverFeaturesSel, 0);
  device.write(kDriverFeatures, 0x10);
  device.write(kDriverFeaturesSel, 1);
  device.write(kDriverFeatures, 0x1);
  device.write(kDriverFeaturesSel, 2);
  device.write(kDriverFeatures, 0xffffffff);
  EXPECT_EQ(device.accepted_features(), feature_bit(32) | 0x10);
}

TEST(FakeMmioDevice, RefusingFeaturesOkLeavesTheBitClear) {
  EchoDevice device({.refuse_features_ok = true});
  device.write(kStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
  EXPECT_EQ(device.read(kStatus), kStatusAcknowledge | kStatusDriver);
}

TEST(FakeMmioDevice, KeepsEachQueueApartAndHasNoneBeyondItsCount) {
  EchoDevice device({.queues = 2, .queue_max = 64});
  device.write(kQueueSel, 1);
  EXPECT_EQ(device.read(kQueueNumMax), 64u);
  device.write(kQueueReady, 1);
  device.write(kQueueSel, 0);
  EXPECT_EQ(device.read(kQueueReady), 0u) << "queue 1's ready is its own";
  device.write(kQueueSel, 2);
  EXPECT_EQ(device.read(kQueueNumMax), 0u) << "a queue that does not exist";
}

TEST(FakeMmioDevice, ServesNothingBeforeDriverOk) {
  EchoDevice device({});
  Rings rings;
  set_up_queue(device, 0, rings);
  rings.table[0] = {address(rings.table), 16, 0, 0};
  post(rings, 0);
  device.write(kQueueNotify, 0);
  EXPECT_TRUE(device.chains().empty());
  EXPECT_EQ(device.notifications(), 1u);
  EXPECT_EQ(rings.used.header.idx, 0);
  EXPECT_FALSE(device.interrupt_pending());
}

TEST(FakeMmioDevice, WalksDirectAndIndirectChainsAndPublishesTheUsedRing) {
  EchoDevice device({});
  Rings rings;
  set_up_queue(device, 0, rings);
  device.write(kStatus, kStatusDriverOk);
  uint8_t bytes[64];
  rings.table[2] = {address(bytes), 10, kDescNext, 5};
  rings.table[5] = {address(bytes + 10), 20, kDescWrite, 0};
  Descriptor indirect[2] = {{address(bytes), 4, kDescNext, 1}, {address(bytes + 4), 6, 0, 0}};
  rings.table[3] = {address(indirect), sizeof(indirect), kDescIndirect, 0};
  post(rings, 2);
  post(rings, 3);
  device.write(kQueueNotify, 0);

  const auto chains = device.chains();
  ASSERT_EQ(chains.size(), 2u);
  EXPECT_EQ(chains[0].head, 2);
  EXPECT_FALSE(chains[0].indirect);
  ASSERT_EQ(chains[0].parts.size(), 2u);
  EXPECT_EQ(chains[0].parts[1].len, 20u);
  EXPECT_TRUE(chains[1].indirect);
  EXPECT_EQ(chains[1].parts.size(), 2u);
  EXPECT_EQ(device.requests_served(), 2u);
  EXPECT_EQ(rings.used.header.idx, 2);
  EXPECT_EQ(rings.used.ring[0].id, 2u);
  EXPECT_EQ(rings.used.ring[0].len, 30u);
  EXPECT_EQ(rings.used.ring[1].len, 10u);

  EXPECT_TRUE(device.interrupt_pending()) << "held until the driver acknowledges";
  device.write(kInterruptAck, device.read(kInterruptStatus));
  EXPECT_FALSE(device.interrupt_pending());
}

TEST(FakeMmioDevice, CanRunTheUsedIndexAheadOnPurpose) {
  EchoDevice device({}, 40);
  Rings rings;
  set_up_queue(device, 0, rings);
  device.write(kStatus, kStatusDriverOk);
  rings.table[0] = {address(rings.table), 16, 0, 0};
  post(rings, 0);
  device.write(kQueueNotify, 0);
  EXPECT_EQ(rings.used.header.idx, 41);
}

TEST(FakeMmioDevice, ResetForgetsTheDriverAndTellsTheDevice) {
  EchoDevice device({});
  Rings rings;
  set_up_queue(device, 0, rings);
  device.write(kDriverFeatures, 0x10);
  device.write(kStatus, kStatusDriverOk);
  device.write(kStatus, 0);
  EXPECT_EQ(device.read(kStatus), 0u);
  EXPECT_EQ(device.accepted_features(), 0u);
  EXPECT_EQ(device.read(kQueueReady), 0u);
  EXPECT_EQ(device.resets(), 1u);
}

}  // namespace
}  // namespace viper::drivers::virtio::testing
