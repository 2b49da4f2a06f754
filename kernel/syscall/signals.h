// Signal delivery to user handlers (signals.cc), for the exception path.
#pragma once

#include "kernel/arch/aarch64/exception.h"

namespace viper::syscall {

// Before a return to EL0: if a signal is deliverable, enters its handler
// instead (or applies its default action).
void deliver_signals(arch::ExceptionFrame& frame);

// VIPER_SYS_SIGNAL_RETURN: the interrupted state back from the frame.
void signal_return(arch::ExceptionFrame& frame);

struct CallContext;  // syscall.h
// After a call that may have ended the caller's own process (a kill or a
// terminating signal sent to it): Process::exit ends every thread but the
// caller, so this ends the caller too, on its way back to EL0, before the
// instruction after its svc (as POSIX's raise() promises).
void end_caller_if_exiting(CallContext& c);

}  // namespace viper::syscall
