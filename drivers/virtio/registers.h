// The virtio-mmio register block (virtio 1.2, section 4.2.2; the legacy
// layout of version 1 in 4.2.4): one definition of every offset, status
// bit and transport feature bit, used by the driver and by the device
// model the host tests run it against.
//
// Registers are reached through an interface, not a volatile pointer: the
// device model must see every write as it happens (a status write that
// resets, a queue notify that starts work), which plain memory cannot do.
#pragma once

#include <stdint.h>

namespace viper::drivers::virtio {

inline constexpr uint32_t kMagic = 0x74726976;  // "virt", little-endian

enum Register : uint32_t {
  kMagicValue = 0x000,
  kVersion = 0x004,   // 2; 1 for the legacy interface
  kDeviceId = 0x008,  // 0: an empty transport
  kVendorId = 0x00c,
  kDeviceFeatures = 0x010,
  kDeviceFeaturesSel = 0x014,
  kDriverFeatures = 0x020,
  kDriverFeaturesSel = 0x024,
  kLegacyGuestPageSize = 0x028,  // version 1 only
  kQueueSel = 0x030,
  kQueueNumMax = 0x034,
  kQueueNum = 0x038,
  kLegacyQueueAlign = 0x03c,  // version 1 only
  kLegacyQueuePfn = 0x040,    // version 1 only
  kQueueReady = 0x044,        // version 2 only
  kQueueNotify = 0x050,
  kInterruptStatus = 0x060,
  kInterruptAck = 0x064,
  kStatus = 0x070,
  kQueueDescLow = 0x080,
  kQueueDescHigh = 0x084,
  kQueueDriverLow = 0x090,  // the available ring
  kQueueDriverHigh = 0x094,
  kQueueDeviceLow = 0x0a0,  // the used ring
  kQueueDeviceHigh = 0x0a4,
  kConfigGeneration = 0x0fc,
  kConfig = 0x100,  // the device-specific configuration space
};

// kStatus bits (2.1).
inline constexpr uint32_t kStatusAcknowledge = 1;
inline constexpr uint32_t kStatusDriver = 2;
inline constexpr uint32_t kStatusDriverOk = 4;
inline constexpr uint32_t kStatusFeaturesOk = 8;
inline constexpr uint32_t kStatusNeedsReset = 64;
inline constexpr uint32_t kStatusFailed = 128;

// kInterruptStatus bits.
inline constexpr uint32_t kInterruptUsedBuffer = 1;
inline constexpr uint32_t kInterruptConfigChange = 2;

// Transport feature bits (6).
inline constexpr uint32_t kFeatureIndirectDesc = 28;
inline constexpr uint32_t kFeatureEventIdx = 29;
inline constexpr uint32_t kFeatureVersion1 = 32;

inline constexpr uint64_t feature_bit(uint32_t bit) { return uint64_t{1} << bit; }

// The register block of one transport.
class Registers {
 public:
  virtual uint32_t read(uint32_t offset) = 0;
  virtual void write(uint32_t offset, uint32_t value) = 0;

 protected:
  ~Registers() = default;
};

// The real thing: 32-bit accesses to the mapped MMIO window.
class MmioRegisters final : public Registers {
 public:
  explicit MmioRegisters(volatile uint32_t* base) : base_(base) {}
  uint32_t read(uint32_t offset) override { return base_[offset / 4]; }
  void write(uint32_t offset, uint32_t value) override { base_[offset / 4] = value; }

 private:
  volatile uint32_t* base_;
};

}  // namespace viper::drivers::virtio
