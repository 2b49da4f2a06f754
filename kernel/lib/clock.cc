// The kernel's (and host tests') clock behind Deadline::now(): uptime from
// the arch timer.
#include "kernel/arch/arch.h"
#include "kernel/lib/deadline.h"

namespace viper {

Deadline Deadline::now() { return Deadline::at(arch::uptime_ns()); }

}  // namespace viper
