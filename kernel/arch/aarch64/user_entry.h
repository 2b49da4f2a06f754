// Entering EL0 (AArch64 only; user space proper arrives with the loader).
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"

extern "C" [[noreturn]] void arch_enter_user(uint64_t pc, uint64_t sp, uint64_t arg0, uint64_t arg1,
                                             uint64_t tls);
extern "C" void arch_sync_instruction_cache(uint64_t start, uint64_t end);

namespace viper::arch {

// TPIDR_EL0 starts as `tls` (the thread's TLS pointer), FP/SIMD at zero.
[[noreturn]] inline void enter_user(VirtAddr pc, VirtAddr sp, uint64_t arg0, uint64_t arg1,
                                    uint64_t tls = 0) {
  arch_enter_user(pc.value(), sp.value(), arg0, arg1, tls);
}

// After writing code through data accesses, before it runs.
inline void sync_instruction_cache(VirtAddr start, uint64_t bytes) {
  arch_sync_instruction_cache(start.value(), start.value() + bytes);
}

}  // namespace viper::arch
