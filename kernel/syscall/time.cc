// Time: the monotonic clock (nanoseconds since boot, from the generic
// timer's counter).
#include <viperdos/syscalls.h>

#include "kernel/arch/arch.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {

Result<uint64_t> clock_monotonic(const Arguments&) { return arch::uptime_ns(); }

void install_time_calls() {
  install_call(VIPER_SYS_CLOCK_MONOTONIC, {"clock_monotonic", &clock_monotonic});
}

}  // namespace viper::syscall
