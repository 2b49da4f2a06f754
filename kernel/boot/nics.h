// The network interfaces: virtio_devices.h's scan hands each virtio-net
// device to start_nic, which gives it a driver (drivers/virtio_net) and
// DMA memory for its two rings and its frame buffers; numbered in scan
// order (highest slot first: the first NIC on QEMU's command line is
// NIC 0). user_space.cc hands each to init as a NIC handle.
#pragma once

#include <stdint.h>

#include "drivers/virtio_net/virtio_net.h"
#include "kernel/boot/virtio_devices.h"

namespace viper::boot {

inline constexpr uint32_t kMaxNics = 4;

// kNoSpace beyond kMaxNics; the driver's errors otherwise.
Status start_nic(const VirtioSlot& slot);
void enable_nic_interrupts();
uint32_t nic_count();
drivers::VirtioNet& nic(uint32_t index);

// One line per NIC with its frames, errors, interrupts and notifies (at
// power-off: what a run cost; docs/virtio.md).
void report_nics();

// The interrupt entry's dispatch: true if `intid` is a NIC's (handled).
bool handle_nic_interrupt(uint32_t intid);

}  // namespace viper::boot
