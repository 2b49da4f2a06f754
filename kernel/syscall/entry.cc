// The AArch64 side of a system call: arguments from the exception frame,
// the result into x0 (kernel/arch/aarch64/exception.h installs it).
#include "kernel/syscall/entry.h"

#include <viperdos/syscalls.h>

#include "kernel/object/process_object.h"
#include "kernel/syscall/signals.h"
#include "kernel/syscall/syscall.h"

namespace viper::syscall {

void handle_syscall(arch::ExceptionFrame& frame) {
  // Sigreturn replaces the whole frame, x0 included: no result to write.
  if (frame.x[8] == VIPER_SYS_SIGNAL_RETURN) {
    signal_return(frame);
    return;
  }
  object::Process* process = object::Process::current();
  CallContext context{.handles = process->handles(), .process = process, .frame = &frame};
  const Arguments args{{frame.x[0], frame.x[1], frame.x[2], frame.x[3], frame.x[4], frame.x[5]}};
  frame.x[0] = static_cast<uint64_t>(dispatch(context, frame.x[8], args));
}

}  // namespace viper::syscall
