// Host backend: simulated physical memory. An mmap'd arena stands for RAM at
// a fake physical base (0x4000_0000, as on QEMU virt); its direct map is
// wherever mmap put it. Physical and virtual addresses therefore differ, and
// code that uses one as the other crashes in host tests (ARCH-001,
// MS-004/005/006).
#pragma once

#include <stddef.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/utility.h"

namespace viper::arch::host {

inline constexpr PhysAddr kArenaPhysBase{0x40000000};

class PhysArena {
 public:
  // Maps `bytes` (rounded up to pages) and makes it the direct map. Only one
  // arena exists at a time.
  explicit PhysArena(size_t bytes);
  ~PhysArena();
  PhysArena(const PhysArena&) = delete;
  PhysArena& operator=(const PhysArena&) = delete;

  PhysAddr base() const { return kArenaPhysBase; }
  PhysAddr end() const { return kArenaPhysBase + size_; }
  size_t size() const { return size_; }

 private:
  void* mapping_;
  size_t size_;
};

}  // namespace viper::arch::host
