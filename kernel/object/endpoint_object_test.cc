// Channels through handle tables: handle transfer, rights, all-or-nothing.
#include "kernel/object/endpoint_object.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ipc/stats.h"
#include "kernel/object/testing_object.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::object {
namespace {

VIPER_HOST_KERNEL_HEAP();

using cap::HandleTable;
using cap::HandleValue;
using testing::g_live_test_objects;
using testing::TestObject;

TEST(EndpointObject, HandlesTravelWithTheMessage) {
  const int64_t live = g_live_test_objects;
  {
    HandleTable sender, receiver;
    Result<ChannelHandles> ab = channel_create(sender);
    ASSERT_OK(ab);
    const auto [a, b] = ab.value();
    // Give the b end to the receiver by sending it over a second channel
    // would be the real thing; here the receiver simply gets its own handle.
    Ref<KernelObject> b_object = sender.take(b, Rights::kNone).value();
    const HandleValue rb = receiver.add(move(b_object), Rights::kAll).value();
    const HandleValue gift = sender.add(TestObject::create(), Rights::kAll).value();
    ASSERT_OK(channel_write(sender, a, literal_bytes("hi"), Span<const HandleValue>(&gift, 1)));
    EXPECT_EQ(sender.get(gift, Rights::kNone).error(), Error::kBadHandle)
        << "moved out of the sender";
    char buffer[8];
    ipc::MessageSize size;
    HandleValue got[2];
    ASSERT_OK(
        channel_read(receiver, rb, writable_bytes_of(buffer), Span<HandleValue>(got, 2), size));
    EXPECT_EQ(std::string(buffer, size.bytes), "hi");
    ASSERT_EQ(size.handles, 1u);
    EXPECT_OK(receiver.get_as<TestObject>(got[0], Rights::kNone));
    EXPECT_EQ(receiver.rights(got[0]).value(), Rights::kAll);
  }
  EXPECT_EQ(g_live_test_objects, live);
  EXPECT_EQ(ipc::stats().live_messages, 0u);
}

TEST(EndpointObject, TransferIsAllOrNothingAndNeedsRights) {
  HandleTable table;
  Result<ChannelHandles> ab = channel_create(table);
  ASSERT_OK(ab);
  const auto [a, b] = ab.value();
  const HandleValue ok = table.add(TestObject::create(), Rights::kAll).value();
  const HandleValue no_transfer = table.add(TestObject::create(), Rights::kRead).value();
  HandleValue both[2] = {ok, no_transfer};
  EXPECT_EQ(channel_write(table, a, literal_bytes("x"), Span<const HandleValue>(both, 2)).error(),
            Error::kAccessDenied);
  EXPECT_OK(table.get(ok, Rights::kNone)) << "the sender keeps every handle";
  HandleValue twice[2] = {ok, ok};
  EXPECT_EQ(channel_write(table, a, literal_bytes("x"), Span<const HandleValue>(twice, 2)).error(),
            Error::kInvalidArgument);
  EXPECT_EQ(channel_write(table, a, literal_bytes("x"), Span<const HandleValue>(&a, 1)).error(),
            Error::kBadState)
      << "an endpoint through itself";
  EXPECT_EQ(channel_write(table, a, literal_bytes("x"), Span<const HandleValue>(&b, 1)).error(),
            Error::kBadState)
      << "the peer into its own inbound queue";
  const HandleValue read_only = table.duplicate(a, Rights::kRead).value();
  EXPECT_EQ(channel_write(table, read_only, literal_bytes("x")).error(), Error::kAccessDenied);
  EXPECT_EQ(channel_write(table, ok, literal_bytes("x")).error(), Error::kBadHandle)
      << "not a channel (RC-020: lookups are typed)";
  EXPECT_EQ(table.count(), 5u);
}

TEST(EndpointObject, FullReceiverTableKeepsTheMessage) {
  HandleTable table;
  Result<ChannelHandles> ab = channel_create(table);
  ASSERT_OK(ab);
  const auto [a, b] = ab.value();
  const HandleValue gift = table.add(TestObject::create(), Rights::kAll).value();
  ASSERT_OK(channel_write(table, a, literal_bytes("x"), Span<const HandleValue>(&gift, 1)));
  std::vector<HandleValue> filler;
  while (true) {
    Result<HandleValue> h = table.add(TestObject::create(), Rights::kRead);
    if (!h.ok()) break;
    filler.push_back(h.value());
  }
  char buffer[4];
  ipc::MessageSize size;
  HandleValue got[1];
  EXPECT_EQ(
      channel_read(table, b, writable_bytes_of(buffer), Span<HandleValue>(got, 1), size).error(),
      Error::kNoSpace);
  ASSERT_OK(table.close(filler.back()));
  ASSERT_OK(channel_read(table, b, writable_bytes_of(buffer), Span<HandleValue>(got, 1), size))
      << "the message waited";
  EXPECT_EQ(size.handles, 1u);
}

// The ring the seed-era design could not free: X's end queued in Y and
// Y's end queued in X. The second send would close the ring, and is
// refused; every other step works, and once the table closes everything
// nothing is left alive.
TEST(EndpointObject, ChannelsCarryingEndpointsCannotCloseARing) {
  const uint64_t channels = ipc::stats().live_channels;
  {
    HandleTable table;
    Result<ChannelHandles> x0x1 = channel_create(table);
    ASSERT_OK(x0x1);
    const auto [x0, x1] = x0x1.value();
    Result<ChannelHandles> y0y1 = channel_create(table);
    ASSERT_OK(y0y1);
    const auto [y0, y1] = y0y1.value();
    Result<ChannelHandles> z0z1 = channel_create(table);
    ASSERT_OK(z0z1);
    const auto [z0, z1] = z0z1.value();
    ASSERT_OK(channel_write(table, y0, literal_bytes("x"), Span<const HandleValue>(&x1, 1)))
        << "X's end into Y";
    EXPECT_EQ(channel_write(table, x0, literal_bytes("y"), Span<const HandleValue>(&y1, 1)).error(),
              Error::kBadState)
        << "Y carries an endpoint: sending it into X would close a ring";
    EXPECT_OK(table.get(y1, Rights::kNone)) << "refused sends keep the handle";
    // A longer ring: Y's end into Z is refused the same way.
    EXPECT_EQ(channel_write(table, z0, literal_bytes("y"), Span<const HandleValue>(&y0, 1)).error(),
              Error::kBadState);
    // Z carries nothing, so it may travel (into X: no ring, X is in Y).
    ASSERT_OK(channel_write(table, x0, literal_bytes("z"), Span<const HandleValue>(&z1, 1)));
    // Once the endpoint is read out of Y, Y may travel again.
    char buffer[4];
    ipc::MessageSize size;
    HandleValue got;
    ASSERT_OK(channel_read(table, y1, writable_bytes_of(buffer), Span<HandleValue>(&got, 1), size));
    EXPECT_EQ(size.handles, 1u);
    EXPECT_OK(channel_write(table, z0, literal_bytes("y"), Span<const HandleValue>(&y0, 1)));
  }
  EXPECT_EQ(ipc::stats().live_channels, channels) << "no ring survives its handles";
  EXPECT_EQ(ipc::stats().live_messages, 0u);
}

}  // namespace
}  // namespace viper::object
