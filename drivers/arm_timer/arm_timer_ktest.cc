// The generic timer as the per-CPU tick: it ticks at the rate it was
// started with, on every CPU.
#include "drivers/arm_timer/arm_timer.h"
#include "drivers/arm_timer/ktest_timer.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/ktest.h"

namespace viper::drivers {
namespace {

void wait_ns(uint64_t ns) {
  const uint64_t until = arch::uptime_ns() + ns;
  while (arch::uptime_ns() < until) arch::halt_until_interrupt();
}

KTEST(timer, tick_count_is_plausible) {
  const drivers::ArmTimer& timer = ktest_timer();
  const uint64_t before = timer.ticks(arch::cpu_id());
  wait_ns(500000000ull);
  const uint64_t ticks = timer.ticks(arch::cpu_id()) - before;
  const uint64_t expected = timer.hz() / 2;
  // Under emulation a tick can be late (a descheduled vCPU skips ahead
  // rather than firing a burst), never early; allow generous slack.
  KEXPECT(t, ticks >= expected / 4);
  KEXPECT(t, ticks <= expected + expected / 2 + 2);
}

KTEST_ALL_CPUS(timer, every_cpu_ticks) {
  const uint64_t before = ktest_timer().ticks(arch::cpu_id());
  wait_ns(100000000ull);
  KEXPECT(t, ktest_timer().ticks(arch::cpu_id()) > before);
}

}  // namespace
}  // namespace viper::drivers
