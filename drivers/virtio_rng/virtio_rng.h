// virtio-rng (virtio 1.2, section 5.4): the machine's entropy source. One
// request at a time: a device-writable buffer on the one queue, the caller
// asleep until the device's interrupt says how much it filled (no polling).
// Backs VIPER_SYS_ENTROPY_READ and so libc's getentropy().
//
// Lock: drivers.virtio_rng (82), interrupt-safe (the interrupt handler
// takes it to read the used ring); held while the request is put on the
// ring and while the completion is recorded, never across the notify or a
// sleep.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "drivers/virtio/transport.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "sched/blocking.h"

namespace viper::drivers {

inline constexpr uint32_t kDeviceIdEntropy = 4;

class VirtioRng {
 public:
  static constexpr uint16_t kQueueSize = 8;
  static constexpr size_t kBufferBytes = 256;  // VIPER_ENTROPY_READ_MAX

  explicit VirtioRng(virtio::Registers& registers);
  static size_t queue_bytes() { return virtio::SplitQueue::bytes_for(kQueueSize); }

  // Negotiates and sets up the queue in `queue`; `buffer` (at least
  // kBufferBytes) is where the device writes. kNotSupported for another
  // kind of device.
  Status start(virtio::DmaRegion queue, virtio::DmaRegion buffer);
  // Up to `bytes` (at most kBufferBytes) random bytes into `out`: how many
  // the device gave (at least one). kIoError when the device misbehaves,
  // kInterrupted when the caller is killed (the request is then abandoned:
  // its bytes are never handed to anyone).
  Result<size_t> read(uint8_t* out, size_t bytes) EXCLUDES(lock_);
  void on_interrupt() EXCLUDES(lock_);

 private:
  virtio::Transport transport_;
  virtio::SplitQueue queue_ GUARDED_BY(lock_);
  virtio::DmaRegion buffer_;
  mutable IrqSpinlock lock_;
  bool started_ GUARDED_BY(lock_) = false;
  bool busy_ GUARDED_BY(lock_) = false;       // a request is on the ring
  bool done_ GUARDED_BY(lock_) = false;       // and the device answered it
  bool abandoned_ GUARDED_BY(lock_) = false;  // its caller was killed
  Status outcome_ GUARDED_BY(lock_) = ok_status();
  uint32_t filled_ GUARDED_BY(lock_) = 0;
  sched::WaitQueue waiters_;  // for the ring to be free, and for the answer
};

}  // namespace viper::drivers
