// A slab cache of one type whose objects are kernel-heap blocks: make()
// returns the same Own<T> as mm::make<T>(), and kdelete / kfree / Own<T>
// free them, because the kernel heap adopts the cache (KernelHeap::adopt).
// For objects made and freed often enough to want exact-size slabs of
// their own (sched's Thread): no size-class rounding, their own magazines,
// and their own line in the statistics.
#pragma once

#include "kernel/lib/result.h"
#include "kernel/lib/utility.h"
#include "mm/kheap/global.h"
#include "mm/kheap/make.h"
#include "mm/slab/slab_cache.h"

namespace viper::mm {

template <class T>
class ObjectCache {
 public:
  explicit ObjectCache(const char* name) : cache_(name, sizeof(T), alignof(T)) {}
  ObjectCache(const ObjectCache&) = delete;
  ObjectCache& operator=(const ObjectCache&) = delete;

  // Once, before the first make(): lays the cache out and hands it to the
  // kernel heap. kInvalidArgument (a T too large for a slab, or already
  // adopted), kNoSpace (the heap adopts only KernelHeap::kMaxAdopted).
  Status init(KernelHeap& heap = kernel_heap(), PhysicalMemory& pmm = physical_memory()) {
    TRY(cache_.init(pmm));
    return heap.adopt(cache_);
  }

  // kNoMemory.
  template <class... Args>
  Result<Own<T>> make(Args&&... args) {
    void* memory = TRY(cache_.alloc());
    return Own<T>(HeapAccess::construct<T>(memory, forward<Args>(args)...));
  }

  SlabStats stats() const { return cache_.stats(); }
  const SlabCache& slab_cache() const { return cache_; }

 private:
  SlabCache cache_;
};

}  // namespace viper::mm
