// In-guest benchmark of what an address-space switch costs under QEMU TCG
// (kbench suite; it measures, never asserts on time), the parts of the
// channel call's round trip that docs/performance.md had attributed "by
// subtraction": the TTBR0 write itself, with and without a change of
// ASID (QEMU 7.2 flushes its whole soft TLB, the kernel's entries too,
// when the ASID changes), and what each distinct 4 KiB page then costs
// the first time it is touched again: kernel data (the direct map is 2 MiB
// blocks, but QEMU's TLB holds 4 KiB entries), user data, and kernel code
// (a TLB fill plus a lookup of every translated block: the flush empties
// QEMU's jump cache too). Every variant runs in one boot, interrupts
// masked, round-robin, the minimum over the rounds kept: load on the host
// cannot favour one variant. Each prints
//   KBENCH <name> <value> <unit>
#include "kernel/arch/arch.h"
#include "kernel/lib/kbench.h"
#include "kernel/lib/ktest.h"
#include "mm/kheap/global.h"
#include "mm/vm/user_memory.h"
#include "sched/scheduler.h"

// kPages `ret`s, each at the start of its own page (this file is in the
// test kernel only), so calling them touches that many code pages.
asm(R"(
    .pushsection .text.kbench_code_pages, "ax"
    .balign 4096
    .global kbench_code_pages
kbench_code_pages:
    .rept 32
    ret
    .balign 4096
    .endr
    .global kbench_code_blocks
kbench_code_blocks:
    .rept 32
    ret
    .balign 64
    .endr
    .popsection
)");
extern "C" char kbench_code_pages[];
// And kPages `ret`s 64 bytes apart in one page: as many translated blocks,
// each reached by an indirect call (a jump-cache lookup, a hash-table
// lookup after a flush), one code page.
extern "C" char kbench_code_blocks[];

