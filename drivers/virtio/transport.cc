#include "drivers/virtio/transport.h"

namespace viper::drivers::virtio {

Status Transport::probe() {
  if (registers_.read(kMagicValue) != kMagic) return Error::kNotFound;
  version_ = registers_.read(kVersion);
  device_id_ = registers_.read(kDeviceId);
  if (device_id_ == 0) return Error::kNotFound;
  if (version_ != 1 && version_ != 2) return Error::kNotSupported;
  return ok_status();
}

void Transport::set_status(uint32_t bits) {
  registers_.write(kStatus, registers_.read(kStatus) | bits);
}

void Transport::reset() { registers_.write(kStatus, 0); }
void Transport::fail() { set_status(kStatusFailed); }
void Transport::driver_ok() { set_status(kStatusDriverOk); }
bool Transport::needs_reset() { return (registers_.read(kStatus) & kStatusNeedsReset) != 0; }

Result<uint64_t> Transport::negotiate(uint64_t wanted) {
  if (version_ == 0) return Error::kBadState;
  reset();
  set_status(kStatusAcknowledge);
  set_status(kStatusDriver);
  const uint32_t words = legacy() ? 1 : 2;  // legacy devices have 32 bits
  uint64_t offered = 0;
  for (uint32_t word = 0; word < words; ++word) {
    registers_.write(kDeviceFeaturesSel, word);
    offered |= uint64_t{registers_.read(kDeviceFeatures)} << (32 * word);
  }
  if (!legacy()) {
    if ((offered & feature_bit(kFeatureVersion1)) == 0) {
      fail();
      return Error::kNotSupported;
    }
    wanted |= feature_bit(kFeatureVersion1);
  }
  const uint64_t accepted = offered & wanted;
  for (uint32_t word = 0; word < words; ++word) {
    registers_.write(kDriverFeaturesSel, word);
    registers_.write(kDriverFeatures, static_cast<uint32_t>(accepted >> (32 * word)));
  }
  if (!legacy()) {
    set_status(kStatusFeaturesOk);
    if ((registers_.read(kStatus) & kStatusFeaturesOk) == 0) {
      fail();
      return Error::kNotSupported;
    }
  }
  return accepted;
}

Status Transport::setup_queue(uint16_t index, SplitQueue& queue, DmaRegion memory,
                              uint16_t max_size) {
  registers_.write(kQueueSel, index);
  if (!legacy() && registers_.read(kQueueReady) != 0) return Error::kBadState;
  const uint32_t device_max = registers_.read(kQueueNumMax);
  if (device_max == 0) return Error::kNotSupported;
  uint16_t size = 1;
  while (size * 2u <= max_size && size * 2u <= device_max && size * 2u <= SplitQueue::kMaxSize) {
    size = static_cast<uint16_t>(size * 2);
  }
  // A legacy queue is named by a 32-bit page frame number.
  if (legacy() && memory.phys / kLegacyAlign > 0xffffffffu) return Error::kNotSupported;
  TRY(queue.init(memory, size));
  registers_.write(kQueueNum, size);
  if (legacy()) {
    registers_.write(kLegacyGuestPageSize, kLegacyAlign);
    registers_.write(kLegacyQueueAlign, kLegacyAlign);
    registers_.write(kLegacyQueuePfn, static_cast<uint32_t>(memory.phys / kLegacyAlign));
    return ok_status();
  }
  registers_.write(kQueueDescLow, static_cast<uint32_t>(queue.descriptors_phys()));
  registers_.write(kQueueDescHigh, static_cast<uint32_t>(queue.descriptors_phys() >> 32));
  registers_.write(kQueueDriverLow, static_cast<uint32_t>(queue.available_phys()));
  registers_.write(kQueueDriverHigh, static_cast<uint32_t>(queue.available_phys() >> 32));
  registers_.write(kQueueDeviceLow, static_cast<uint32_t>(queue.used_phys()));
  registers_.write(kQueueDeviceHigh, static_cast<uint32_t>(queue.used_phys() >> 32));
  registers_.write(kQueueReady, 1);
  return ok_status();
}

uint32_t Transport::acknowledge_interrupt() {
  const uint32_t causes = registers_.read(kInterruptStatus);
  if (causes != 0) registers_.write(kInterruptAck, causes);
  return causes;
}

Result<uint64_t> Transport::config64(uint32_t offset) {
  // A bounded number of tries: a device whose configuration keeps changing
  // under the reader is broken, not something to wait out.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const uint32_t before = legacy() ? 0 : registers_.read(kConfigGeneration);
    const uint64_t low = config32(offset);
    const uint64_t high = config32(offset + 4);
    const uint32_t after = legacy() ? 0 : registers_.read(kConfigGeneration);
    if (before == after) return low | (high << 32);
  }
  return Error::kIoError;
}

}  // namespace viper::drivers::virtio
