// The disks: at boot, virtio_devices.h's scan hands each virtio-blk device
// found to start_disk, which gives it a driver (drivers/virtio_blk), DMA
// memory for its ring and requests; its interrupt is routed through the
// GIC to CPU 0 once every device is started.
//
// Numbering: QEMU's virt machine puts the devices given on its command
// line on the transports from the highest address down (seen by
// experiment: the first -device virtio-blk-device sits at 0x0a003e00, the
// last slot), so disks are numbered from the highest slot address down and
// the first --disk is disk 0.
#pragma once

#include <stdint.h>

#include "drivers/virtio_blk/virtio_blk.h"
#include "kernel/boot/virtio_devices.h"

namespace viper::boot {

inline constexpr uint32_t kMaxDisks = 8;

// The next disk, on a slot the scan found a virtio-blk device on (the
// scan reports one that fails to start, and leaves it out); kNoSpace
// beyond kMaxDisks.
Status start_disk(const VirtioSlot& slot);
// Each disk's interrupt to CPU 0, once all are published.
void enable_disk_interrupts();
uint32_t disk_count();
drivers::VirtioBlk& disk(uint32_t index);

// One line per disk with its requests and interrupts so far (at power-off:
// what a run cost the disks).
void report_disks();

// The interrupt entry's dispatch: true if `intid` is a disk's (handled).
bool handle_disk_interrupt(uint32_t intid);

// Zeroed, physically contiguous pages a virtio device reaches by DMA, kept
// for the kernel's lifetime (disks, the entropy device).
Result<drivers::virtio::DmaRegion> dma_pages(size_t bytes);

// The entropy device (virtio-rng): the first one the scan finds gets its
// driver, its interrupt and serves VIPER_SYS_ENTROPY_READ; kBadState for a
// second one.
Status start_entropy(const VirtioSlot& slot);
void enable_entropy_interrupt();
// The interrupt entry's dispatch: true if `intid` is the entropy device's.
bool handle_entropy_interrupt(uint32_t intid);

}  // namespace viper::boot
