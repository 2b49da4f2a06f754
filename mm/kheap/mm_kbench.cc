// In-guest allocator benchmarks (kbench suite: they measure, never assert
// on time): the slab and kmalloc pairs of mm/allocator_bench.cc on the
// real machine, and what one atomic exchange costs there against a plain
// load and store (Cortex-A72 has no LSE atomics: an exchange is an
// exclusive-monitor loop, which QEMU emulates). Each prints
//   KBENCH <name> <value> <unit>
#include "kernel/arch/arch.h"
#include "kernel/lib/kbench.h"
#include "kernel/lib/ktest.h"
#include "mm/kheap/global.h"
#include "mm/slab/slab_cache.h"

namespace viper::ktest {
namespace {

constexpr uint64_t kPairs = 200000;

template <class F>
uint64_t ns_per_round(uint64_t rounds, F&& f) {
  const uint64_t start = arch::uptime_ns();
  for (uint64_t i = 0; i < rounds; ++i) f();
  return (arch::uptime_ns() - start) / rounds;
}

KTEST(bench, allocator_pairs) {
  mm::SlabCache cache("bench.64", 64, 8);
  KEXPECT(t, cache.init(mm::physical_memory()).ok());
  kbench_report("slab_pair_64_ns",
                ns_per_round(kPairs,
                             [&] {
                               void* p = cache.alloc().value();
                               asm volatile("" : : "r"(p) : "memory");
                               (void)cache.free(p);
                             }),
                "ns");
  cache.reclaim();
  mm::KernelHeap& heap = mm::kernel_heap();
  kbench_report("kmalloc_pair_64_ns",
                ns_per_round(kPairs,
                             [&] {
                               void* p = heap.kmalloc(64).value();
                               asm volatile("" : : "r"(p) : "memory");
                               heap.kfree(p);
                             }),
                "ns");
  // The MS-001 step alone, and the plain step it would be without the
  // guarantee: the difference is one read-modify-write in the guest.
  Atomic<uint8_t> state{0};
  kbench_report("atomic_exchange_byte_ns",
                ns_per_round(kPairs,
                             [&] {
                               state.store(1, MemoryOrder::kRelease);
                               asm volatile("" : : : "memory");
                               (void)state.exchange(0, MemoryOrder::kAcqRel);
                             }),
                "ns");
  kbench_report("plain_store_load_byte_ns",
                ns_per_round(kPairs,
                             [&] {
                               state.store(1, MemoryOrder::kRelease);
                               asm volatile("" : : : "memory");
                               (void)state.load(MemoryOrder::kAcquire);
                               state.store(0, MemoryOrder::kRelease);
                             }),
                "ns");
  // The fast path's other steps: both sides of a pair mask interrupts and
  // find their CPU's magazine. From a thread with interrupts enabled (this
  // loop) that is msr daifset, then msr daif to restore; inside a masked
  // section (a system call, the scheduler) the save and restore write
  // nothing (kernel/arch/aarch64/arch_inline.h).
  kbench_report("irq_save_restore_ns",
                ns_per_round(kPairs,
                             [] {
                               arch::InterruptsDisabled no_irqs;
                               asm volatile("" : : : "memory");
                             }),
                "ns");
  // Where a save and restore goes under QEMU TCG, one instruction at a
  // time (this file is built for AArch64 only): the read of DAIF, the mask
  // (msr daifset), the restore as a write of DAIF, and the unmask as msr
  // daifclr, which restores the same state when only the I bit changed.
  kbench_report(
      "irq_mask_unmask_daifclr_ns",
      ns_per_round(kPairs,
                   [] {
                     uint64_t daif;
                     asm volatile("mrs %0, daif\n msr daifset, #2" : "=r"(daif)::"memory");
                     if ((daif & (1u << 7)) == 0) asm volatile("msr daifclr, #2" ::: "memory");
                   }),
      "ns");
  {
    arch::InterruptsDisabled no_irqs;  // the steps below leave interrupts masked
    kbench_report("daif_read_ns",
                  ns_per_round(kPairs,
                               [] {
                                 uint64_t daif;
                                 asm volatile("mrs %0, daif" : "=r"(daif)::"memory");
                               }),
                  "ns");
    kbench_report("daifset_ns",
                  ns_per_round(kPairs,
                               [] {
                                 asm volatile("msr daifset, #2" ::: "memory");
                               }),
                  "ns");
    kbench_report("daif_write_masked_ns",
                  ns_per_round(kPairs,
                               [] {
                                 uint64_t daif;
                                 asm volatile("mrs %0, daif\n msr daif, %0" : "=r"(daif)::"memory");
                               }),
                  "ns");
  }
  uint64_t sum = 0;
  kbench_report("cpu_id_ns",
                ns_per_round(kPairs,
                             [&] {
                               sum += arch::cpu_id();
                               asm volatile("" : : : "memory");
                             }),
                "ns");
  KEXPECT(t, sum < kPairs * arch::kMaxCpus);
}

}  // namespace
}  // namespace viper::ktest
