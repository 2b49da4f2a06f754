// A block handle names a BlockObject, which forwards to its device; the
// handle's type and rights are checked like any other object's.
#include "kernel/object/block_object.h"

#include <gtest/gtest.h>

#include "kernel/cap/handle_table.h"
#include "kernel/object/testing_object.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::object {
namespace {

VIPER_HOST_KERNEL_HEAP();

class FakeDisk final : public BlockDevice {
 public:
  BlockDeviceInfo info() const override { return {.sectors = 64, .index = 3}; }
  Status transfer(BlockOp op, uint64_t sector, Span<const BlockSegment> segments,
                  Ref<KernelObject> pin) override {
    last_op = op;
    last_sector = sector;
    last_segments = segments.size();
    pinned = static_cast<bool>(pin);
    return ok_status();
  }
  Status flush() override {
    ++flushes;
    return ok_status();
  }
  BlockOp last_op = BlockOp::kWrite;
  uint64_t last_sector = 0;
  size_t last_segments = 0;
  bool pinned = false;
  int flushes = 0;
};

TEST(BlockObject, ForwardsToItsDevice) {
  FakeDisk disk;
  Result<Ref<BlockObject>> block = BlockObject::create(disk);
  ASSERT_OK(block);
  EXPECT_EQ(block.value()->type(), ObjectType::kBlock);
  EXPECT_EQ(block.value()->device().info().index, 3u);
  const BlockSegment segments[] = {{PhysAddr(0x1000), 512}, {PhysAddr(0x3000), 512}};
  EXPECT_OK(
      block.value()->device().transfer(BlockOp::kRead, 7, segments, testing::TestObject::create()));
  EXPECT_EQ(disk.last_op, BlockOp::kRead);
  EXPECT_EQ(disk.last_sector, 7u);
  EXPECT_EQ(disk.last_segments, 2u);
  EXPECT_TRUE(disk.pinned);
  EXPECT_OK(block.value()->device().flush());
  EXPECT_EQ(disk.flushes, 1);
}

TEST(BlockObject, AHandleIsTypedAndRightsChecked) {
  FakeDisk disk;
  cap::HandleTable table;
  Result<Ref<BlockObject>> block = BlockObject::create(disk);
  ASSERT_OK(block);
  Result<cap::HandleValue> handle = table.add(move(block.value()), Rights::kRead);
  ASSERT_OK(handle);
  EXPECT_OK(table.get_as<BlockObject>(handle.value(), Rights::kRead));
  EXPECT_EQ(table.get_as<BlockObject>(handle.value(), Rights::kWrite).error(),
            Error::kAccessDenied);
  Result<cap::HandleValue> other = table.add(testing::TestObject::create(), Rights::kRead);
  ASSERT_OK(other);
  EXPECT_EQ(table.get_as<BlockObject>(other.value(), Rights::kRead).error(), Error::kBadHandle);
}

}  // namespace
}  // namespace viper::object
