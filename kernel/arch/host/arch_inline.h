// Host backend of the arch seam (see kernel/arch/arch.h). A CPU is a host
// thread: each thread that touches per-CPU state is bound, on first use, to
// a free per-CPU block and keeps it until it exits.
#pragma once

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <x86intrin.h>

#include "kernel/arch/percpu.h"
#include "kernel/lib/addr.h"

namespace viper::arch {

inline constexpr uint32_t kMaxCpus = 64;

// Binds the calling thread to a CPU on first use (host_cpu.cc).
PerCpu* this_cpu();
inline uint32_t cpu_id() { return this_cpu()->cpu_id; }

using IrqState = bool;
inline IrqState irq_save() {
  PerCpu* cpu = this_cpu();
  const bool was_enabled = cpu->host_irqs_enabled;
  cpu->host_irqs_enabled = false;
  return was_enabled;
}
inline void irq_restore(IrqState state) { this_cpu()->host_irqs_enabled = state; }
inline bool irqs_enabled() { return this_cpu()->host_irqs_enabled; }

// Host CPUs are threads that share fewer real cores: a spinning "CPU" must
// let the holder run, or a ticket lock crawls.
inline void cpu_relax() { sched_yield(); }
// A host CPU has no interrupts to wait for; let another thread run.
inline void halt_until_interrupt() { sched_yield(); }
inline void memory_barrier() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

inline uint64_t cycles() { return __rdtsc(); }
inline uint64_t counter_ticks() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000ull + static_cast<uint64_t>(now.tv_nsec);
}
inline uint64_t counter_frequency() { return 1000000000ull; }

// The direct map of the simulated physical arena (host_phys_arena.h).
VirtAddr phys_to_virt(PhysAddr phys);
PhysAddr virt_to_phys(VirtAddr virt);
// Whether `virt` is inside the direct map (virt_to_phys of anything else
// is a bug and aborts).
bool is_direct_map(VirtAddr virt);

// Console of last resort before a writer is installed: stderr.
void early_console_write(const char* text, size_t length);

[[noreturn]] void stop_machine_failed();
[[noreturn]] void halt_forever();

}  // namespace viper::arch
