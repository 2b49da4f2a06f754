// The system-call handler the exception vectors call (AArch64).
#pragma once

#include "kernel/arch/aarch64/exception.h"

namespace viper::syscall {

// x8 = number, x0..x5 = arguments; the result goes to x0.
void handle_syscall(arch::ExceptionFrame& frame);

}  // namespace viper::syscall
