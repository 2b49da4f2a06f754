// The arch seam: the only way subsystem code reaches the CPU. Two backends
// implement it (chosen by Bazel from the target platform):
//
//   aarch64  TPIDR_EL1 per-CPU pointer, DAIF, dmb/dsb, CNTVCT, WFI.
//   host     a "CPU" is a thread bound to a per-CPU block; physical memory is
//            an mmap'd arena whose physical addresses differ from the
//            virtual addresses of its direct map.
//
// Every backend provides, in namespace viper::arch:
//
//   constexpr uint32_t kMaxCpus;
//   PerCpu* this_cpu();                 uint32_t cpu_id();
//   IrqState irq_save();                void irq_restore(IrqState);
//   bool irqs_enabled();
//   void cpu_relax();                   void halt_until_interrupt();
//   void spin_backoff(uint32_t attempt);  one step of waiting for a lock
//   void memory_barrier();              (full barrier, all CPUs)
//   uint64_t cycles();                  CPU cycle counter
//   uint64_t counter_ticks();           uint64_t counter_frequency();
//   VirtAddr phys_to_virt(PhysAddr);    PhysAddr virt_to_phys(VirtAddr);
//   bool is_direct_map(VirtAddr);       may virt_to_phys be asked about it?
//   void early_console_write(const char*, size_t);  before a console exists
//   User translation (TTBR0) and TLB maintenance, for mm:vmm:
//   uint32_t asid_count();                      ASIDs the CPUs implement
//   void enable_user_translation(PhysAddr empty_root);  this CPU, once
//   void set_user_translation(PhysAddr root, uint16_t asid);  this CPU
//   void tlb_flush_user_page(uint16_t asid, VirtAddr);  all CPUs
//   void tlb_flush_asid(uint16_t asid);                 all CPUs
//   void tlb_flush_local_all();                         this CPU
//   void tlb_flush_user_page_local(uint16_t asid, VirtAddr);  this CPU
//   void tlb_flush_asid_local(uint16_t asid);                 this CPU
//   void table_entries_written();  before the walker may see new entries
//   void zero_page(VirtAddr);      one page of the direct map, fastest way
//   void zero_page_dc_zva(VirtAddr);  the same with DC ZVA (benchmarks)
//   [[noreturn]] void stop_machine_failed();   ends the machine after a panic
//   [[noreturn]] void halt_forever();
#pragma once

#include "kernel/arch/backend/arch_inline.h"
#include "kernel/arch/percpu.h"

namespace viper::arch {

// Nanoseconds since the counter started.
inline uint64_t uptime_ns() {
  const uint64_t ticks = counter_ticks();
  const uint64_t freq = counter_frequency();
  return (ticks / freq) * 1000000000ull + (ticks % freq) * 1000000000ull / freq;
}

// Disables interrupts for its scope.
class InterruptsDisabled {
 public:
  InterruptsDisabled() : saved_(irq_save()) {}
  ~InterruptsDisabled() { irq_restore(saved_); }
  InterruptsDisabled(const InterruptsDisabled&) = delete;
  InterruptsDisabled& operator=(const InterruptsDisabled&) = delete;

 private:
  IrqState saved_;
};

}  // namespace viper::arch
