#include "kernel/arch/aarch64/semihosting.h"
#include "kernel/arch/backend/arch_inline.h"

namespace viper::arch {

// After a panic: end the QEMU run with a failure status (semihosting), so a
// test fails at once instead of timing out.
void stop_machine_failed() { semihosting::Exit(1); }

}  // namespace viper::arch
