// The system-call handler the exception vectors call (AArch64).
#pragma once

#include "kernel/arch/aarch64/exception.h"

namespace viper::syscall {

// x8 = number, x0..x5 = arguments; the result goes to x0. A call that
// needs every register (FrameUse::kWhole, and sigreturn) runs only with a
// kWhole frame; with a short one it is kWholeFrame, not run yet
// (kernel/arch/aarch64/exception.h).
arch::SyscallNext handle_syscall(arch::ExceptionFrame& frame, arch::SyscallFrame saved);

}  // namespace viper::syscall
