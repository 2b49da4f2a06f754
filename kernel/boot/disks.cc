#include "kernel/boot/disks.h"

#include "drivers/virtio/registers.h"
#include "kernel/arch/arch.h"
#include "kernel/boot/platform.h"
#include "kernel/boot/smp.h"
#include "kernel/lib/printk.h"
#include "mm/kheap/make.h"
#include "mm/pmm/physical_memory.h"

namespace viper::boot {
namespace {

struct Disk {
  Disk(volatile uint32_t* base, uint32_t index, uint32_t irq_line)
      : registers(base), blk(registers, index), irq(irq_line) {}
  drivers::virtio::MmioRegisters registers;
  drivers::VirtioBlk blk;
  uint32_t irq;
};

// Written by start_disks before any disk interrupt is enabled, read-only
// afterwards.
Disk* g_disks[kMaxDisks] = {};
uint32_t g_disk_count = 0;

uint32_t order_for(size_t bytes) {
  uint32_t order = 0;
  while ((kPageSize << order) < bytes) ++order;
  return order;
}

}  // namespace

// Zeroed, physically contiguous pages the device reaches by DMA; they
// belong to the device for the kernel's lifetime.
Result<drivers::virtio::DmaRegion> dma_pages(size_t bytes) {
  const uint32_t order = order_for(bytes);
  const PhysAddr base = TRY(mm::physical_memory().alloc_pages(order));
  uint8_t* virt = arch::phys_to_virt(base).as<uint8_t>();
  __builtin_memset(virt, 0, kPageSize << order);
  return drivers::virtio::DmaRegion{virt, base.value(), kPageSize << order};
}

Status start_disk(const VirtioSlot& virtio) {
  const MmioRegion& slot = virtio.region;
  if (g_disk_count == kMaxDisks) return Error::kNoSpace;
  const uint32_t index = g_disk_count;
  if (slot.irq < 32) return Error::kNotSupported;  // completion needs the interrupt
  const drivers::virtio::DmaRegion queue = TRY(dma_pages(drivers::VirtioBlk::queue_bytes()));
  const drivers::virtio::DmaRegion slots = TRY(dma_pages(drivers::VirtioBlk::slot_bytes()));
  mm::Own<Disk> disk =
      TRY(mm::make<Disk>(arch::phys_to_virt(slot.base).as<volatile uint32_t>(), index, slot.irq));
  TRY(disk->blk.start(queue, slots));
  const object::BlockDeviceInfo info = disk->blk.info();
  printk(LogLevel::kInfo, "disk %u: virtio-blk v%u at 0x%llx irq %u, %llu sectors%s%s%s", index,
         virtio.version, static_cast<unsigned long long>(slot.base.value()), slot.irq,
         static_cast<unsigned long long>(info.sectors), info.read_only ? ", read-only" : "",
         info.can_flush ? ", flush" : "", disk->blk.uses_indirect() ? ", indirect" : "");
  g_disks[g_disk_count++] = disk.leak();
  return ok_status();
}

void enable_disk_interrupts() {
  Platform& p = platform();
  for (uint32_t i = 0; i < g_disk_count; ++i) {
    p.gic.enable_shared(g_disks[i]->irq, 0x80, percpu(0).hardware_id);
  }
}

uint32_t disk_count() { return g_disk_count; }
drivers::VirtioBlk& disk(uint32_t index) { return g_disks[index]->blk; }

void report_disks() {
  for (uint32_t i = 0; i < g_disk_count; ++i) {
    const drivers::VirtioBlk& blk = g_disks[i]->blk;
    const object::BlockDeviceInfo info = blk.info();
    printk(LogLevel::kInfo,
           "disk %u: %llu reads, %llu writes, %llu errors; %llu completions in %llu interrupts", i,
           static_cast<unsigned long long>(info.reads),
           static_cast<unsigned long long>(info.writes),
           static_cast<unsigned long long>(info.errors),
           static_cast<unsigned long long>(blk.completed_by_interrupt()),
           static_cast<unsigned long long>(blk.interrupts()));
  }
}

bool handle_disk_interrupt(uint32_t intid) {
  for (uint32_t i = 0; i < g_disk_count; ++i) {
    if (g_disks[i]->irq == intid) {
      g_disks[i]->blk.on_interrupt();
      return true;
    }
  }
  return false;
}

}  // namespace viper::boot
