// Thread context for AArch64: what a switch saves. Everything else is on
// the thread's own stack (caller-saved registers by the C++ calling
// convention, an interrupted thread's full state in its exception frame).
//
// User threads also own TPIDR_EL0 (their TLS pointer), SP_EL0 (their
// stack pointer, so the system-call short path can return without writing
// it: vectors.S) and the FP/SIMD registers: kernel code is built with -mgeneral-regs-only, so those
// registers still hold the user's values whenever the kernel runs, and a
// switch saves them eagerly for a thread that has user state and restores
// them for the next one that does (docs/userspace.md says why eager: the
// lazy CPACR trap costs an exception on the first FP instruction after
// nearly every switch, and printf touches q0-q7 even for "%d").
#pragma once

#include <stdint.h>

namespace viper::arch {

struct alignas(16) UserRegisters {
  uint64_t tpidr_el0;
  uint64_t fpcr;
  uint64_t fpsr;
  uint64_t sp_el0;
  unsigned __int128 v[32];
};
static_assert(sizeof(UserRegisters) == 32 + 32 * 16);

struct Context {
  uint64_t x19_to_x29[11];
  uint64_t x30;  // where the switch "returns" to
  uint64_t sp;
  uint64_t has_user_state;  // nonzero: `user` is saved and restored
  UserRegisters user;
};
// The offsets switch.S uses.
static_assert(__builtin_offsetof(Context, has_user_state) == 104);
static_assert(__builtin_offsetof(Context, user) == 112);

// A context that starts at `entry` (with x19 = argument) on `stack_top`.
void init_context(Context& context, uint64_t stack_top, void (*entry)(), uint64_t argument);

}  // namespace viper::arch

// Saves the callee-saved state into `from` and resumes `to`. Returns when
// something switches back to `from`.
extern "C" void arch_switch_context(viper::arch::Context* from, const viper::arch::Context* to);
