// A network interface as a kernel object (layer 7): what a NIC handle
// names (VIPER_OBJECT_NIC). Like BlockObject it holds no driver state; it
// forwards to a NicDevice, the interface a NIC driver (layer 8:
// drivers/virtio_net) implements, so this layer depends on no driver and
// host tests can put a fake NIC behind a handle.
//
// A frame is copied once, between the caller's memory and the device's
// DMA buffer: send() and receive() hand the caller's copy function the
// device's buffer while no driver lock is held (the copy may fault on a
// user page, which must not happen under a spinlock).
//
// Signals (the device's waitable, so a pollset waits on a NIC beside
// channels): kReadable while received frames wait, kWritable while the
// transmit ring has a free slot.
//
// Rights: kRead to receive and to read the info, kWrite to send, kWait to
// wait on it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ipc/waitable.h"
#include "kernel/lib/deadline.h"
#include "kernel/lib/function_ref.h"
#include "kernel/lib/result.h"
#include "kernel/lib/span.h"
#include "kernel/object/kernel_object.h"

namespace viper::mm {
struct HeapAccess;
}

namespace viper::object {

inline constexpr size_t kFrameMinBytes = 14;    // an Ethernet header
inline constexpr size_t kFrameMaxBytes = 1514;  // VIPER_NET_FRAME_MAX

struct NicInfo {
  uint8_t mac[6] = {};
  uint16_t mtu = 1500;
  bool link_up = false;
  uint32_t index = 0;  // 0: the first NIC on the command line
  uint64_t rx_frames = 0, rx_bytes = 0;
  uint64_t tx_frames = 0, tx_bytes = 0;
  uint64_t rx_dropped = 0;     // arrived while every receive buffer was taken
  uint64_t device_errors = 0;  // nonsense from the device
  uint64_t resets = 0;
};

// Copies a frame into the device's transmit buffer (send) or out of its
// receive buffer (receive); an error (kFault) abandons the operation.
using FrameFill = FunctionRef<Status(Bytes)>;
using FrameDrain = FunctionRef<Status(ConstBytes)>;

class NicDevice {
 public:
  virtual NicInfo info() const = 0;
  // Its signal word: kReadable, kWritable (above).
  virtual ipc::Waitable* waitable() const = 0;
  // Sends a frame of `bytes` (kFrameMinBytes..kFrameMaxBytes, else
  // kOutOfRange) that `fill` writes into the device's buffer. Sleeps while
  // every transmit slot is taken, until an interrupt frees one or
  // `deadline` (kTimedOut; a deadline already passed: kWouldBlock without
  // sleeping). kIoError: the device is dead. kInterrupted: killed.
  virtual Status send(size_t bytes, FrameFill fill, Deadline deadline) = 0;
  // Hands the oldest received frame to `drain` and returns its size.
  // Sleeps until one arrives or `deadline` (as send). kOutOfRange when the
  // frame is longer than `capacity`; the frame stays queued then, and
  // also when `drain` fails.
  virtual Result<size_t> receive(size_t capacity, FrameDrain drain, Deadline deadline) = 0;

 protected:
  ~NicDevice() = default;
};

class NicObject final : public KernelObject {
 public:
  static constexpr ObjectType kType = ObjectType::kNic;

  // The object for `device`, which outlives it (NICs live as long as the
  // kernel). kNoMemory, kOverflow (object IDs exhausted).
  static Result<Ref<NicObject>> create(NicDevice& device);
  NicDevice& device() const { return device_; }
  ipc::Waitable* waitable() const override { return device_.waitable(); }

 private:
  friend struct mm::HeapAccess;
  NicObject(ObjectId id, NicDevice& device) : KernelObject(kType, id), device_(device) {}
  void destroy() override;

  NicDevice& device_;
};

}  // namespace viper::object
