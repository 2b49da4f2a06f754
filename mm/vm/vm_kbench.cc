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

}  // namespace
}  // namespace viper::ktest
