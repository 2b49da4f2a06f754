// Boot's side of the ktest seams, linked only into //kernel:test_image:
// the machine as ktests see it (kernel/lib/ktest_platform.h), the timer
// the arm_timer ktests check, and the entry kernel_main takes for
// `ktest=` (ktest_entry.h).
#include "kernel/lib/ktest_platform.h"

#include "drivers/arm_timer/ktest_timer.h"
#include "kernel/boot/ktest_entry.h"
#include "kernel/boot/platform.h"
#include "kernel/boot/smp.h"
#include "kernel/lib/ktest_runner.h"

namespace viper::ktest {

uint32_t cpus_online() { return boot::cpus_online(); }
void call_on_cpu(uint32_t cpu, void (*fn)(void*), void* arg) { boot::call_on_cpu(cpu, fn, arg); }
void wait_for_call(uint32_t cpu) { boot::wait_for_call(cpu); }
void run_on_all_cpus(void (*fn)(void*), void* arg) { boot::run_on_all_cpus(fn, arg); }

}  // namespace viper::ktest

namespace viper::drivers {

const ArmTimer& ktest_timer() { return boot::platform().timer; }

}  // namespace viper::drivers

namespace viper::boot {

// The runner drives CPUs 1.. through cross-CPU calls, so kernel_main
// calls this from the first kernel thread, pinned to CPU 0.
int run_ktests(const char* filter) { return ktest::run_ktests(filter); }

}  // namespace viper::boot
