// The PL031 real-time clock of QEMU's virt machine (ARM DDI 0224): a
// free-running count of seconds (RTCDR) that QEMU starts at the host's
// time. The kernel reads it once at boot and keeps wall time from there
// with the monotonic clock (kernel/syscall/time.cc).
#pragma once

#include <stdint.h>

namespace viper::drivers {

inline constexpr uint32_t kPl031PartAndDesigner = 0x41031;

class Pl031 {
 public:
  // `registers`: the device's MMIO base, mapped.
  explicit Pl031(volatile uint32_t* registers) : registers_(registers) {}

  // Seconds since 1970-01-01 UTC.
  uint32_t seconds() const { return registers_[kDataRegister]; }

  // The PrimeCell identification (peripheral ID registers at 0xfe0..0xfec,
  // one byte each): part number 0x031, designer 0x41 (Arm) in the low 20
  // bits; the revision above them varies (QEMU's is 1).
  uint32_t peripheral_id() const;
  bool is_pl031() const { return (peripheral_id() & 0xfffff) == kPl031PartAndDesigner; }

 private:
  static constexpr uint32_t kDataRegister = 0x000 / 4;
  volatile uint32_t* registers_;
};

}  // namespace viper::drivers
