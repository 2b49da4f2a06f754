// kernel_main: the C++ side of boot. For now it brings up the console,
// prints the banner and powers the machine off through PSCI; the
// higher-half SMP boot replaces the middle of this file.
#include <stdint.h>

#include "drivers/pl011/pl011.h"
#include "kernel/arch/aarch64/psci.h"
#include "kernel/arch/aarch64/semihosting.h"
#include "kernel/boot/version.h"

namespace viper {
namespace {

// QEMU virt's PL011. Fixed here until the device-tree parser supplies it.
constexpr uintptr_t kBootUartBase = 0x09000000;

}  // namespace
}  // namespace viper

extern "C" [[noreturn]] void kernel_main(uint64_t dtb_address, uint64_t entry_el) {
  (void)dtb_address;
  viper::drivers::Pl011 console(reinterpret_cast<volatile uint32_t*>(viper::kBootUartBase));
  console.Init();
  console.Write("\nViperDOS ");
  console.Write(viper::kVersion);
  console.Write(" (aarch64, entered at EL");
  console.PutChar(static_cast<char>('0' + entry_el));
  console.Write(")\n");
  console.Write("powering off\nVIPER-EXIT 0\n");

  // Entered at EL2, the kernel owns EL2 and PSCI answers at EL3 (SMC);
  // entered at EL1, QEMU answers HVC.
  const auto conduit =
      entry_el == 2 ? viper::arch::psci::Conduit::kSmc : viper::arch::psci::Conduit::kHvc;
  viper::arch::psci::SystemOff(conduit);

  // Firmware refused to power off: end the QEMU run with a failure.
  console.Write("VIPER-PANIC: PSCI SYSTEM_OFF returned\n");
  viper::arch::semihosting::Exit(1);
}
