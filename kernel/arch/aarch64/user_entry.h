// Entering EL0 (AArch64 only; user space proper arrives with the loader).
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"

extern "C" [[noreturn]] void arch_enter_user(uint64_t pc, uint64_t sp, uint64_t arg0, uint64_t arg1,
                                             uint64_t tls);
extern "C" void arch_sync_instruction_cache(uint64_t start, uint64_t end);

namespace viper::arch {
struct ExceptionFrame;  // exception.h
}
// Returns to EL0 with every register, SP_EL0, ELR and SPSR from `frame`
// (laid out as an exception saved it: boot_defs.h's FRAME_*). FP/SIMD and
// TPIDR_EL0 are left as they are: the caller loads them first.
extern "C" [[noreturn]] void arch_resume_user(const viper::arch::ExceptionFrame* frame);

namespace viper::arch {

// TPIDR_EL0 starts as `tls` (the thread's TLS pointer), FP/SIMD at zero.
[[noreturn]] inline void enter_user(VirtAddr pc, VirtAddr sp, uint64_t arg0, uint64_t arg1,
                                    uint64_t tls = 0) {
  arch_enter_user(pc.value(), sp.value(), arg0, arg1, tls);
}

// The running thread's user TLS pointer (TPIDR_EL0). The kernel never
// uses it, so between exceptions it still holds the user's value.
inline uint64_t user_tls() {
  uint64_t value;
  asm volatile("mrs %0, tpidr_el0" : "=r"(value));
  return value;
}
inline void set_user_tls(uint64_t value) { asm volatile("msr tpidr_el0, %0" : : "r"(value)); }

// After writing code through data accesses, before it runs.
inline void sync_instruction_cache(VirtAddr start, uint64_t bytes) {
  arch_sync_instruction_cache(start.value(), start.value() + bytes);
}

}  // namespace viper::arch
