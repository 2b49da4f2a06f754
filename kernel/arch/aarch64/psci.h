// PSCI (Arm Power State Coordination Interface, DEN0022): the calls the
// kernel makes to firmware. On QEMU virt, QEMU itself implements PSCI.
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"

namespace viper::arch::psci {

// How calls reach firmware: the device tree's /psci "method".
enum class Conduit { kHvc, kSmc };

// Starts the CPU with MPIDR `target` at physical `entry` with x0 = context.
// Returns the PSCI status (0 = success, negative = PSCI error code).
int64_t cpu_on(Conduit conduit, uint64_t target, PhysAddr entry, uint64_t context);

// Powers the machine off. Returns only if firmware refuses.
void system_off(Conduit conduit);

// Resets (reboots) the machine. Returns only if firmware refuses.
void system_reset(Conduit conduit);

const char* error_name(int64_t status);

}  // namespace viper::arch::psci
