// In-kernel tests of what boot brings up: every CPU the device tree lists,
// each with its own per-CPU block, and the kernel's own page tables.
#include "kernel/arch/arch.h"
#include "kernel/boot/platform.h"
#include "kernel/boot/smp.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/printk.h"

extern "C" char __kernel_text_start[], __kernel_rodata_start[], __kernel_data_start[];
extern "C" const uint64_t boot_image_phys_start;

namespace viper::boot {
namespace {

KTEST(smp, every_listed_cpu_is_online) {
  KEXPECT(t, cpus_online() == platform().machine.cpu_count);
}

// RC-001 / ARCH-002 on the hardware: every CPU reads its own "current
// task" at the same time, many times, and never sees another CPU's; the
// current tasks of all CPUs are distinct.
sched::Task* g_current_seen[arch::kMaxCpus];

KTEST_ALL_CPUS(smp, RC001_ARCH002_current_task_is_per_cpu) {
  arch::InterruptsDisabled no_switch;  // the current task cannot change now
  arch::PerCpu* mine = arch::this_cpu();
  KEXPECT(t, mine == &percpu(mine->cpu_id));
  sched::Task* current = mine->current_task;
  KEXPECT(t, current != nullptr);
  g_current_seen[mine->cpu_id] = current;
  for (int round = 0; round < 20000; ++round) {
    arch::cpu_relax();
    KEXPECT(t, arch::this_cpu() == mine);
    KEXPECT(t, arch::this_cpu()->current_task == current);
  }
}

KTEST(smp, RC001_ARCH002_current_tasks_are_distinct) {
  const uint32_t cpus = cpus_online();
  for (uint32_t a = 0; a < cpus; ++a) {
    for (uint32_t b = a + 1; b < cpus; ++b) KEXPECT(t, g_current_seen[a] != g_current_seen[b]);
  }
}

// Address translation as the MMU does it: true if `va` is accessible for
// `write`, from EL1, right now.
bool accessible(const void* va, bool write) {
  uint64_t par;
  if (write) {
    asm volatile("at s1e1w, %1\n isb\n mrs %0, par_el1" : "=r"(par) : "r"(va) : "memory");
  } else {
    asm volatile("at s1e1r, %1\n isb\n mrs %0, par_el1" : "=r"(par) : "r"(va) : "memory");
  }
  return (par & 1) == 0;
}

KTEST(mmu, kernel_sections_have_their_permissions) {
  static int writable_data = 1;
  KEXPECT(t, accessible(__kernel_text_start, false));
  KEXPECT(t, !accessible(__kernel_text_start, true));
  KEXPECT(t, accessible(__kernel_rodata_start, false));
  KEXPECT(t, !accessible(__kernel_rodata_start, true));
  KEXPECT(t, accessible(&writable_data, true));
}

KTEST(mmu, no_identity_map_after_boot) {
  const void* identity = reinterpret_cast<const void*>(boot_image_phys_start);
  KEXPECT(t, !accessible(identity, false));
}

KTEST(mmu, all_ram_is_in_the_direct_map) {
  const MachineDescription& m = platform().machine;
  for (uint32_t i = 0; i < m.memory_count; ++i) {
    const PhysAddr last = m.memory[i].base + (m.memory[i].size - kPageSize);
    KEXPECT(t, accessible(arch::phys_to_virt(m.memory[i].base).as<void>(), true));
    KEXPECT(t, accessible(arch::phys_to_virt(last).as<void>(), true));
  }
}

}  // namespace
}  // namespace viper::boot

namespace viper::boot {
namespace {

// Every CPU panics at the same moment; exactly one report must come out
// (the QEMU test fails on a second VIPER-PANIC line).
KTEST_ALL_CPUS(smp, panics_on_every_cpu_at_once) {
  static Atomic<uint32_t> arrived{0};
  arrived.fetch_add(1, MemoryOrder::kAcqRel);
  while (arrived.load(MemoryOrder::kAcquire) < cpus_online()) arch::cpu_relax();
  panic("simultaneous panic on cpu%u", arch::cpu_id());
}

}  // namespace
}  // namespace viper::boot
