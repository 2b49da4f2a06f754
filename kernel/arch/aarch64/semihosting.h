// Arm semihosting: lets the kernel end a QEMU run with an exit status, so a
// panicking kernel fails its test at once. QEMU enables it with
// -semihosting-config enable=on (testing/qemu/qemu_command.cc always does).
#pragma once

#include <stdint.h>

namespace viper::arch::semihosting {

// SYS_EXIT with ADP_Stopped_ApplicationExit: QEMU exits with `status`.
// Without semihosting the HLT instruction traps, so only code that knows it
// runs under the project's QEMU command line calls this.
[[noreturn]] void Exit(uint32_t status);

}  // namespace viper::arch::semihosting
