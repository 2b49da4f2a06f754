#include "kernel/arch/aarch64/psci.h"

namespace viper::arch::psci {
namespace {

constexpr uint64_t kCpuOn64 = 0xc4000003;
constexpr uint64_t kSystemOff = 0x84000008;
constexpr uint64_t kSystemReset = 0x84000009;

int64_t call(Conduit conduit, uint64_t function, uint64_t a1, uint64_t a2, uint64_t a3) {
  register uint64_t x0 asm("x0") = function;
  register uint64_t x1 asm("x1") = a1;
  register uint64_t x2 asm("x2") = a2;
  register uint64_t x3 asm("x3") = a3;
  if (conduit == Conduit::kHvc) {
    asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
  } else {
    asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
  }
  return static_cast<int64_t>(x0);
}

}  // namespace

int64_t cpu_on(Conduit conduit, uint64_t target, PhysAddr entry, uint64_t context) {
  return call(conduit, kCpuOn64, target, entry.value(), context);
}

void system_off(Conduit conduit) { call(conduit, kSystemOff, 0, 0, 0); }

void system_reset(Conduit conduit) { call(conduit, kSystemReset, 0, 0, 0); }

const char* error_name(int64_t status) {
  switch (status) {
    case 0:
      return "SUCCESS";
    case -1:
      return "NOT_SUPPORTED";
    case -2:
      return "INVALID_PARAMETERS";
    case -3:
      return "DENIED";
    case -4:
      return "ALREADY_ON";
    case -5:
      return "ON_PENDING";
    case -6:
      return "INTERNAL_FAILURE";
    case -9:
      return "INVALID_ADDRESS";
    default:
      return "UNKNOWN";
  }
}

}  // namespace viper::arch::psci
