// PSCI (Arm Power State Coordination Interface, DEN0022) calls the kernel
// makes to firmware: on QEMU virt, QEMU itself implements PSCI.
#pragma once

#include <stdint.h>

namespace viper::arch::psci {

// How PSCI calls reach firmware: HVC when the kernel runs under a
// hypervisor-level implementation (QEMU virt default), SMC when EL2 belongs
// to the kernel (virtualization=on) and EL3 firmware answers.
enum class Conduit { kHvc, kSmc };

// Powers the machine off. Does not return if firmware honours the call.
void SystemOff(Conduit conduit);

}  // namespace viper::arch::psci
