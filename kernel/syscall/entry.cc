// The AArch64 side of a system call: arguments from the exception frame,
// the result into x0 (kernel/arch/aarch64/exception.h installs it).
#include "kernel/syscall/entry.h"

#include "kernel/syscall/syscall.h"

namespace viper::syscall {

void handle_syscall(arch::ExceptionFrame& frame) {
  const Arguments args{{frame.x[0], frame.x[1], frame.x[2], frame.x[3], frame.x[4], frame.x[5]}};
  frame.x[0] = static_cast<uint64_t>(dispatch(frame.x[8], args));
}

}  // namespace viper::syscall
