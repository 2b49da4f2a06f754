// Helpers for ktests that run kernel threads: wait (sleeping, so the
// threads get the CPU) for a counter, and reap threads once they exited.
// Layer 4: ktests of the scheduler and of everything above it use them.
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"
#include "sched/scheduler.h"

namespace viper::ktest {

inline constexpr uint64_t kSecond = 1000000000ull;

// Sleeps until `done` reaches `want` (true) or `timeout_ns` passed (false).
bool wait_for(Atomic<uint32_t>& done, uint32_t want, uint64_t timeout_ns);

// The affinity mask of one CPU, wrapping around on smaller machines.
uint64_t cpu_mask(uint32_t cpu);

// Reaps each thread as soon as it is off its CPU.
void reap_all(sched::Thread** threads, uint32_t count);

}  // namespace viper::ktest
