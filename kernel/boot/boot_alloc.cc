#include "kernel/boot/boot_alloc.h"

#include "kernel/arch/arch.h"

namespace viper::boot {

Result<PhysAddr> BootAllocator::allocate(PageCount pages) {
  if (pages.value() == 0 || next_ + pages > end_ || next_ + pages < next_) {
    return Error::kNoMemory;
  }
  const PhysAddr page = next_;
  next_ = next_ + pages;
  uint8_t* bytes = arch::phys_to_virt(page).as<uint8_t>();
  for (uint64_t i = 0; i < pages.bytes(); ++i) bytes[i] = 0;
  return page;
}

BootAllocator& boot_allocator() {
  static BootAllocator allocator;
  return allocator;
}

}  // namespace viper::boot
