// The command-line flags that describe the virtual machine, shared by
// `bazel run //:qemu` and the QEMU test harness so both accept the same
// options: --kernel --smp --mem --append --dtb --virtualization --disk
// --net --hostfwd --guestfwd.
#pragma once

#include "absl/status/statusor.h"
#include "testing/qemu/qemu_command.h"

namespace viper::qemu {

// The machine the parsed flags describe (call after absl::ParseCommandLine);
// an error for a --net that is none of its forms.
absl::StatusOr<MachineOptions> MachineFromFlags();

}  // namespace viper::qemu
