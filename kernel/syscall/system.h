// The machine's power for VIPER_SYS_SYSTEM_POWER. Only boot can reach it
// (the PSCI conduit and the result protocol's exit line are boot's), and
// boot calls this layer, not the other way round: so boot installs the
// handler when it installs the calls.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

namespace viper::syscall {

enum class PowerAction : uint32_t { kOff, kReboot };

// Powers off or reboots the machine; returns only if firmware refuses.
using PowerHandler = void (*)(PowerAction action);

void set_power_handler(PowerHandler handler);

// The machine's entropy device for VIPER_SYS_ENTROPY_READ (boot's, as the
// power: boot starts the driver and installs it): fills `out` with up to
// `bytes` random bytes and returns how many.
using EntropySource = Result<size_t> (*)(uint8_t* out, size_t bytes);

void set_entropy_source(EntropySource source);

}  // namespace viper::syscall
