// A NIC handle names a NicObject, which forwards to its device; the
// handle's type and rights are checked like any other object's, and its
// signals are the device's, so a wait on the handle sees them.
#include "kernel/object/nic_object.h"

#include <gtest/gtest.h>

#include "ipc/event.h"
#include "kernel/cap/handle_table.h"
#include "kernel/object/object_wait.h"
#include "kernel/object/testing_object.h"
#include "testing/host/expect_ok.h"
#include "testing/host/heap_environment.h"

namespace viper::object {
namespace {

VIPER_HOST_KERNEL_HEAP();

class FakeNic final : public NicDevice {
 public:
  FakeNic() : event(ipc::Event::create().value()) {}
  NicInfo info() const override { return {.mac = {2, 0, 0, 0, 0, 1}, .index = 4}; }
  ipc::Waitable* waitable() const override { return event.get(); }
  Status send(size_t bytes, FrameFill fill, Deadline) override {
    uint8_t frame[kFrameMaxBytes];
    TRY(fill(Bytes(frame, bytes)));
    sent = bytes;
    return ok_status();
  }
  Result<size_t> receive(size_t capacity, FrameDrain drain, Deadline) override {
    static constexpr uint8_t kFrame[20] = {1, 2, 3};
    if (capacity < sizeof(kFrame)) return Error::kOutOfRange;
    TRY(drain(ConstBytes(kFrame, sizeof(kFrame))));
    return sizeof(kFrame);
  }
  Ref<ipc::Event> event;
  size_t sent = 0;
};

TEST(NicObject, ForwardsToItsDevice) {
  FakeNic nic;
  Result<Ref<NicObject>> object = NicObject::create(nic);
  ASSERT_OK(object);
  EXPECT_EQ(object.value()->type(), ObjectType::kNic);
  EXPECT_EQ(object.value()->device().info().index, 4u);
  EXPECT_OK(
      object.value()->device().send(60, [](Bytes) { return ok_status(); }, Deadline::never()));
  EXPECT_EQ(nic.sent, 60u);
  size_t got = 0;
  EXPECT_EQ(object.value()
                ->device()
                .receive(
                    1514,
                    [&](ConstBytes in) {
                      got = in.size();
                      return ok_status();
                    },
                    Deadline::never())
                .value(),
            20u);
  EXPECT_EQ(got, 20u);
}

TEST(NicObject, AHandleIsTypedAndRightsChecked) {
  FakeNic nic;
  cap::HandleTable table;
  Result<Ref<NicObject>> object = NicObject::create(nic);
  ASSERT_OK(object);
  Result<cap::HandleValue> handle = table.add(move(object.value()), Rights::kRead);
  ASSERT_OK(handle);
  EXPECT_OK(table.get_as<NicObject>(handle.value(), Rights::kRead));
  EXPECT_EQ(table.get_as<NicObject>(handle.value(), Rights::kWrite).error(), Error::kAccessDenied);
  Result<cap::HandleValue> other = table.add(testing::TestObject::create(), Rights::kRead);
  ASSERT_OK(other);
  EXPECT_EQ(table.get_as<NicObject>(other.value(), Rights::kRead).error(), Error::kBadHandle);
}

TEST(NicObject, ItsSignalsAreTheDevicesAndAWaitSeesThem) {
  FakeNic nic;
  cap::HandleTable table;
  Result<Ref<NicObject>> object = NicObject::create(nic);
  ASSERT_OK(object);
  const cap::HandleValue handle =
      table.add(move(object.value()), Rights::kRead | Rights::kWait).value();
  EXPECT_EQ(object_wait(table, handle, Signals::kReadable, Deadline::at(0)).error(),
            Error::kTimedOut);
  nic.event->assert_signals(Signals::kNone, Signals::kReadable);
  Result<Signals> seen = object_wait(table, handle, Signals::kReadable, Deadline::never());
  ASSERT_OK(seen);
  EXPECT_TRUE(any(seen.value() & Signals::kReadable));
  const cap::HandleValue no_wait = table.add(NicObject::create(nic).value(), Rights::kRead).value();
  EXPECT_EQ(object_wait(table, no_wait, Signals::kReadable, Deadline::never()).error(),
            Error::kAccessDenied);
}

}  // namespace
}  // namespace viper::object
