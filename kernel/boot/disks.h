// The disks: at boot, every virtio-mmio slot the device tree lists is
// probed; each virtio-blk device found gets a driver (drivers/virtio_blk),
// DMA memory for its ring and requests, and its interrupt routed through
// the GIC to CPU 0. Empty slots (device ID 0) are skipped.
//
// Numbering: QEMU's virt machine puts the devices given on its command
// line on the transports from the highest address down (seen by
// experiment: the first -device virtio-blk-device sits at 0x0a003e00, the
// last slot), so disks are numbered from the highest slot address down and
// the first --disk is disk 0.
#pragma once

#include <stdint.h>

#include "drivers/virtio_blk/virtio_blk.h"

namespace viper::boot {

inline constexpr uint32_t kMaxDisks = 8;

// Once, with interrupts installed, before anything uses a disk. Disks that
// fail to start are reported and left out.
void start_disks();
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

// The entropy device (virtio-rng), if the machine has one: its driver is
// started and VIPER_SYS_ENTROPY_READ served from it. Once, at boot.
void start_entropy();
// The interrupt entry's dispatch: true if `intid` is the entropy device's.
bool handle_entropy_interrupt(uint32_t intid);

}  // namespace viper::boot
