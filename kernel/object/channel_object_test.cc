// Channels through handle tables: handle transfer, rights, all-or-nothing.
#include "kernel/object/channel_object.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/object/testing_object.h"
#include "testing/host/heap_environment.h"

namespace viper::object {
namespace {

VIPER_HOST_KERNEL_HEAP();

using cap::HandleTable;
using cap::HandleValue;
using testing::g_live_test_objects;
using testing::TestObject;

TEST(ChannelObject, HandlesTravelWithTheMessage) {
  const int64_t live = g_live_test_objects;
  {
    HandleTable sender, receiver;
    HandleValue a, b;
    ASSERT_TRUE(channel_create(sender, a, b).ok());
    // Give the b end to the receiver by sending it over a second channel
    // would be the real thing; here the receiver simply gets its own handle.
    Ref<KernelObject> b_object = sender.take(b, 0).value();
    const HandleValue rb =
        receiver.add(static_cast<Ref<KernelObject>&&>(b_object), cap::kRightsAll).value();
    const HandleValue gift = sender.add(TestObject::create(), cap::kRightsAll).value();
    ASSERT_TRUE(channel_write(sender, a, "hi", 2, &gift, 1).ok());
    EXPECT_EQ(sender.get(gift, 0).error(), Error::kBadHandle) << "moved out of the sender";
    char buffer[8];
    size_t bytes = 0;
    uint32_t count = 0;
    HandleValue got[2];
    ASSERT_TRUE(channel_read(receiver, rb, buffer, sizeof(buffer), bytes, got, 2, count).ok());
    EXPECT_EQ(std::string(buffer, bytes), "hi");
    ASSERT_EQ(count, 1u);
    EXPECT_TRUE(receiver.get_as<TestObject>(got[0], 0).ok());
    EXPECT_EQ(receiver.rights(got[0]).value(), uint32_t{cap::kRightsAll});
  }
  EXPECT_EQ(g_live_test_objects, live);
  EXPECT_EQ(ipc::live_messages(), 0u);
}

TEST(ChannelObject, TransferIsAllOrNothingAndNeedsRights) {
  HandleTable table;
  HandleValue a, b;
  ASSERT_TRUE(channel_create(table, a, b).ok());
  const HandleValue ok = table.add(TestObject::create(), cap::kRightsAll).value();
  const HandleValue no_transfer = table.add(TestObject::create(), cap::kRightRead).value();
  HandleValue both[2] = {ok, no_transfer};
  EXPECT_EQ(channel_write(table, a, "x", 1, both, 2).error(), Error::kAccessDenied);
  EXPECT_TRUE(table.get(ok, 0).ok()) << "the sender keeps every handle";
  HandleValue twice[2] = {ok, ok};
  EXPECT_EQ(channel_write(table, a, "x", 1, twice, 2).error(), Error::kInvalidArgument);
  EXPECT_EQ(channel_write(table, a, "x", 1, &a, 1).error(), Error::kBadState)
      << "an endpoint through itself";
  EXPECT_EQ(channel_write(table, a, "x", 1, &b, 1).error(), Error::kBadState)
      << "the peer into its own inbound queue";
  const HandleValue read_only = table.duplicate(a, cap::kRightRead).value();
  EXPECT_EQ(channel_write(table, read_only, "x", 1, nullptr, 0).error(), Error::kAccessDenied);
  EXPECT_EQ(channel_write(table, ok, "x", 1, nullptr, 0).error(), Error::kBadHandle)
      << "not a channel (RC-020: lookups are typed)";
  EXPECT_EQ(table.count(), 5u);
}

TEST(ChannelObject, FullReceiverTableKeepsTheMessage) {
  HandleTable table;
  HandleValue a, b;
  ASSERT_TRUE(channel_create(table, a, b).ok());
  const HandleValue gift = table.add(TestObject::create(), cap::kRightsAll).value();
  ASSERT_TRUE(channel_write(table, a, "x", 1, &gift, 1).ok());
  std::vector<HandleValue> filler;
  while (true) {
    Result<HandleValue> h = table.add(TestObject::create(), cap::kRightRead);
    if (!h.ok()) break;
    filler.push_back(h.value());
  }
  char buffer[4];
  size_t bytes = 0;
  uint32_t count = 0;
  HandleValue got[1];
  EXPECT_EQ(channel_read(table, b, buffer, sizeof(buffer), bytes, got, 1, count).error(),
            Error::kNoSpace);
  ASSERT_TRUE(table.close(filler.back()).ok());
  ASSERT_TRUE(channel_read(table, b, buffer, sizeof(buffer), bytes, got, 1, count).ok())
      << "the message waited";
  EXPECT_EQ(count, 1u);
}

// The ring the seed-era design could not free: X's end queued in Y and
// Y's end queued in X. The second send would close the ring, and is
// refused; every other step works, and once the table closes everything
// nothing is left alive.
TEST(ChannelObject, ChannelsCarryingEndpointsCannotCloseARing) {
  const uint64_t channels = ipc::live_channels();
  {
    HandleTable table;
    HandleValue x0, x1, y0, y1, z0, z1;
    ASSERT_TRUE(channel_create(table, x0, x1).ok());
    ASSERT_TRUE(channel_create(table, y0, y1).ok());
    ASSERT_TRUE(channel_create(table, z0, z1).ok());
    ASSERT_TRUE(channel_write(table, y0, "x", 1, &x1, 1).ok()) << "X's end into Y";
    EXPECT_EQ(channel_write(table, x0, "y", 1, &y1, 1).error(), Error::kBadState)
        << "Y carries an endpoint: sending it into X would close a ring";
    EXPECT_TRUE(table.get(y1, 0).ok()) << "refused sends keep the handle";
    // A longer ring: Y's end into Z is refused the same way.
    EXPECT_EQ(channel_write(table, z0, "y", 1, &y0, 1).error(), Error::kBadState);
    // Z carries nothing, so it may travel (into X: no ring, X is in Y).
    ASSERT_TRUE(channel_write(table, x0, "z", 1, &z1, 1).ok());
    // Once the endpoint is read out of Y, Y may travel again.
    char buffer[4];
    size_t bytes;
    HandleValue got;
    uint32_t count;
    ASSERT_TRUE(channel_read(table, y1, buffer, sizeof(buffer), bytes, &got, 1, count).ok());
    EXPECT_EQ(count, 1u);
    EXPECT_TRUE(channel_write(table, z0, "y", 1, &y0, 1).ok());
  }
  EXPECT_EQ(ipc::live_channels(), channels) << "no ring survives its handles";
  EXPECT_EQ(ipc::live_messages(), 0u);
}

}  // namespace
}  // namespace viper::object
