// The Arm generic timer's EL1 virtual timer (CNTV_*) as the per-CPU tick.
// Time itself always comes from the counter (CNTVCT), never from counting
// ticks; ticks only drive periodic work.
#pragma once

#include <stdint.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/atomic.h"

namespace viper::drivers {

class ArmTimer {
 public:
  // Programs this CPU's first tick `1/hz` seconds from now.
  void start_this_cpu(uint32_t hz);
  // Called from the timer interrupt: if the tick is due, counts it and
  // moves the tick deadline on. Returns whether a tick happened.
  bool on_interrupt();
  // Programs the hardware for the earlier of the next tick and
  // `event_ns` (uptime nanoseconds), so one-shot timers fire on time
  // rather than at the next tick.
  void program(uint64_t event_ns);
  // Ticks seen on `cpu` so far.
  uint64_t ticks(uint32_t cpu) const { return ticks_[cpu].load(MemoryOrder::kRelaxed); }
  uint32_t hz() const { return hz_; }

 private:
  uint32_t hz_ = 0;
  uint64_t period_ = 0;
  uint64_t tick_deadline_[arch::kMaxCpus] = {};  // counter value; only its CPU touches it
  Atomic<uint64_t> ticks_[arch::kMaxCpus];
};

}  // namespace viper::drivers
