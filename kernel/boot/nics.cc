#include "kernel/boot/nics.h"

#include "kernel/arch/arch.h"
#include "kernel/boot/disks.h"
#include "kernel/boot/platform.h"
#include "kernel/boot/smp.h"
#include "kernel/lib/printk.h"
#include "mm/kheap/make.h"

namespace viper::boot {
namespace {

struct Nic {
  Nic(volatile uint32_t* base, uint32_t index, uint32_t irq_line)
      : registers(base), net(registers, index), irq(irq_line) {}
  drivers::virtio::MmioRegisters registers;
  drivers::VirtioNet net;
  uint32_t irq;
};

// Written by the scan before any NIC interrupt is enabled, read-only
// afterwards.
Nic* g_nics[kMaxNics] = {};
uint32_t g_nic_count = 0;

}  // namespace

Status start_nic(const VirtioSlot& virtio) {
  const MmioRegion& slot = virtio.region;
  if (g_nic_count == kMaxNics) return Error::kNoSpace;
  if (slot.irq < 32) return Error::kNotSupported;  // frames come by interrupt
  const uint32_t index = g_nic_count;
  const drivers::VirtioNet::Memory memory{
      TRY(dma_pages(drivers::VirtioNet::rx_queue_bytes())),
      TRY(dma_pages(drivers::VirtioNet::tx_queue_bytes())),
      TRY(dma_pages(drivers::VirtioNet::buffer_bytes())),
  };
  mm::Own<Nic> nic =
      TRY(mm::make<Nic>(arch::phys_to_virt(slot.base).as<volatile uint32_t>(), index, slot.irq));
  TRY(nic->net.start(memory));
  const object::NicInfo info = nic->net.info();
  printk(LogLevel::kInfo,
         "nic %u: virtio-net v%u at 0x%llx irq %u, mac %02x:%02x:%02x:%02x:%02x:%02x, link %s, "
         "%u-byte header",
         index, virtio.version, static_cast<unsigned long long>(slot.base.value()), slot.irq,
         info.mac[0], info.mac[1], info.mac[2], info.mac[3], info.mac[4], info.mac[5],
         info.link_up ? "up" : "down", nic->net.header_bytes());
  g_nics[g_nic_count++] = nic.leak();
  return ok_status();
}

void enable_nic_interrupts() {
  Platform& p = platform();
  for (uint32_t i = 0; i < g_nic_count; ++i) {
    p.gic.enable_shared(g_nics[i]->irq, 0x80, percpu(0).hardware_id);
  }
}

uint32_t nic_count() { return g_nic_count; }
drivers::VirtioNet& nic(uint32_t index) { return g_nics[index]->net; }

void report_nics() {
  for (uint32_t i = 0; i < g_nic_count; ++i) {
    const drivers::VirtioNet& net = g_nics[i]->net;
    const object::NicInfo info = net.info();
    const drivers::VirtioNet::Stats stats = net.stats();
    printk(LogLevel::kInfo,
           "nic %u: %llu frames in, %llu out, %llu dropped, %llu device errors, %llu resets; "
           "%llu interrupts, %llu receive and %llu transmit notifies",
           i, static_cast<unsigned long long>(info.rx_frames),
           static_cast<unsigned long long>(info.tx_frames),
           static_cast<unsigned long long>(info.rx_dropped),
           static_cast<unsigned long long>(info.device_errors),
           static_cast<unsigned long long>(info.resets),
           static_cast<unsigned long long>(stats.interrupts),
           static_cast<unsigned long long>(stats.rx_notifies),
           static_cast<unsigned long long>(stats.tx_notifies));
  }
}

bool handle_nic_interrupt(uint32_t intid) {
  for (uint32_t i = 0; i < g_nic_count; ++i) {
    if (g_nics[i]->irq == intid) {
      g_nics[i]->net.on_interrupt();
      return true;
    }
  }
  return false;
}

}  // namespace viper::boot
