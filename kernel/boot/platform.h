// The machine as the running kernel knows it: what the device tree said,
// and the drivers brought up from it. Filled in by kernel_main on the boot
// CPU before any other CPU starts; read-only afterwards.
#pragma once

#include <stdint.h>

#include "drivers/arm_timer/arm_timer.h"
#include "drivers/gic/gicv3.h"
#include "kernel/arch/aarch64/psci.h"
#include "kernel/boot/machine.h"

namespace viper::boot {

// Software-generated interrupts the kernel uses between CPUs.
enum Sgi : uint32_t {
  kSgiStop = 0,     // panic: stop where you are
  kSgiCall = 1,     // a cross-CPU call is waiting (smp.h)
  kSgiResched = 2,  // the scheduler has work for this CPU
};

struct Platform {
  MachineDescription machine;
  drivers::GicV3 gic;
  drivers::ArmTimer timer;
  arch::psci::Conduit psci = arch::psci::Conduit::kHvc;
  uint64_t entry_el = 1;
  PhysAddr dtb;           // where the device tree is, and its size: its
  uint64_t dtb_size = 0;  // pages stay out of the page allocator
  uint32_t timer_hz = 100;
};

Platform& platform();

// Prints the exit line of the result protocol and powers the machine off.
[[noreturn]] void power_off(int exit_code);

}  // namespace viper::boot
