// AArch64 backend of the arch seam (see kernel/arch/arch.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/percpu.h"
#include "kernel/lib/addr.h"

namespace viper::arch {

inline constexpr uint32_t kMaxCpus = 8;

// All RAM is mapped at kDirectMapBase + physical address (TTBR1, see
// docs/boot.md); the kernel image lives inside that map.
inline constexpr uint64_t kDirectMapBase = 0xffff000000000000ull;
inline constexpr uint64_t kDirectMapSize = 1ull << 47;

#define VIPER_READ_SYSREG(reg)                                 \
  ({                                                           \
    uint64_t viper_sysreg_value_;                              \
    asm volatile("mrs %0, " #reg : "=r"(viper_sysreg_value_)); \
    viper_sysreg_value_;                                       \
  })
#define VIPER_WRITE_SYSREG(reg, value) \
  asm volatile("msr " #reg ", %0" : : "r"(static_cast<uint64_t>(value)) : "memory")

inline PerCpu* this_cpu() { return reinterpret_cast<PerCpu*>(VIPER_READ_SYSREG(tpidr_el1)); }
inline uint32_t cpu_id() { return this_cpu()->cpu_id; }

// Saves and restores nest: what runs between a save and its restore
// leaves interrupts as it found them (masked), so a restore of a masked
// state has nothing to do, and a save inside a masked section (every
// exception handler, every system call, the scheduler) need not mask
// again. Under QEMU TCG each DAIF write is a helper call and `msr daif`
// also ends the translation block: 48.8 ns a pair against 4.6
// (KBENCH irq_save_restore_masked_*, ipc/switch_kbench.cc), and each
// direction of a channel call took 9 such pairs, all inside masked
// sections (docs/ipc.md, "The round trip's pages").
using IrqState = uint64_t;  // saved DAIF
inline constexpr uint64_t kDaifIrqMasked = uint64_t{1} << 7;
inline IrqState irq_save() {
  const uint64_t daif = VIPER_READ_SYSREG(daif);
  if ((daif & kDaifIrqMasked) == 0) asm volatile("msr daifset, #2" : : : "memory");
  asm volatile("" : : : "memory");  // the critical section starts here either way
  return daif;
}
inline void irq_restore(IrqState state) {
  asm volatile("" : : : "memory");
  if ((state & kDaifIrqMasked) == 0) VIPER_WRITE_SYSREG(daif, state);
}
inline bool irqs_enabled() { return (VIPER_READ_SYSREG(daif) & kDaifIrqMasked) == 0; }
inline void irq_enable() { asm volatile("msr daifclr, #2" : : : "memory"); }

inline void cpu_relax() { asm volatile("yield" : : : "memory"); }
inline void spin_backoff(uint32_t) { cpu_relax(); }
inline void halt_until_interrupt() { asm volatile("dsb sy\n wfi" : : : "memory"); }
inline void memory_barrier() { asm volatile("dmb ish" : : : "memory"); }

inline uint64_t cycles() { return VIPER_READ_SYSREG(pmccntr_el0); }
inline uint64_t counter_ticks() {
  asm volatile("isb" : : : "memory");  // do not let the read happen early
  return VIPER_READ_SYSREG(cntvct_el0);
}
inline uint64_t counter_frequency() { return VIPER_READ_SYSREG(cntfrq_el0); }

inline VirtAddr phys_to_virt(PhysAddr phys) { return VirtAddr(kDirectMapBase + phys.value()); }
inline PhysAddr virt_to_phys(VirtAddr virt) { return PhysAddr(virt.value() - kDirectMapBase); }
inline bool is_direct_map(VirtAddr virt) {
  return virt.value() >= kDirectMapBase && virt.value() - kDirectMapBase < kDirectMapSize;
}

// Before the console driver is up there is nowhere to write.
inline void early_console_write(const char*, size_t) {}

// How many ASIDs the CPU implements (ID_AA64MMFR0_EL1.ASIDBits).
inline uint32_t asid_count() {
  return ((VIPER_READ_SYSREG(id_aa64mmfr0_el1) >> 4) & 0xf) == 2 ? 1u << 16 : 1u << 8;
}

// Turns on TTBR0 walks (boot leaves TCR_EL1.EPD0 set) with `empty_root`,
// a table that maps nothing, under ASID 0.
inline void enable_user_translation(PhysAddr empty_root) {
  VIPER_WRITE_SYSREG(ttbr0_el1, empty_root.value());
  asm volatile("isb" : : : "memory");
  VIPER_WRITE_SYSREG(tcr_el1, VIPER_READ_SYSREG(tcr_el1) & ~(uint64_t{1} << 7));
  asm volatile("isb\n tlbi vmalle1\n dsb nsh\n isb" : : : "memory");
}

// TTBR0_EL1 holds the user root table and its ASID (TCR_EL1.AS: 16 bits).
// The dsb completes the caller's earlier stores (the space's new ASID)
// before any table walk under the new translation can happen.
inline void set_user_translation(PhysAddr root, uint16_t asid) {
  asm volatile("dsb ish" : : : "memory");
  VIPER_WRITE_SYSREG(ttbr0_el1, root.value() | (static_cast<uint64_t>(asid) << 48));
  asm volatile("isb" : : : "memory");
}
// Broadcast invalidations (inner shareable): every CPU's TLB drops them.
// The dsb before makes the table write visible to other walkers first.
inline void tlb_flush_user_page(uint16_t asid, VirtAddr va) {
  const uint64_t operand =
      (static_cast<uint64_t>(asid) << 48) | ((va.value() >> 12) & ((1ull << 44) - 1));
  asm volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish\n isb" : : "r"(operand) : "memory");
}
inline void tlb_flush_asid(uint16_t asid) {
  asm volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb"
               :
               : "r"(static_cast<uint64_t>(asid) << 48)
               : "memory");
}
// This CPU only (non-shareable): for a space no other CPU ever ran, whose
// ASID no other TLB holds. Under QEMU TCG a broadcast makes every vCPU stop
// and flush (~12 us, KBENCH vm_step_replace_with_tlbi); these do not.
inline void tlb_flush_user_page_local(uint16_t asid, VirtAddr va) {
  const uint64_t operand =
      (static_cast<uint64_t>(asid) << 48) | ((va.value() >> 12) & ((1ull << 44) - 1));
  asm volatile("dsb ishst\n tlbi vae1, %0\n dsb nsh\n isb" : : "r"(operand) : "memory");
}
inline void tlb_flush_asid_local(uint16_t asid) {
  asm volatile("dsb ishst\n tlbi aside1, %0\n dsb nsh\n isb"
               :
               : "r"(static_cast<uint64_t>(asid) << 48)
               : "memory");
}
inline void tlb_flush_local_all() {
  asm volatile("dsb nshst\n tlbi vmalle1\n dsb nsh\n isb" : : : "memory");
}
inline void table_entries_written() { asm volatile("dsb ishst\n isb" : : : "memory"); }

// Zeroes one page of the direct map with the kernel's memset (64-byte stp
// blocks, kernel/lib/freestanding.cc): measured under QEMU TCG (KBENCH vm_zero_page_*,
// docs/performance.md) at 0.42-0.46 us a page, where DC ZVA takes 1.0-4.0 us: TCG
// runs each DC ZVA as a helper call that probes the TLB and zeroes one
// block, while stores stay inline. On hardware DC ZVA usually wins;
// zero_page_dc_zva keeps it measurable for when ViperDOS runs there.
inline void zero_page(VirtAddr page) { __builtin_memset(page.as<void>(), 0, kPageSize); }

// DC ZVA zeroes a block of DCZID_EL0's size (4 << BS bytes: 64 on a
// Cortex-A72) per instruction; DZP set prohibits it (then stores). The
// direct map is Normal memory, which DC ZVA requires, and its writes are
// ordered like stores, so table_entries_written() still publishes a table.
inline void zero_page_dc_zva(VirtAddr page) {
  const uint64_t dczid = VIPER_READ_SYSREG(dczid_el0);
  uint8_t* bytes = page.as<uint8_t>();
  if (dczid & (1u << 4)) {
    __builtin_memset(bytes, 0, kPageSize);
    return;
  }
  const uint64_t block = uint64_t{4} << (dczid & 0xf);
  for (uint64_t offset = 0; offset < kPageSize; offset += block)
    asm volatile("dc zva, %0" : : "r"(bytes + offset) : "memory");
}

[[noreturn]] void stop_machine_failed();
[[noreturn]] inline void halt_forever() {
  asm volatile("msr daifset, #0xf" : : : "memory");
  for (;;) asm volatile("wfi");
}

}  // namespace viper::arch
