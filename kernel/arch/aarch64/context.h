// Kernel thread context for AArch64: what a switch saves. Everything else
// is on the thread's own stack (caller-saved registers by the C++ calling
// convention, an interrupted thread's full state in its exception frame).
// FP/SIMD registers are not saved: kernel code is built with
// -mgeneral-regs-only; user tasks will save theirs lazily on first use
// (CPACR_EL1.FPEN traps) when user space arrives.
#pragma once

#include <stdint.h>

namespace viper::arch {

struct Context {
  uint64_t x19_to_x29[11];
  uint64_t x30;  // where the switch "returns" to
  uint64_t sp;
};
static_assert(sizeof(Context) == 13 * 8);

// A context that starts at `entry` (with x19 = argument) on `stack_top`.
void init_context(Context& context, uint64_t stack_top, void (*entry)(), uint64_t argument);

}  // namespace viper::arch

// Saves the callee-saved state into `from` and resumes `to`. Returns when
// something switches back to `from`.
extern "C" void arch_switch_context(viper::arch::Context* from, const viper::arch::Context* to);
