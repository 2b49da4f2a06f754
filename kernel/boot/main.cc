// kernel_main: the boot CPU's path from the boot stub to an idle SMP kernel
// (docs/boot.md has the sequence and the memory map).
#include <stdint.h>

#include "drivers/pl011/pl011.h"
#include "kernel/arch/aarch64/mmu.h"
#include "kernel/arch/arch.h"
#include "kernel/boot/boot_alloc.h"
#include "kernel/boot/cmdline.h"
#include "kernel/boot/disks.h"
#include "kernel/boot/interrupts.h"
#include "kernel/boot/ktest_entry.h"
#include "kernel/boot/machine.h"
#include "kernel/boot/nics.h"
#include "kernel/boot/platform.h"
#include "kernel/boot/smp.h"
#include "kernel/boot/user_space.h"
#include "kernel/boot/version.h"
#include "kernel/boot/virtio_devices.h"
#include "kernel/lib/fdt.h"
#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"
#include "mm/kheap/global.h"
#include "sched/scheduler.h"

extern "C" const uint64_t boot_image_phys_start;
extern "C" char __kernel_text_start[], __kernel_rodata_start[], __kernel_data_start[],
    __kernel_end[];

namespace viper::boot {
namespace {

// Before the device tree is read, the console is QEMU virt's PL011 (mapped
// by the boot page tables). Only a malformed DTB is ever reported there.
constexpr PhysAddr kEarlyUart{0x09000000};
// Where QEMU virt puts the DTB when the loader does not pass its address.
constexpr PhysAddr kVirtDtb{0x40000000};

drivers::Pl011 g_console{nullptr};

void console_writer(const char* text, size_t length) { g_console.Write(text, length); }

PhysAddr phys_of(const char* symbol) { return arch::virt_to_phys(VirtAddr(symbol)); }

Result<PhysAddr> allocate_table_page() { return boot_allocator().allocate(PageCount(1)); }

Result<PhysAddr> allocate_zeroed_page() {
  const PhysAddr page = TRY(mm::physical_memory().alloc_pages(0));
  uint64_t* words = arch::phys_to_virt(page).as<uint64_t>();
  for (uint64_t i = 0; i < kPageSize / 8; ++i) words[i] = 0;
  return page;
}

void check(Status status, const char* what) {
  if (!status.ok()) panic("%s failed: %s", what, error_name(status.error()));
}

const MemoryRange* range_containing(const MachineDescription& m, PhysAddr address) {
  for (uint32_t i = 0; i < m.memory_count; ++i) {
    if (address >= m.memory[i].base && address < m.memory[i].base + m.memory[i].size) {
      return &m.memory[i];
    }
  }
  return nullptr;
}

void map_device(arch::mmu::KernelTables& tables, const MmioRegion& region) {
  const PhysAddr base = region.base.page_base();
  const uint64_t size = align_up(region.base.value() + region.size, kPageSize) - base.value();
  check(tables.map(arch::phys_to_virt(base), base, size, arch::mmu::Memory::kDevice),
        "mapping a device");
}

// Builds the kernel's own tables: the image with per-section permissions,
// all RAM read-write and never executable, and the devices the kernel uses.
arch::mmu::KernelTables& build_kernel_tables(const MachineDescription& m) {
  using arch::mmu::Memory;
  static arch::mmu::KernelTables tables(&allocate_table_page);
  check(tables.create_root(), "allocating the kernel page table root");
  const PhysAddr image = PhysAddr(boot_image_phys_start);
  const PhysAddr text = phys_of(__kernel_text_start);
  const PhysAddr rodata = phys_of(__kernel_rodata_start);
  const PhysAddr data = phys_of(__kernel_data_start);
  const PhysAddr end = phys_of(__kernel_end);
  struct Section {
    PhysAddr from, to;
    Memory memory;
  } const sections[] = {
      {image, text, Memory::kData},  // boot stub and boot tables
      {text, rodata, Memory::kText},
      {rodata, data, Memory::kRodata},
      {data, end, Memory::kData},
  };
  for (const Section& s : sections) {
    check(tables.map(arch::phys_to_virt(s.from), s.from, s.to - s.from, s.memory),
          "mapping the kernel image");
  }
  for (uint32_t i = 0; i < m.memory_count; ++i) {
    const PhysAddr from = m.memory[i].base;
    const PhysAddr to = from + m.memory[i].size;
    // RAM around the image; the image itself is mapped above.
    if (image > from) {
      const PhysAddr stop = image < to ? image : to;
      check(tables.map(arch::phys_to_virt(from), from, stop - from, Memory::kData), "mapping RAM");
    }
    if (to > end) {
      const PhysAddr start = end > from ? end : from;
      check(tables.map(arch::phys_to_virt(start), start, to - start, Memory::kData), "mapping RAM");
    }
  }
  map_device(tables, m.uart);
  if (m.rtc.size != 0) map_device(tables, m.rtc);
  map_device(tables, m.gic_distributor);
  map_device(tables, m.gic_redistributors);
  // The virtio-mmio slots share pages (0x200 apart on virt): one mapping
  // spans them all.
  if (m.virtio_count != 0) {
    MmioRegion span = m.virtio[0];
    PhysAddr end = span.base + span.size;
    for (uint32_t i = 1; i < m.virtio_count; ++i) {
      if (m.virtio[i].base < span.base) span.base = m.virtio[i].base;
      if (m.virtio[i].base + m.virtio[i].size > end) end = m.virtio[i].base + m.virtio[i].size;
    }
    span.size = end - span.base;
    map_device(tables, span);
  }
  return tables;
}

// The first kernel thread: runs what the command line asks for.
char g_ktest_filter[128];
bool g_run_ktests = false;
bool g_power_off = false;

const char* g_bootargs = nullptr;

void init_thread(void*) {
  start_virtio_devices();
  if (g_run_ktests) power_off(run_ktests(g_ktest_filter));
  if (g_power_off) power_off(0);
  run_init(CommandLine(g_bootargs));  // returns only without a boot archive
  printk(LogLevel::kInfo, "idle");
}

const MachineDescription& read_device_tree(uint64_t dtb_argument) {
  const PhysAddr dtb = dtb_argument ? PhysAddr(dtb_argument) : kVirtDtb;
  const PhysAddr image = PhysAddr(boot_image_phys_start);
  // The DTB must sit below the image (where QEMU puts it) or in the first
  // GiB after it; the boot tables map 1-4 GiB.
  const uint64_t available = dtb < image ? image - dtb : (1ull << 20);
  const char* reason = nullptr;
  Result<MachineDescription> machine =
      describe_machine(arch::phys_to_virt(dtb).as<const void>(), available, &reason);
  if (!machine.ok()) {
    panic("malformed device tree at 0x%llx: %s", static_cast<unsigned long long>(dtb.value()),
          reason);
  }
  platform().machine = machine.value();
  platform().dtb = dtb;
  platform().dtb_size = fdt::read_be32(arch::phys_to_virt(dtb).as<const uint8_t>() + 4);
  return platform().machine;
}

struct Interval {
  PhysAddr from, to;
};

// Pieces of RAM smaller than this are not handed to the page allocator.
constexpr uint64_t kSmallestZoneBytes = 64 * 1024;

// Hands RAM to the page allocator, minus the kernel image with everything
// the boot allocator gave out, and minus the device tree.
void init_memory(const MachineDescription& m, PhysAddr boot_end) {
  const Platform& p = platform();
  const Interval reserved[] = {
      {PhysAddr(boot_image_phys_start), boot_end},
      {p.dtb.page_base(), PhysAddr(align_up((p.dtb + p.dtb_size).value(), kPageSize))},
      // The boot archive stays where the loader put it; the kernel serves
      // it read-only from there.
      {m.initrd.base.page_base(),
       PhysAddr(align_up((m.initrd.base + m.initrd.size).value(), kPageSize))},
  };
  mm::PhysicalMemory& pmm = mm::physical_memory();
  for (uint32_t i = 0; i < m.memory_count; ++i) {
    // Cut the reserved intervals out of the range, left to right.
    PhysAddr from = m.memory[i].base;
    const PhysAddr to = from + m.memory[i].size;
    while (from < to) {
      PhysAddr stop = to;
      PhysAddr resume = to;
      for (const Interval& r : reserved) {
        if (r.to > from && r.from < stop) {
          stop = r.from > from ? r.from : from;
          resume = r.to;
        }
      }
      // A sliver between two reserved intervals (the kernel's end and the
      // boot archive QEMU put just after it, say) may not even hold its own
      // page descriptors, and would spend one of the few zones: skipped.
      // Found when the archive's size left a 3-page gap and boot panicked.
      if (stop > from && stop - from >= kSmallestZoneBytes) {
        check(pmm.add_range(from, stop - from), "adding RAM to the page allocator");
      } else if (stop > from) {
        printk(LogLevel::kInfo, "memory: %llu bytes at 0x%llx left out (too small for a zone)",
               static_cast<unsigned long long>(stop - from),
               static_cast<unsigned long long>(from.value()));
      }
      from = resume > stop ? resume : to;
    }
  }
  check(mm::kernel_heap().init(pmm), "kernel heap init");
  const mm::MemoryStats stats = pmm.stats();
  printk(LogLevel::kInfo, "memory: %llu MiB free, %llu KiB reserved for page descriptors",
         static_cast<unsigned long long>(stats.free_pages * kPageSize >> 20),
         static_cast<unsigned long long>(stats.reserved_pages * kPageSize >> 10));
}

}  // namespace

// The production image's run_ktests (ktest_entry.h): the test image
// replaces it.
[[gnu::weak]] int run_ktests(const char* filter) {
  printk(LogLevel::kError, "ktest=%s: this image has no ktests; boot //kernel:test_image", filter);
  return 2;
}

Platform& platform() {
  static Platform instance;
  return instance;
}

void power_off(int exit_code) {
  report_disks();
  report_nics();
  char line[32];
  const size_t n = format(line, sizeof(line), "VIPER-EXIT %d\n", exit_code);
  console_write(line, n);
  arch::psci::system_off(platform().psci);
  panic("PSCI SYSTEM_OFF returned");
}

}  // namespace viper::boot

