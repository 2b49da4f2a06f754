// The split virtqueue against a hand-played device: chains, indirect
// tables, and every way a device can break the used ring.
#include "drivers/virtio/virtqueue.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "testing/host/expect_ok.h"

namespace viper::drivers::virtio {
namespace {

class QueueTest : public ::testing::Test {
 protected:
  static constexpr uint16_t kSize = 8;
  void SetUp() override {
    bytes_ = SplitQueue::bytes_for(kSize);
    memory_ = static_cast<uint8_t*>(aligned_alloc(4096, bytes_));
    ASSERT_OK(queue_.init({memory_, reinterpret_cast<uint64_t>(memory_), bytes_}, kSize));
  }
  void TearDown() override { free(memory_); }

  // The device answers `head` with `length` bytes written.
  void device_answers(uint32_t head, uint32_t length) {
    auto* used =
        reinterpret_cast<UsedHeader*>(memory_ + (queue_.used_phys() - queue_.descriptors_phys()));
    auto* ring = reinterpret_cast<UsedElement*>(used + 1);
    ring[used->idx % kSize] = {head, length};
    __atomic_store_n(&used->idx, static_cast<uint16_t>(used->idx + 1), __ATOMIC_RELEASE);
  }
  void device_sets_used_index(uint16_t index) {
    auto* used =
        reinterpret_cast<UsedHeader*>(memory_ + (queue_.used_phys() - queue_.descriptors_phys()));
    __atomic_store_n(&used->idx, index, __ATOMIC_RELEASE);
  }

  uint16_t submit_one() {
    const Buffer buffers[] = {{0x1000, 16, false}, {0x2000, 512, true}, {0x3000, 1, true}};
    Result<uint16_t> head = queue_.add_chain(buffers);
    EXPECT_OK(head);
    queue_.make_available(head.value());
    return head.value();
  }

  size_t bytes_ = 0;
  uint8_t* memory_ = nullptr;
  SplitQueue queue_;
};

TEST(SplitQueueLayout, UsedRingOnTheLegacyAlignment) {
  EXPECT_EQ(SplitQueue::bytes_for(128), 8192u);
  EXPECT_EQ(SplitQueue::bytes_for(256), 12288u);
}

TEST(SplitQueueLayout, RejectsBadSizesAndMemory) {
  alignas(4096) static uint8_t memory[16384];
  SplitQueue q;
  const DmaRegion region{memory, reinterpret_cast<uint64_t>(memory), sizeof(memory)};
  EXPECT_EQ(q.init(region, 0).error(), Error::kInvalidArgument);
  EXPECT_EQ(q.init(region, 6).error(), Error::kInvalidArgument);
  EXPECT_EQ(q.init(region, 512).error(), Error::kInvalidArgument);
  EXPECT_EQ(q.init({memory, reinterpret_cast<uint64_t>(memory), 100}, 8).error(),
            Error::kInvalidArgument);
  EXPECT_EQ(q.init({memory + 8, reinterpret_cast<uint64_t>(memory + 8), 8192}, 8).error(),
            Error::kInvalidArgument);
  EXPECT_OK(q.init(region, 8));
}

TEST_F(QueueTest, ChainCompletesAndReturnsItsDescriptors) {
  const uint16_t head = submit_one();
  EXPECT_EQ(queue_.free_descriptors(), kSize - 3);
  EXPECT_EQ(queue_.next_used().error(), Error::kWouldBlock);
  device_answers(head, 513);
  Result<Completion> c = queue_.next_used();
  ASSERT_OK(c);
  EXPECT_EQ(c->head, head);
  EXPECT_EQ(c->length, 513u);
  EXPECT_EQ(c->writable, 513u);
  EXPECT_FALSE(c->length_lies);
  queue_.release(head);
  EXPECT_EQ(queue_.free_descriptors(), kSize);
  EXPECT_EQ(queue_.in_flight(), 0u);
}

TEST_F(QueueTest, RefusesEmptyAndOversizedChainsAndAFullRing) {
  EXPECT_EQ(queue_.add_chain({}).error(), Error::kInvalidArgument);
  Buffer many[kSize + 1] = {};
  EXPECT_EQ(queue_.add_chain(Span<const Buffer>(many, kSize + 1)).error(), Error::kInvalidArgument);
  submit_one();
  submit_one();
  EXPECT_EQ(queue_.add_chain(Span<const Buffer>(many, 3)).error(), Error::kNoSpace);
}

TEST_F(QueueTest, IndirectTableTakesOneDescriptor) {
  alignas(16) static uint8_t table[16 * 4];
  const Buffer buffers[] = {
      {0x1000, 16, false}, {0x2000, 4096, true}, {0x3000, 4096, true}, {0x4000, 1, true}};
  Result<uint16_t> head =
      queue_.add_indirect({table, reinterpret_cast<uint64_t>(table), sizeof(table)}, buffers);
  ASSERT_OK(head);
  EXPECT_EQ(queue_.free_descriptors(), kSize - 1);
  const auto* entries = reinterpret_cast<const Descriptor*>(table);
  EXPECT_EQ(entries[1].flags, kDescWrite | kDescNext);
  EXPECT_EQ(entries[3].flags, kDescWrite);
  EXPECT_EQ(queue_.add_indirect({table, 0, 16}, buffers).error(), Error::kInvalidArgument);
  queue_.make_available(head.value());
  device_answers(head.value(), 8193);
  ASSERT_OK(queue_.next_used());
}

TEST_F(QueueTest, LyingLengthFailsTheRequestNotTheQueue) {
  const uint16_t head = submit_one();
  device_answers(head, 4096);
  Result<Completion> c = queue_.next_used();
  ASSERT_OK(c);
  EXPECT_TRUE(c->length_lies);
  queue_.release(head);
  EXPECT_FALSE(queue_.broken());
}

TEST_F(QueueTest, UsedIndexRunningAheadBreaksTheQueue) {
  submit_one();
  device_sets_used_index(5);
  EXPECT_EQ(queue_.next_used().error(), Error::kIoError);
  EXPECT_TRUE(queue_.broken());
  EXPECT_EQ(queue_.add_chain(Span<const Buffer>(nullptr, 1)).error(), Error::kIoError);
}

TEST_F(QueueTest, UsedIndexOutOfRangeBreaksTheQueue) {
  // 0xffff: "behind" by one, i.e. 65535 answers ahead.
  submit_one();
  device_sets_used_index(0xffff);
  EXPECT_EQ(queue_.next_used().error(), Error::kIoError);
}

TEST_F(QueueTest, UnknownDescriptorIdBreaksTheQueue) {
  submit_one();
  device_answers(kSize + 3, 1);
  EXPECT_EQ(queue_.next_used().error(), Error::kIoError);
  EXPECT_TRUE(queue_.broken());
}

TEST_F(QueueTest, IdOfNoChainInFlightBreaksTheQueue) {
  const uint16_t head = submit_one();
  device_answers(head + 1, 1);  // inside the chain, not its head
  EXPECT_EQ(queue_.next_used().error(), Error::kIoError);
}

TEST_F(QueueTest, AnsweringOneChainTwiceBreaksTheQueue) {
  const uint16_t head = submit_one();
  submit_one();
  device_answers(head, 513);
  device_answers(head, 513);
  ASSERT_OK(queue_.next_used());
  EXPECT_EQ(queue_.next_used().error(), Error::kIoError);
}

}  // namespace
}  // namespace viper::drivers::virtio
