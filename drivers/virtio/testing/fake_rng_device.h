// A virtio-rng device behind a virtio-mmio register block, for host
// tests: it fills each device-writable buffer the driver posts with bytes
// of a known sequence (so a test sees which request got which bytes), in
// version 2 or the legacy version 1, and misbehaves when told to.
// The transport (registers, rings, the held-back interrupt) is
// FakeMmioDevice's; requests are served when the driver notifies.
#pragma once

#include <stdint.h>

#include "drivers/virtio/testing/fake_mmio_device.h"

namespace viper::drivers::virtio::testing {

enum class RngMisbehaviour {
  kNone,
  kZeroLength,          // says it wrote nothing
  kLengthLies,          // says it wrote more than the buffer holds
  kUsedIndexRunsAhead,  // the used index jumps past what is in flight
  kNeverComplete,       // takes the request and never answers
};

class FakeRngDevice final : public FakeMmioDevice {
 public:
  explicit FakeRngDevice(uint32_t version);

  void set_misbehaviour(RngMisbehaviour m) EXCLUDES(mutex_);
  // The sequence: byte n of all the device ever wrote is uint8_t(n * 7 + 3).
  static uint8_t byte_at(uint64_t n) { return static_cast<uint8_t>(n * 7 + 3); }

 private:
  uint32_t config_locked(uint32_t) override REQUIRES(mutex_) { return 0; }  // virtio-rng has none
  void notified_locked(uint32_t queue) override REQUIRES(mutex_);

  RngMisbehaviour misbehaviour_ GUARDED_BY(mutex_) = RngMisbehaviour::kNone;
  uint64_t written_ GUARDED_BY(mutex_) = 0;  // bytes of the sequence handed out so far
};

}  // namespace viper::drivers::virtio::testing
