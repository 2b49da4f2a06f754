// Network interfaces: VIPER_SYS_NET_INFO/SEND/RECEIVE on a NIC handle
// (kernel/object/nic_object.h). A frame is copied once, between the
// caller's memory and the device's DMA buffer; the copy runs with no
// driver lock held, so a bad pointer is a kFault like any other, and a
// frame that could not be copied out stays queued.
#include <viperdos/syscalls.h>

#include "kernel/object/nic_object.h"
#include "kernel/syscall/arguments.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {
namespace {

static_assert(VIPER_NET_FRAME_MAX == object::kFrameMaxBytes);

Result<uint64_t> net_info(CallContext& c, const Arguments& a) {
  const object::Ref<object::NicObject> nic =
      TRY(c.handles.get_as<object::NicObject>(handle_arg(a.value[0]), Rights::kRead));
  const object::NicInfo info = nic->device().info();
  viper_net_info out{};
  for (int i = 0; i < 6; ++i) out.mac[i] = info.mac[i];
  out.mtu = info.mtu;
  out.flags = info.link_up ? VIPER_NET_LINK_UP : 0u;
  out.index = info.index;
  out.rx_frames = info.rx_frames;
  out.rx_bytes = info.rx_bytes;
  out.tx_frames = info.tx_frames;
  out.tx_bytes = info.tx_bytes;
  out.rx_dropped = info.rx_dropped;
  out.device_errors = info.device_errors;
  out.resets = info.resets;
  TRY(copy_out(a.value[1], out));
  return 0;
}

// (nic, frame, bytes, deadline) -> bytes: kOutOfRange outside 14..1514
// bytes, checked before anything waits.
Result<uint64_t> net_send(CallContext& c, const Arguments& a) {
  const object::Ref<object::NicObject> nic =
      TRY(c.handles.get_as<object::NicObject>(handle_arg(a.value[0]), Rights::kWrite));
  const uint64_t bytes = a.value[2];
  if (bytes < object::kFrameMinBytes || bytes > object::kFrameMaxBytes) {
    return Error::kOutOfRange;
  }
  const VirtAddr frame(a.value[1]);
  TRY(nic->device().send(
      bytes, [&](Bytes out) { return arch::copy_from_user(out.data(), frame, out.size()); },
      deadline_arg(a.value[3])));
  return bytes;
}

// (nic, buffer, capacity, deadline) -> bytes of the oldest frame.
Result<uint64_t> net_receive(CallContext& c, const Arguments& a) {
  const object::Ref<object::NicObject> nic =
      TRY(c.handles.get_as<object::NicObject>(handle_arg(a.value[0]), Rights::kRead));
  const VirtAddr buffer(a.value[1]);
  const uint64_t capacity = a.value[2];
  return TRY(nic->device().receive(
      capacity, [&](ConstBytes in) { return arch::copy_to_user(buffer, in.data(), in.size()); },
      deadline_arg(a.value[3])));
}

}  // namespace

void install_net_calls() {
  install_call(VIPER_SYS_NET_INFO, {"net_info", &net_info});
  install_call(VIPER_SYS_NET_SEND, {"net_send", &net_send});
  install_call(VIPER_SYS_NET_RECEIVE, {"net_receive", &net_receive});
}

}  // namespace viper::syscall
