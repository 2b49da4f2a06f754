// The running thread's FP/SIMD registers, saved and loaded in place (for
// signal frames; a context switch has its own copy in switch.S).
#pragma once

#include <stdint.h>

namespace viper::arch {

struct alignas(16) FpState {
  uint64_t fpcr;
  uint64_t fpsr;
  unsigned __int128 v[32];
};
static_assert(sizeof(FpState) == 16 + 32 * 16);

}  // namespace viper::arch

extern "C" void arch_fp_save(viper::arch::FpState* state);
extern "C" void arch_fp_load(const viper::arch::FpState* state);
