// The virtio-mmio handshake against the device model: probing, both
// versions, feature negotiation and queue setup.
#include "drivers/virtio/transport.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "drivers/virtio/block_protocol.h"
#include "drivers/virtio/testing/fake_block_device.h"
#include "testing/host/expect_ok.h"

namespace viper::drivers::virtio {
namespace {

using testing::FakeBlockDevice;

class EmptySlot final : public Registers {
 public:
  explicit EmptySlot(uint32_t magic) : magic_(magic) {}
  uint32_t read(uint32_t offset) override {
    return offset == kMagicValue ? magic_ : offset == kVersion ? 2 : 0;
  }
  void write(uint32_t, uint32_t) override {}

 private:
  uint32_t magic_;
};

TEST(Transport, EmptySlotAndNoMagicAreNotFound) {
  EmptySlot empty(kMagic);
  EXPECT_EQ(Transport(empty).probe().error(), Error::kNotFound);
  EmptySlot nothing(0);
  EXPECT_EQ(Transport(nothing).probe().error(), Error::kNotFound);
}

TEST(Transport, UnknownVersionIsNotSupported) {
  FakeBlockDevice device({.version = 3});
  EXPECT_EQ(Transport(device).probe().error(), Error::kNotSupported);
}

TEST(Transport, NegotiateBeforeProbeIsBadState) {
  FakeBlockDevice device({});
  EXPECT_EQ(Transport(device).negotiate(0).error(), Error::kBadState);
}

TEST(Transport, Version2AcceptsOfferedWantedFeaturesAndVersion1) {
  FakeBlockDevice device(
      {.version = 2,
       .features = feature_bit(kBlkFeatureFlush) | feature_bit(kFeatureIndirectDesc)});
  Transport t(device);
  ASSERT_OK(t.probe());
  EXPECT_EQ(t.device_id(), kDeviceIdBlock);
  Result<uint64_t> accepted =
      t.negotiate(feature_bit(kBlkFeatureFlush) | feature_bit(kBlkFeatureReadOnly));
  ASSERT_OK(accepted);
  EXPECT_EQ(accepted.value(), feature_bit(kBlkFeatureFlush) | feature_bit(kFeatureVersion1));
  EXPECT_EQ(device.accepted_features(), accepted.value());
  EXPECT_NE(device.status() & kStatusFeaturesOk, 0u);
}

TEST(Transport, DeviceRefusingFeaturesOkIsNotSupportedAndFailed) {
  FakeBlockDevice device({.version = 2, .refuse_features_ok = true});
  Transport t(device);
  ASSERT_OK(t.probe());
  EXPECT_EQ(t.negotiate(0).error(), Error::kNotSupported);
  EXPECT_NE(device.status() & kStatusFailed, 0u);
}

TEST(Transport, LegacyHasNoFeaturesOkStep) {
  FakeBlockDevice device({.version = 1, .features = feature_bit(kBlkFeatureReadOnly)});
  Transport t(device);
  ASSERT_OK(t.probe());
  EXPECT_TRUE(t.legacy());
  Result<uint64_t> accepted = t.negotiate(feature_bit(kBlkFeatureReadOnly));
  ASSERT_OK(accepted);
  EXPECT_EQ(accepted.value(), feature_bit(kBlkFeatureReadOnly));
  EXPECT_EQ(device.status() & kStatusFeaturesOk, 0u);
}

TEST(Transport, QueueSizeIsTheSmallerMaximumAndZeroIsNotSupported) {
  FakeBlockDevice device({.queue_max = 64});
  Transport t(device);
  ASSERT_OK(t.probe());
  ASSERT_OK(t.negotiate(0));
  const size_t bytes = SplitQueue::bytes_for(128);
  uint8_t* memory = static_cast<uint8_t*>(aligned_alloc(4096, bytes));
  SplitQueue queue;
  ASSERT_OK(t.setup_queue(0, queue, {memory, reinterpret_cast<uint64_t>(memory), bytes}, 128));
  EXPECT_EQ(queue.size(), 64u);
  FakeBlockDevice none({.queue_max = 0});
  Transport t2(none);
  ASSERT_OK(t2.probe());
  EXPECT_EQ(
      t2.setup_queue(0, queue, {memory, reinterpret_cast<uint64_t>(memory), bytes}, 128).error(),
      Error::kNotSupported);
  free(memory);
}

TEST(Transport, LegacyQueueBeyondA32BitPageNumberIsNotSupported) {
  FakeBlockDevice device({.version = 1});
  Transport t(device);
  ASSERT_OK(t.probe());
  ASSERT_OK(t.negotiate(0));
  SplitQueue queue;
  // Never touched: refused before the queue is laid out.
  const DmaRegion high{reinterpret_cast<uint8_t*>(8), uint64_t{1} << 45, 1 << 20};
  EXPECT_EQ(t.setup_queue(0, queue, high, 128).error(), Error::kNotSupported);
}

TEST(Transport, ReadsTheCapacityAsOne64BitField) {
  FakeBlockDevice device({.sectors = (uint64_t{3} << 32) + 5});
  Transport t(device);
  ASSERT_OK(t.probe());
  Result<uint64_t> capacity = t.config64(kBlkConfigCapacity);
  ASSERT_OK(capacity);
  EXPECT_EQ(capacity.value(), (uint64_t{3} << 32) + 5);
}

}  // namespace
}  // namespace viper::drivers::virtio
