// The AArch64 backend on the hardware (QEMU): uptime follows the counter,
// interrupt masking nests, and an unexpected exception is reported and
// panics.
#include "kernel/arch/arch.h"
#include "kernel/lib/format.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/printk.h"

namespace viper::ktest {
namespace {

void wait_ns(uint64_t ns) {
  const uint64_t until = arch::uptime_ns() + ns;
  while (arch::uptime_ns() < until) arch::halt_until_interrupt();
}

// Prints kernel uptime twice, 5 s apart by the counter; the QEMU test
// compares the two against the host's wall clock (harness --check_clock).
KTEST(clock, uptime_follows_the_counter) {
  char line[48];
  size_t n = format(line, sizeof(line), "VIPER-CLOCK %llu\n",
                    static_cast<unsigned long long>(arch::uptime_ns()));
  console_write(line, n);
  wait_ns(5000000000ull);
  n = format(line, sizeof(line), "VIPER-CLOCK %llu\n",
             static_cast<unsigned long long>(arch::uptime_ns()));
  console_write(line, n);
}

// A save masks, its restore gives back what the save found; a save inside
// a masked section and its restore (which write nothing, arch_inline.h)
// leave the section masked. Kernel threads run with interrupts on.
KTEST(irqs, saves_and_restores_nest) {
  KEXPECT(t, arch::irqs_enabled());
  const arch::IrqState outer = arch::irq_save();
  KEXPECT(t, !arch::irqs_enabled());
  const arch::IrqState inner = arch::irq_save();
  KEXPECT(t, !arch::irqs_enabled());
  {
    arch::InterruptsDisabled innermost;
    KEXPECT(t, !arch::irqs_enabled());
  }
  KEXPECT(t, !arch::irqs_enabled());
  arch::irq_restore(inner);
  KEXPECT(t, !arch::irqs_enabled());
  arch::irq_restore(outer);
  KEXPECT(t, arch::irqs_enabled());
  {
    arch::InterruptsDisabled again;
    KEXPECT(t, !arch::irqs_enabled());
  }
  KEXPECT(t, arch::irqs_enabled());
}

// Ends the run: the exception report and a panic are the expected output
// (selected only by its exact name; see ktest_runner.cc).
KTEST(exceptions, panics_on_unmapped_kernel_read) {
  volatile uint64_t* unmapped = reinterpret_cast<volatile uint64_t*>(0xffff800000000000ull);
  KEXPECT(t, *unmapped == 0);
}

}  // namespace
}  // namespace viper::ktest
