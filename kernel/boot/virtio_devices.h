// The virtio devices: at boot, one scan probes every virtio-mmio slot the
// device tree lists, once, highest address first (QEMU's command-line
// order: see disks.h), and hands each device to its kind's start function
// by device ID: block (2) to disks.h, entropy (4) to the entropy device,
// network (1) to nics.h. Empty slots (ID 0) and unknown IDs are skipped; a
// device that fails to start is reported and left out. Then every started
// device's interrupt is enabled (to CPU 0), after all are published.
#pragma once

#include <stdint.h>

#include "kernel/boot/machine.h"

namespace viper::boot {

// What the scan found on a slot.
struct VirtioSlot {
  MmioRegion region;
  uint32_t version = 0;    // 1 legacy, 2 modern
  uint32_t device_id = 0;  // never 0 here
};

// Once, with interrupts installed, before anything uses a device.
void start_virtio_devices();

}  // namespace viper::boot
