// The boot allocator: hands out zeroed pages from the RAM right after the
// kernel image, for page tables and CPU stacks, before the physical memory
// manager exists. Everything below high_water() stays reserved.
#pragma once

#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"

namespace viper::boot {

class BootAllocator {
 public:
  void init(PhysAddr start, PhysAddr end) {
    next_ = start;
    end_ = end;
  }
  Result<PhysAddr> allocate(PageCount pages);
  PhysAddr high_water() const { return next_; }

 private:
  PhysAddr next_;
  PhysAddr end_;
};

BootAllocator& boot_allocator();

}  // namespace viper::boot
