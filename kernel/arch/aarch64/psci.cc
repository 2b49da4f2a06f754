#include "kernel/arch/aarch64/psci.h"

namespace viper::arch::psci {
namespace {

constexpr uint64_t kSystemOff = 0x84000008;  // PSCI 0.2 SYSTEM_OFF (SMC32)

uint64_t Call(Conduit conduit, uint64_t function) {
  register uint64_t x0 asm("x0") = function;
  if (conduit == Conduit::kHvc) {
    asm volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
  } else {
    asm volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
  }
  return x0;
}

}  // namespace

void SystemOff(Conduit conduit) { Call(conduit, kSystemOff); }

}  // namespace viper::arch::psci
