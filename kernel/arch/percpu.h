// The per-CPU block: one per CPU, reached through arch::this_cpu() (TPIDR_EL1
// on AArch64, a thread binding on the host). Anything that is "the current
// X" lives here, never in a global (RC-001, ARCH-002).
#pragma once

#include <stdint.h>

#include "kernel/lib/atomic.h"

namespace viper {
namespace sched {
class Task;
}  // namespace sched

namespace arch {

// One lock the CPU holds, as recorded by lockdep (kernel/lib/lockdep.h).
struct HeldLockRecord {
  const void* lock;
  const void* lock_class;
  uint64_t order_key;  // for same-class nesting
};

inline constexpr uint32_t kMaxHeldLocks = 16;

struct PerCpu {
  // Top of a small stack for reporting a kernel stack overflow; the
  // exception vectors read it at offset 0 (boot_defs.h PERCPU_OVERFLOW_STACK).
  uint64_t overflow_stack_top = 0;
  uint32_t cpu_id = 0;
  uint64_t hardware_id = 0;  // MPIDR affinity on AArch64
  sched::Task* current_task = nullptr;
  sched::Task* idle_task = nullptr;    // this CPU's boot context, run when nothing else is
  sched::Task* switch_prev = nullptr;  // the task this CPU is switching away from
  Atomic<uint32_t> need_resched{0};    // set by the tick or an IPI; checked on IRQ return

  // Lockdep: the locks this CPU holds, innermost last.
  HeldLockRecord held_locks[kMaxHeldLocks] = {};
  uint32_t held_lock_count = 0;

  // Host backend only: the simulated TTBR0. (Its interrupt mask is a
  // thread-local of the backend: a host CPU is one thread for its life.)
  uint64_t host_user_translation = 0;
};

}  // namespace arch
}  // namespace viper
