#include "kernel/object/vmo_object.h"

#include "kernel/arch/arch.h"
#include "kernel/lib/scope_guard.h"
#include "kernel/object/make_object.h"
#include "mm/kheap/global.h"
#include "mm/kheap/make.h"
#include "mm/pmm/physical_memory.h"
#include "mm/vm/address_space.h"

namespace viper::object {

void VmoObject::release_frames(PhysAddr* frames, uint64_t count) {
  mm::PhysicalMemory& memory = mm::physical_memory();
  for (uint64_t i = 0; i < count; ++i) {
    if (mm::unshare_frame(*memory.frame(frames[i])) == 0) (void)memory.free_page(frames[i]);
  }
  mm::kernel_heap().kfree(frames);
}

Result<Ref<VmoObject>> VmoObject::create(uint64_t bytes) {
  if (bytes == 0 || bytes > kMaxVmoBytes) return Error::kOutOfRange;
  const uint64_t pages = (bytes + kPageSize - 1) / kPageSize;
  PhysAddr* frames =
      static_cast<PhysAddr*>(TRY(mm::kernel_heap().kmalloc(pages * sizeof(PhysAddr))));
  uint64_t allocated = 0;
  auto release = ScopeGuard([&] { release_frames(frames, allocated); });
  mm::PhysicalMemory& memory = mm::physical_memory();
  for (; allocated < pages; ++allocated) {
    const PhysAddr frame = TRY(memory.alloc_page());
    __builtin_memset(arch::phys_to_virt(frame).as<void>(), 0, kPageSize);
    memory.frame(frame)->shares.store(1, MemoryOrder::kRelaxed);  // the object's share
    frames[allocated] = frame;
  }
  Ref<VmoObject> vmo = TRY(make_object<VmoObject>(frames, pages));
  release.dismiss();
  return vmo;
}

void VmoObject::destroy() {
  release_frames(frames_, pages_);
  mm::kdelete(this);
}

}  // namespace viper::object