namespace viper::ktest {
namespace {

constexpr uint32_t kPages = 32;  // as many as .rept above
constexpr uint32_t kIterations = 200;
constexpr uint32_t kRounds = 10;
const VirtAddr kUserRegion(0x0000'2000'0000'0000);

enum class Switch { kNone, kSameValue, kBaseOnly, kAsid, kActivation };
enum class Touch { kNothing, kKernelData, kUserData, kKernelCode, kKernelBlocks };

struct Setup {
  mm::AddressSpace* a;
  mm::AddressSpace* b;
  uint64_t ttbr_a, ttbr_b, ttbr_b_root_a_asid;
  volatile uint8_t* kernel_pages[kPages];
};

uint64_t ttbr_of(mm::AddressSpace* space) {
  return space->tables().root().value() | (uint64_t{space->tables().asid()} << 48);
}

void write_ttbr0(uint64_t value) {
  asm volatile("dsb ish\n msr ttbr0_el1, %0\n isb" : : "r"(value) : "memory");
}

// One iteration: away from A and back (two TTBR0 writes, or none), then
// the pages. So every variant ends in A with its real ASID.
void iterate(const Setup& s, Switch sw, Touch touch) {
  switch (sw) {
    case Switch::kNone:
      break;
    case Switch::kSameValue:
      write_ttbr0(s.ttbr_a);
      write_ttbr0(s.ttbr_a);
      break;
    case Switch::kBaseOnly:  // B's tables under A's ASID: nothing is touched meanwhile
      write_ttbr0(s.ttbr_b_root_a_asid);
      write_ttbr0(s.ttbr_a);
      break;
    case Switch::kAsid:
      write_ttbr0(s.ttbr_b);
      write_ttbr0(s.ttbr_a);
      break;
    case Switch::kActivation:  // what a context switch does (mm/vm/user_memory.cc)
      mm::switch_address_space(s.b);
      mm::switch_address_space(s.a);
      break;
  }
  for (uint32_t page = 0; page < kPages; ++page) {
    switch (touch) {
      case Touch::kNothing:
        return;
      case Touch::kKernelData:
        (void)s.kernel_pages[page][0];
        break;
      case Touch::kUserData:
        (void)(kUserRegion + page * kPageSize).as<volatile uint8_t>()[0];
        break;
      case Touch::kKernelCode:
        reinterpret_cast<void (*)()>(kbench_code_pages + page * kPageSize)();
        break;
      case Touch::kKernelBlocks:
        reinterpret_cast<void (*)()>(kbench_code_blocks + page * 64)();
        break;
    }
  }
}

struct Variant {
  const char* name;
  Switch sw;
  Touch touch;
  uint64_t best_ns = ~uint64_t{0};
};

// A save/restore pair inside a section that is masked already (an
// IrqSpinlock taken in a system call or by the scheduler): arch's, which
// writes nothing then, against the unconditional mask and DAIF write.
void irq_save_restore_masked() {
  constexpr uint32_t kPairs = 2000;
  uint64_t arch_best = ~uint64_t{0}, writing_best = ~uint64_t{0};
  arch::InterruptsDisabled masked;
  for (uint32_t round = 0; round < kRounds; ++round) {
    uint64_t start = arch::uptime_ns();
    for (uint32_t i = 0; i < kPairs; ++i) arch::irq_restore(arch::irq_save());
    uint64_t ns = (arch::uptime_ns() - start) * 1000 / kPairs;
    if (ns < arch_best) arch_best = ns;
    start = arch::uptime_ns();
    for (uint32_t i = 0; i < kPairs; ++i) {
      uint64_t daif;
      asm volatile("mrs %0, daif\n msr daifset, #2\n msr daif, %0" : "=&r"(daif) : : "memory");
    }
    ns = (arch::uptime_ns() - start) * 1000 / kPairs;
    if (ns < writing_best) writing_best = ns;
  }
  kbench_report("irq_save_restore_masked_ps", arch_best, "ps");
  kbench_report("irq_save_restore_masked_writing_daif_ps", writing_best, "ps");
}

KTEST(bench, address_space_switch) {
  Setup s{};
  s.a = mm::AddressSpace::create(mm::physical_memory()).value();
  s.b = mm::AddressSpace::create(mm::physical_memory()).value();
  (void)s.a->map_anonymous(kUserRegion, kPages * kPageSize, mm::kProtRead | mm::kProtWrite);
  sched::set_address_space(s.b);  // gives B its ASID
  sched::set_address_space(s.a);
  for (uint32_t page = 0; page < kPages; ++page) {
    (kUserRegion + page * kPageSize).as<volatile uint8_t>()[0] = 1;  // faulted in now
    s.kernel_pages[page] =
        arch::phys_to_virt(mm::physical_memory().alloc_page().value()).as<volatile uint8_t>();
  }
  s.ttbr_a = ttbr_of(s.a);
  s.ttbr_b = ttbr_of(s.b);
  s.ttbr_b_root_a_asid = s.b->tables().root().value() | (s.ttbr_a & (uint64_t{0xffff} << 48));

  Variant variants[] = {
      {"switch_loop_only_ns", Switch::kNone, Touch::kNothing},
      {"switch_ttbr0_same_value_ns", Switch::kSameValue, Touch::kNothing},
      {"switch_ttbr0_base_only_ns", Switch::kBaseOnly, Touch::kNothing},
      {"switch_ttbr0_asid_change_ns", Switch::kAsid, Touch::kNothing},
      {"switch_activation_ns", Switch::kActivation, Touch::kNothing},
      {"switch_none_32_kernel_data_pages_ns", Switch::kNone, Touch::kKernelData},
      {"switch_asid_32_kernel_data_pages_ns", Switch::kAsid, Touch::kKernelData},
      {"switch_none_32_user_data_pages_ns", Switch::kNone, Touch::kUserData},
      {"switch_asid_32_user_data_pages_ns", Switch::kAsid, Touch::kUserData},
      {"switch_none_32_kernel_code_pages_ns", Switch::kNone, Touch::kKernelCode},
      {"switch_asid_32_kernel_code_pages_ns", Switch::kAsid, Touch::kKernelCode},
      {"switch_none_32_blocks_one_page_ns", Switch::kNone, Touch::kKernelBlocks},
      {"switch_asid_32_blocks_one_page_ns", Switch::kAsid, Touch::kKernelBlocks},
  };
  for (uint32_t round = 0; round < kRounds; ++round) {
    for (Variant& v : variants) {
      arch::InterruptsDisabled masked;
      const uint64_t start = arch::uptime_ns();
      for (uint32_t i = 0; i < kIterations; ++i) iterate(s, v.sw, v.touch);
      const uint64_t ns = (arch::uptime_ns() - start) / kIterations;
      if (ns < v.best_ns) v.best_ns = ns;
    }
  }
  // The base-only variant left walks of B's tables under A's ASID (none
  // touched a page, but a speculative walk may have): drop them.
  arch::tlb_flush_asid_local(s.a->tables().asid());
  for (const Variant& v : variants) kbench_report(v.name, v.best_ns, "ns");

  // Per page: what a page costs after a switch beyond the switch itself,
  // and the same page's cost when its entry is still there.
  auto per_page = [&](int with, int without) {
    const uint64_t after = variants[with].best_ns - variants[3].best_ns;
    return (after - variants[without].best_ns + variants[0].best_ns) / kPages;
  };
  kbench_report("switch_refill_per_kernel_data_page_ns", per_page(6, 5), "ns");
  kbench_report("switch_refill_per_user_data_page_ns", per_page(8, 7), "ns");
  kbench_report("switch_refill_per_kernel_code_page_ns", per_page(10, 9), "ns");
  // One code page, 32 blocks: what each further block costs after a flush.
  kbench_report("switch_refill_per_translated_block_ns", per_page(12, 11), "ns");

  sched::set_address_space(nullptr);
  irq_save_restore_masked();
  for (uint32_t page = 0; page < kPages; ++page)
    (void)mm::physical_memory().free_page(
        arch::virt_to_phys(VirtAddr(reinterpret_cast<uint64_t>(s.kernel_pages[page]))));
  mm::destroy_address_space(s.a);
  mm::destroy_address_space(s.b);
}

}  // namespace
}  // namespace viper::ktest