extern "C" [[noreturn]] void kernel_main(uint64_t dtb_address, uint64_t entry_el) {
  using namespace viper;
  using namespace viper::boot;
  init_boot_cpu();
  g_console = drivers::Pl011(arch::phys_to_virt(kEarlyUart).as<volatile uint32_t>());
  g_console.Init();
  set_console_writer(&console_writer);

  Platform& p = platform();
  p.entry_el = entry_el;
  const MachineDescription& m = read_device_tree(dtb_address);
  if (m.uart.base != kEarlyUart) {
    g_console = drivers::Pl011(arch::phys_to_virt(m.uart.base).as<volatile uint32_t>());
    g_console.Init();
  }
  p.psci = m.psci == PsciConduit::kSmc ? arch::psci::Conduit::kSmc : arch::psci::Conduit::kHvc;
  const CommandLine cmdline(m.bootargs);
  p.timer_hz = static_cast<uint32_t>(cmdline.get_number("hz", 100, 10, 1000));
  if (m.gic_version != 3) {
    panic("GICv%u is not supported: boot with -M virt,gic-version=3", m.gic_version);
  }

  const PhysAddr image_end = arch::virt_to_phys(VirtAddr(__kernel_end));
  const MemoryRange* home = range_containing(m, image_end);
  if (!home) panic("the kernel image is not in RAM the device tree lists");
  // The boot allocator takes pages right after the image, up to whatever
  // the loader put above it (the DTB, the initrd) or the end of that RAM.
  PhysAddr boot_limit = home->base + home->size;
  const PhysAddr loaded_above[] = {p.dtb, m.initrd.base};
  for (const PhysAddr above : loaded_above) {
    if (above.value() >= image_end.value() && above.value() < boot_limit.value()) {
      boot_limit = above.page_base();
    }
  }
  boot_allocator().init(image_end, boot_limit);
  arch::mmu::KernelTables& tables = build_kernel_tables(m);
  tables.activate();
  arch::mmu::set_kernel_tables(&tables);

  check(p.gic.init(arch::phys_to_virt(m.gic_distributor.base),
                   arch::phys_to_virt(m.gic_redistributors.base), m.gic_redistributors.size),
        "GIC distributor init");
  install_interrupt_handlers();
  install_user_space_hooks();
  set_panic_stopper(&stop_other_cpus);
  start_secondary_cpus(tables.root().value());
  init_memory(m, boot_allocator().high_water());
  tables.set_allocator(&allocate_zeroed_page);  // the boot allocator is done
  arch::irq_enable();

  char banner[160];
  const size_t n =
      format(banner, sizeof(banner),
             "ViperDOS %s (aarch64): %llu MiB RAM, %u of %u CPUs online, timer %u "
             "Hz, entered at EL%llu\n",
             kVersion, static_cast<unsigned long long>(m.total_memory() >> 20), cpus_online(),
             m.cpu_count, p.timer_hz, static_cast<unsigned long long>(entry_el));
  console_write(banner, n);

  g_bootargs = m.bootargs;
  g_run_ktests = cmdline.get("ktest", g_ktest_filter, sizeof(g_ktest_filter));
  char flag[8];
  g_power_off = cmdline.get("poweroff", flag, sizeof(flag));
  // The ktest runner drives CPUs 1.. through cross-CPU calls, so it stays
  // on CPU 0; every CPU's boot context becomes its idle thread.
  start_scheduling(&init_thread);
}
