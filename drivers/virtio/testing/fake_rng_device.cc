#include "drivers/virtio/testing/fake_rng_device.h"

namespace viper::drivers::virtio::testing {
namespace {
constexpr uint32_t kDeviceIdEntropy = 4;
}  // namespace

// No vendor id (the model never claimed QEMU's), one queue of up to 64.
FakeRngDevice::FakeRngDevice(uint32_t version)
    : FakeMmioDevice(
          {.version = version, .device_id = kDeviceIdEntropy, .vendor_id = 0, .queue_max = 64}) {}

void FakeRngDevice::set_misbehaviour(RngMisbehaviour m) {
  DeviceLock lock(mutex_);
  misbehaviour_ = m;
}

// Each request is one device-writable buffer (the head descriptor), filled
// from the sequence.
void FakeRngDevice::notified_locked(uint32_t) {
  if (!running_locked()) return;
  Queue& q = queue_locked(0);
  Chain chain;
  while (next_chain_locked(q, chain)) {
    if (misbehaviour_ == RngMisbehaviour::kNeverComplete) continue;
    const Descriptor& d = chain.parts.front();
    for (uint32_t i = 0; i < d.len; ++i) at(d.addr)[i] = byte_at(written_++);
    uint32_t length = d.len;
    if (misbehaviour_ == RngMisbehaviour::kZeroLength) length = 0;
    if (misbehaviour_ == RngMisbehaviour::kLengthLies) length = d.len + 100;
    push_used_locked(q, UsedElement{chain.head, length},
                     misbehaviour_ == RngMisbehaviour::kUsedIndexRunsAhead ? 20 : 0);
  }
}

}  // namespace viper::drivers::virtio::testing
