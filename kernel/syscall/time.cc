// Time: the monotonic clock (nanoseconds since boot, from the generic
// timer's counter).
#include "kernel/arch/arch.h"
#include "kernel/syscall/calls.h"

namespace viper::syscall {

Result<uint64_t> clock_monotonic(const Arguments&) { return arch::uptime_ns(); }

}  // namespace viper::syscall
