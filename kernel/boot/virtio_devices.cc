#include "kernel/boot/virtio_devices.h"

#include "drivers/virtio/net_protocol.h"
#include "drivers/virtio/registers.h"
#include "drivers/virtio/transport.h"
#include "drivers/virtio_rng/virtio_rng.h"
#include "kernel/arch/arch.h"
#include "kernel/boot/disks.h"
#include "kernel/boot/nics.h"
#include "kernel/boot/platform.h"
#include "kernel/lib/printk.h"

namespace viper::boot {
namespace {

Status start_one(const VirtioSlot& slot) {
  switch (slot.device_id) {
    case drivers::virtio::kDeviceIdBlock:
      return start_disk(slot);
    case drivers::kDeviceIdEntropy:
      return start_entropy(slot);
    case drivers::virtio::kDeviceIdNet:
      return start_nic(slot);
    default:
      return Error::kNotFound;  // a kind the kernel does not drive
  }
}

}  // namespace

void start_virtio_devices() {
  const MachineDescription& m = platform().machine;
  bool taken[kMaxVirtioSlots] = {};
  for (uint32_t n = 0; n < m.virtio_count; ++n) {
    uint32_t pick = kMaxVirtioSlots;
    for (uint32_t i = 0; i < m.virtio_count; ++i) {
      if (!taken[i] && (pick == kMaxVirtioSlots || m.virtio[i].base > m.virtio[pick].base)) {
        pick = i;
      }
    }
    taken[pick] = true;
    const MmioRegion& region = m.virtio[pick];
    drivers::virtio::MmioRegisters registers(
        arch::phys_to_virt(region.base).as<volatile uint32_t>());
    drivers::virtio::Transport transport(registers);
    if (!transport.probe().ok()) continue;  // empty, or not virtio at all
    const VirtioSlot slot{region, transport.version(), transport.device_id()};
    const Status started = start_one(slot);
    if (!started.ok() && started.error() != Error::kNotFound) {
      printk(LogLevel::kWarn, "virtio device %u at 0x%llx: not started: %s", slot.device_id,
             static_cast<unsigned long long>(region.base.value()), error_name(started.error()));
    }
  }
  // Every device is published; now their interrupts may fire (on CPU 0).
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  enable_disk_interrupts();
  enable_entropy_interrupt();
  enable_nic_interrupts();
}

}  // namespace viper::boot
