// The command-line flags that describe the virtual machine, shared by
// `bazel run //:qemu` and the QEMU test harness so both accept the same
// options: --kernel --smp --mem --append --dtb --virtualization.
#pragma once

#include "testing/qemu/qemu_command.h"

namespace viper::qemu {

// The machine the parsed flags describe (call after absl::ParseCommandLine).
MachineOptions MachineFromFlags();

}  // namespace viper::qemu
