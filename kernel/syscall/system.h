// The machine's power for VIPER_SYS_SYSTEM_POWER. Only boot can reach it
// (the PSCI conduit and the result protocol's exit line are boot's), and
// boot calls this layer, not the other way round: so boot installs the
// handler when it installs the calls.
#pragma once

#include <stdint.h>

namespace viper::syscall {

enum class PowerAction : uint32_t { kOff, kReboot };

// Powers off or reboots the machine; returns only if firmware refuses.
using PowerHandler = void (*)(PowerAction action);

void set_power_handler(PowerHandler handler);

}  // namespace viper::syscall
