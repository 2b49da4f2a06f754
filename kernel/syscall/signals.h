// Signal delivery to user handlers (signals.cc), for the exception path.
#pragma once

#include "kernel/arch/aarch64/exception.h"

namespace viper::syscall {

// Before a return to EL0: if a signal is deliverable, enters its handler
// instead (or applies its default action).
void deliver_signals(arch::ExceptionFrame& frame);

// VIPER_SYS_SIGNAL_RETURN: the interrupted state back from the frame.
void signal_return(arch::ExceptionFrame& frame);

}  // namespace viper::syscall
