#include "drivers/arm_timer/arm_timer.h"

namespace viper::drivers {
namespace {

constexpr uint64_t kCtlEnable = 1;

uint64_t compare_value() {
  uint64_t value;
  asm volatile("mrs %0, cntv_cval_el0" : "=r"(value));
  return value;
}

void arm(uint64_t deadline) {
  asm volatile("msr cntv_cval_el0, %0\n msr cntv_ctl_el0, %1\n isb"
               :
               : "r"(deadline), "r"(kCtlEnable)
               : "memory");
}

}  // namespace

void ArmTimer::start_this_cpu(uint32_t hz) {
  hz_ = hz;
  period_ = arch::counter_frequency() / hz;
  arm(arch::counter_ticks() + period_);
}

void ArmTimer::on_interrupt() {
  // Deadlines advance by whole periods so ticks do not drift; after a long
  // stall (a stopped VM) skip ahead instead of firing a burst.
  uint64_t next = compare_value() + period_;
  const uint64_t now = arch::counter_ticks();
  if (next <= now) next = now + period_;
  arm(next);
  ticks_[arch::cpu_id()].fetch_add(1, MemoryOrder::kRelaxed);
}

}  // namespace viper::drivers
