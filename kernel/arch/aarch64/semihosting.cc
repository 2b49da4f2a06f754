#include "kernel/arch/aarch64/semihosting.h"

namespace viper::arch::semihosting {
namespace {

constexpr uint64_t kSysExit = 0x18;
constexpr uint64_t kAdpStoppedApplicationExit = 0x20026;

}  // namespace

void Exit(uint32_t status) {
  // On AArch64, SYS_EXIT takes a pointer to {reason, subcode}.
  const uint64_t block[2] = {kAdpStoppedApplicationExit, status};
  register uint64_t x0 asm("x0") = kSysExit;
  register const uint64_t* x1 asm("x1") = block;
  asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
  for (;;) asm volatile("wfe");
}

}  // namespace viper::arch::semihosting
