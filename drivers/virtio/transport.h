// The virtio-mmio transport (virtio 1.2, section 4.2): probing a slot,
// the status handshake (reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK,
// DRIVER_OK), feature negotiation, queue setup and interrupts. Version 2
// is the modern interface; version 1 the legacy one, which QEMU offers by
// default on `virt` (virtio-mmio's force-legacy property is on): 32
// feature bits, no FEATURES_OK, queues given by page frame number.
//
// Not thread-safe: configured by one thread at boot; afterwards notify()
// and acknowledge_interrupt() touch separate registers and run under the
// device driver's lock.
#pragma once

#include <stdint.h>

#include "drivers/virtio/registers.h"
#include "drivers/virtio/virtqueue.h"
#include "kernel/lib/result.h"

namespace viper::drivers::virtio {

inline constexpr uint32_t kDeviceIdBlock = 2;

class Transport {
 public:
  explicit Transport(Registers& registers) : registers_(registers) {}

  // Reads the identification: kNotFound without the magic value or for an
  // empty slot (device ID 0), kNotSupported for a version other than 1, 2.
  Status probe();
  uint32_t version() const { return version_; }
  uint32_t device_id() const { return device_id_; }
  bool legacy() const { return version_ == 1; }

  // Resets the device and negotiates: accepts the features of `wanted`
  // the device offers (plus VERSION_1, which version 2 requires). Returns
  // what was accepted; kNotSupported when a version-2 device lacks
  // VERSION_1 or refuses FEATURES_OK (the device is then marked FAILED).
  Result<uint64_t> negotiate(uint64_t wanted);

  // Sets up queue `index` in `memory` with at most `max_size` entries (a
  // power of two) and the device's own maximum; `queue` is initialised.
  // kNotSupported when the device has no such queue.
  Status setup_queue(uint16_t index, SplitQueue& queue, DmaRegion memory, uint16_t max_size);

  void driver_ok();
  // Gives up on the device: FAILED. reset() stops it touching the queues.
  void fail();
  void reset();
  bool needs_reset();

  void notify(uint16_t queue) { registers_.write(kQueueNotify, queue); }
  // Reads and acknowledges the interrupt causes (kInterrupt*), which ends
  // the level-triggered interrupt.
  uint32_t acknowledge_interrupt();

  // The device-specific configuration, 32 bits at a time; a 64-bit field
  // is read until the configuration generation is stable (version 2).
  uint32_t config32(uint32_t offset) { return registers_.read(kConfig + offset); }
  Result<uint64_t> config64(uint32_t offset);

 private:
  void set_status(uint32_t bits);

  Registers& registers_;
  uint32_t version_ = 0;
  uint32_t device_id_ = 0;
};

}  // namespace viper::drivers::virtio
