#include "drivers/arm_timer/arm_timer.h"

namespace viper::drivers {
namespace {

constexpr uint64_t kCtlEnable = 1;

// Uptime nanoseconds to counter ticks, without overflowing 64 bits.
uint64_t ns_to_ticks(uint64_t ns) {
  const uint64_t freq = arch::counter_frequency();
  return (ns / 1000000000ull) * freq + (ns % 1000000000ull) * freq / 1000000000ull;
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
  const uint32_t cpu = arch::cpu_id();
  tick_deadline_[cpu] = arch::counter_ticks() + period_;
  arm(tick_deadline_[cpu]);
}

bool ArmTimer::on_interrupt() {
  const uint32_t cpu = arch::cpu_id();
  const uint64_t now = arch::counter_ticks();
  if (now < tick_deadline_[cpu]) return false;  // an early one-shot event
  // Deadlines advance by whole periods so ticks do not drift; after a long
  // stall (a stopped VM) skip ahead instead of firing a burst.
  uint64_t next = tick_deadline_[cpu] + period_;
  if (next <= now) next = now + period_;
  tick_deadline_[cpu] = next;
  ticks_[cpu].fetch_add(1, MemoryOrder::kRelaxed);
  return true;
}

void ArmTimer::program(uint64_t event_ns) {
  const uint64_t tick = tick_deadline_[arch::cpu_id()];
  const uint64_t event = event_ns == ~uint64_t{0} ? tick : ns_to_ticks(event_ns);
  arm(event < tick ? event : tick);
}

}  // namespace viper::drivers
