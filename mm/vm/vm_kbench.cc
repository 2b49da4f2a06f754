// In-guest VM benchmarks (kbench suite; they measure, never assert on
// time): first-touch faults, copy-on-write faults, clone, map + unmap.
// Times from the generic timer's counter; each prints
//   KBENCH <name> <value> <unit>
#include "kernel/arch/arch.h"
#include "kernel/arch/user_access.h"
#include "kernel/lib/kbench.h"
#include "kernel/lib/ktest.h"
#include "kernel/lib/printk.h"
#include "mm/kheap/global.h"
#include "mm/vm/user_memory.h"
#include "sched/scheduler.h"

namespace viper::ktest {
namespace {

constexpr uint32_t kRw = mm::kProtRead | mm::kProtWrite;
const VirtAddr kRegion(0x0000'2000'0000'0000);

void touch(VirtAddr va) { va.as<volatile uint8_t>()[0] = 1; }

KTEST(bench, vm_faults_clone_and_map) {
  constexpr uint64_t kPages = 1024;
  mm::AddressSpace* space = mm::AddressSpace::create(mm::physical_memory()).value();
  (void)space->map_anonymous(kRegion, kPages * kPageSize, kRw);
  sched::set_address_space(space);

  // Per page of a sequential first-touch pass (with fault-around: one
  // fault per kFaultAroundPages pages; vm_fault_around compares).
  uint64_t start = arch::uptime_ns();
  for (uint64_t page = 0; page < kPages; ++page) touch(kRegion + page * kPageSize);
  kbench_report("vm_first_touch_fault_ns", (arch::uptime_ns() - start) / kPages, "ns");

  start = arch::uptime_ns();
  mm::AddressSpace* clone = space->clone().value();
  kbench_report("vm_clone_1024_pages_ns", arch::uptime_ns() - start, "ns");

  // Writes in the parent: every page is shared, so each write copies.
  start = arch::uptime_ns();
  for (uint64_t page = 0; page < kPages; ++page) touch(kRegion + page * kPageSize);
  kbench_report("vm_cow_fault_copy_ns", (arch::uptime_ns() - start) / kPages, "ns");

  // Writes in the clone: now the last sharer, each write takes the page over.
  sched::set_address_space(clone);
  start = arch::uptime_ns();
  for (uint64_t page = 0; page < kPages; ++page) touch(kRegion + page * kPageSize);
  kbench_report("vm_cow_fault_take_over_ns", (arch::uptime_ns() - start) / kPages, "ns");
  sched::set_address_space(nullptr);
  mm::destroy_address_space(clone);

  // Map + touch + unmap of 1 MiB.
  sched::set_address_space(space);
  constexpr int kRounds = 20;
  const VirtAddr mib(0x0000'3000'0000'0000);
  start = arch::uptime_ns();
  for (int round = 0; round < kRounds; ++round) {
    (void)space->map_anonymous(mib, 1 << 20, kRw);
    for (uint64_t page = 0; page < 256; ++page) touch(mib + page * kPageSize);
    (void)space->unmap(mib, 1 << 20);
  }
  kbench_report("vm_map_touch_unmap_1mib_ns", (arch::uptime_ns() - start) / kRounds, "ns");
  start = arch::uptime_ns();
  for (int round = 0; round < kRounds; ++round) {
    (void)space->map_anonymous(mib, 1 << 20, kRw);
    (void)space->unmap(mib, 1 << 20);
  }
  kbench_report("vm_map_unmap_1mib_untouched_ns", (arch::uptime_ns() - start) / kRounds, "ns");
  sched::set_address_space(nullptr);
  mm::destroy_address_space(space);
}

// A fork-sized clone: a space shaped like bin/bench's (42 resident pages
// at fork: a 64 MiB heap with 8 touched, an 8 MiB stack with 4, 30 pages
// of text and data), cloned and the clone destroyed, 50 times. The VMAs
// are large and sparse: the cost follows the tables scanned, not the pages.
KTEST(bench, vm_clone_sparse_space) {
  mm::AddressSpace* space = mm::AddressSpace::create(mm::physical_memory()).value();
  const VirtAddr text(0x400000), heap(0x0000'1000'0000'0000), stack_top(0x0000'7000'0000'0000);
  (void)space->map_anonymous(text, 30 * kPageSize, kRw);
  (void)space->map_anonymous(heap, 64ull << 20, kRw);
  (void)space->map_stack(stack_top, 8ull << 20);
  sched::set_address_space(space);
  for (uint64_t i = 0; i < 30; ++i) touch(text + i * kPageSize);
  for (uint64_t i = 0; i < 8; ++i) touch(heap + i * kPageSize);
  for (uint64_t i = 1; i <= 4; ++i) touch(stack_top - i * kPageSize);
  sched::set_address_space(nullptr);
  constexpr int kRounds = 50;
  uint64_t cloning = 0, destroying = 0;
  for (int round = 0; round < kRounds; ++round) {
    uint64_t start = arch::uptime_ns();
    mm::AddressSpace* clone = space->clone().value();
    cloning += arch::uptime_ns() - start;
    start = arch::uptime_ns();
    mm::destroy_address_space(clone);
    destroying += arch::uptime_ns() - start;
  }
  kbench_report("vm_clone_sparse_space_ns", cloning / kRounds, "ns");
  kbench_report("vm_destroy_sparse_clone_ns", destroying / kRounds, "ns");
  kbench_report("vm_sparse_space_resident_pages", space->resident_pages(), "pages");
  mm::destroy_address_space(space);
}

// Fault-around against one page per fault, same boot, same frames: after
// a warm-up pass (so QEMU's host has backed the frames), passes over 2048
// pages alternate around / single / single / around ...; each pass maps,
// touches every page once, and unmaps (not timed).
uint64_t first_touch_pass(mm::AddressSpace* space, uint32_t around) {
  constexpr uint64_t kPages = 2048;
  const VirtAddr region(0x0000'2200'0000'0000);
  (void)space->map_anonymous(region, kPages * kPageSize, kRw);
  mm::AddressSpace::fault_around_pages = around;
  const uint64_t start = arch::uptime_ns();
  for (uint64_t page = 0; page < kPages; ++page) touch(region + page * kPageSize);
  const uint64_t ns = (arch::uptime_ns() - start) / kPages;
  mm::AddressSpace::fault_around_pages = mm::kFaultAroundPages;
  (void)space->unmap(region, kPages * kPageSize);
  return ns;
}

KTEST(bench, vm_fault_around) {
  mm::AddressSpace* space = mm::AddressSpace::create(mm::physical_memory()).value();
  sched::set_address_space(space);
  (void)first_touch_pass(space, 1);
  constexpr int kRounds = 4;
  uint64_t around = 0, single = 0;
  for (int round = 0; round < kRounds; ++round) {
    if (round % 2 == 0) {
      around += first_touch_pass(space, mm::kFaultAroundPages);
      single += first_touch_pass(space, 1);
    } else {
      single += first_touch_pass(space, 1);
      around += first_touch_pass(space, mm::kFaultAroundPages);
    }
  }
  kbench_report("vm_first_touch_with_fault_around_ns", around / kRounds, "ns");
  kbench_report("vm_first_touch_one_page_per_fault_ns", single / kRounds, "ns");
  sched::set_address_space(nullptr);
  mm::destroy_address_space(space);
}

// Where a first-touch and a copy-on-write fault's time goes, step by step,
// in one boot (docs/performance.md, issue 16). Each step runs alone over
// kSteps fresh pages; "fault_handler" is AddressSpace::handle_fault called
// directly, so the "touch" figure minus it is the exception round trip
// (entry, dispatch, the retried store) of an EL1 fault on a user address.
KTEST(bench, vm_fault_steps) {
  constexpr uint64_t kSteps = 512;  // one leaf table's worth
  mm::PhysicalMemory& memory = mm::physical_memory();
  mm::AddressSpace* space = mm::AddressSpace::create(memory).value();
  const VirtAddr touched(0x0000'2000'0000'0000), handled(0x0000'2000'1000'0000),
      mapped(0x0000'2000'2000'0000);
  (void)space->map_anonymous(touched, kSteps * kPageSize, kRw);
  (void)space->map_anonymous(handled, kSteps * kPageSize, kRw);
  sched::set_address_space(space);
  static PhysAddr frames[kSteps];
  mm::AddressSpace::fault_around_pages = 1;  // one fault per page here

  // Tables first, so every step below finds them (one leaf table each).
  touch(touched);
  (void)space->handle_fault(handled, mm::Access::kWrite);
  (void)space->tables().map(mapped, memory.alloc_page().value(), kRw);

  uint64_t start = arch::uptime_ns();
  for (uint64_t i = 1; i < kSteps; ++i) touch(touched + i * kPageSize);
  kbench_report("vm_step_touch_fault_ns", (arch::uptime_ns() - start) / (kSteps - 1), "ns");

  start = arch::uptime_ns();
  for (uint64_t i = 1; i < kSteps; ++i) {
    (void)space->handle_fault(handled + i * kPageSize, mm::Access::kWrite);
  }
  kbench_report("vm_step_fault_handler_ns", (arch::uptime_ns() - start) / (kSteps - 1), "ns");

  start = arch::uptime_ns();
  for (uint64_t i = 0; i < kSteps; ++i) frames[i] = memory.alloc_page().value();
  kbench_report("vm_step_alloc_page_ns", (arch::uptime_ns() - start) / kSteps, "ns");

  start = arch::uptime_ns();
  for (uint64_t i = 0; i < kSteps; ++i) arch::zero_page(arch::phys_to_virt(frames[i]));
  kbench_report("vm_step_zero_fresh_page_ns", (arch::uptime_ns() - start) / kSteps, "ns");

  start = arch::uptime_ns();
  for (uint64_t i = 1; i < kSteps; ++i) (void)space->tables().probe(mapped + i * kPageSize);
  kbench_report("vm_step_probe_ns", (arch::uptime_ns() - start) / (kSteps - 1), "ns");

  start = arch::uptime_ns();
  for (uint64_t i = 1; i < kSteps; ++i) (void)space->vma_at(handled + i * kPageSize);
  kbench_report("vm_step_vma_lock_and_find_ns", (arch::uptime_ns() - start) / (kSteps - 1), "ns");

  start = arch::uptime_ns();
  for (uint64_t i = 1; i < kSteps; ++i) (void)space->tables().lookup(mapped + i * kPageSize);
  kbench_report("vm_step_lookup_unmapped_ns", (arch::uptime_ns() - start) / (kSteps - 1), "ns");

  start = arch::uptime_ns();
  for (uint64_t i = 1; i < kSteps; ++i) {
    (void)space->tables().map(mapped + i * kPageSize, frames[i], kRw);
  }
  kbench_report("vm_step_map_ns", (arch::uptime_ns() - start) / (kSteps - 1), "ns");

  // A valid -> valid change: break-before-make with one TLBI VAE1IS.
  start = arch::uptime_ns();
  for (uint64_t i = 1; i < kSteps; ++i) {
    (void)space->tables().replace(mapped + i * kPageSize, frames[i], kRw, /*cow=*/false);
  }
  kbench_report("vm_step_replace_with_tlbi_ns", (arch::uptime_ns() - start) / (kSteps - 1), "ns");

  start = arch::uptime_ns();
  for (uint64_t i = 1; i < kSteps; ++i) {
    __builtin_memcpy(arch::phys_to_virt(frames[i]).as<void>(),
                     arch::phys_to_virt(frames[i - 1]).as<void>(), kPageSize);
  }
  kbench_report("vm_step_copy_page_ns", (arch::uptime_ns() - start) / (kSteps - 1), "ns");

  // The pages mapped outside any VMA are this test's to take back.
  sched::set_address_space(nullptr);
  (void)memory.free_page(space->tables().unmap(mapped).value().frame);
  for (uint64_t i = 1; i < kSteps; ++i) (void)space->tables().unmap(mapped + i * kPageSize);
  for (uint64_t i = 0; i < kSteps; ++i) (void)memory.free_page(frames[i]);
  mm::destroy_address_space(space);
  mm::AddressSpace::fault_around_pages = mm::kFaultAroundPages;
}

// What a fault's page work costs, in one boot (so host speed drifts cancel):
// zeroing a page with DC ZVA (arch::zero_page_dc_zva), with the kernel's
// memset (64-byte stp blocks; arch::zero_page), with byte stores (the memset before issue 16), and
// copying a page with memcpy and with byte loads and stores.
KTEST(bench, vm_page_zero_and_copy) {
  constexpr int kRounds = 2000;
  const PhysAddr a = mm::physical_memory().alloc_page().value();
  const PhysAddr b = mm::physical_memory().alloc_page().value();
  const VirtAddr va = arch::phys_to_virt(a), vb = arch::phys_to_virt(b);

  uint64_t start = arch::uptime_ns();
  for (int i = 0; i < kRounds; ++i) arch::zero_page_dc_zva(va);
  kbench_report("vm_zero_page_dc_zva_ns", (arch::uptime_ns() - start) / kRounds, "ns");

  start = arch::uptime_ns();
  for (int i = 0; i < kRounds; ++i) __builtin_memset(va.as<void>(), 0, kPageSize);
  kbench_report("vm_zero_page_memset_ns", (arch::uptime_ns() - start) / kRounds, "ns");

  start = arch::uptime_ns();
  for (int i = 0; i < kRounds; ++i) {
    volatile uint8_t* bytes = va.as<volatile uint8_t>();
    for (uint64_t k = 0; k < kPageSize; ++k) bytes[k] = 0;
  }
  kbench_report("vm_zero_page_byte_stores_ns", (arch::uptime_ns() - start) / kRounds, "ns");

  start = arch::uptime_ns();
  for (int i = 0; i < kRounds; ++i) __builtin_memcpy(vb.as<void>(), va.as<void>(), kPageSize);
  kbench_report("vm_copy_page_memcpy_ns", (arch::uptime_ns() - start) / kRounds, "ns");

  start = arch::uptime_ns();
  for (int i = 0; i < kRounds; ++i) {
    volatile uint8_t* to = vb.as<volatile uint8_t>();
    const volatile uint8_t* from = va.as<volatile uint8_t>();
    for (uint64_t k = 0; k < kPageSize; ++k) to[k] = from[k];
  }
  kbench_report("vm_copy_page_byte_loop_ns", (arch::uptime_ns() - start) / kRounds, "ns");

  (void)mm::physical_memory().free_page(a);
  (void)mm::physical_memory().free_page(b);
}

}  // namespace
}  // namespace viper::ktest
