// kmalloc and friends: power-of-two-ish size classes on slab caches, and
// whole pages from the page allocator above the largest class.
//
// krealloc never copies from memory that can be freed under it (MS-003): it
// first claims the old block with the same atomic step kfree uses, so of a
// krealloc and a kfree racing on one pointer exactly one wins and the other
// gets kDoubleFree; nothing is corrupted. Live allocations and bytes are
// counted (exact whenever the heap is quiet), so a test can prove a
// workload leaked nothing.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/result.h"
#include "mm/pmm/physical_memory.h"
#include "mm/slab/slab_cache.h"

namespace viper::mm {

struct HeapStats {
  uint64_t live_allocations;
  uint64_t live_bytes;  // bytes of the blocks handed out (class or page sizes)
};

class KernelHeap {
 public:
  static constexpr size_t kClassSizes[] = {16,  32,  48,  64,  96,   128,  192,
                                           256, 384, 512, 768, 1024, 1536, 2048};
  static constexpr size_t kClassCount = sizeof(kClassSizes) / sizeof(kClassSizes[0]);
  static constexpr size_t kMaxSize = kPageSize << kMaxOrder;  // 4 MiB
  static constexpr size_t kMaxAdopted = 8;

  KernelHeap() = default;
  KernelHeap(const KernelHeap&) = delete;
  KernelHeap& operator=(const KernelHeap&) = delete;

  Status init(PhysicalMemory& pmm);

  // 16-byte aligned (page aligned above 2 KiB). kInvalidArgument for 0
  // bytes, kNoMemory above kMaxSize or when memory runs out.
  Result<void*> kmalloc(size_t size);
  // Zeroed; kOverflow if count * size overflows.
  Result<void*> kcalloc(size_t count, size_t size);
  // Frees a block this heap handed out and the caller owns. Anything else
  // (a foreign pointer, a second free) is a kernel bug: it panics.
  void kfree(void* block);
  // kfree() for callers that may lose a race for the block (MS-003) or
  // test the misuse checks: kInvalidArgument for a pointer this heap did
  // not hand out, kDoubleFree for a block already freed.
  Status kfree_checked(void* block);
  // Resizes, keeping the first min(old, new) bytes. On failure the old
  // block is untouched and still owned by the caller.
  Result<void*> krealloc(void* block, size_t size);

  // Makes `cache`'s objects kernel-heap blocks: kfree (and so kdelete and
  // Own<T>) frees them and stats() counts them (ObjectCache). Call it
  // before the cache's first allocation (its slabs copy the owner).
  // kInvalidArgument if the cache has an owner already, kNoSpace beyond
  // kMaxAdopted caches. Like PhysicalMemory::add_range, one caller at a
  // time (boot code); stats() may run on any CPU meanwhile.
  Status adopt(SlabCache& cache);

  // The usable size of a live block (its class or page size), or 0.
  size_t usable_size(const void* block);
  HeapStats stats() const;
  // Gives empty slabs back to the page allocator.
  void reclaim();

 private:
  enum class Kind { kSlab, kLarge, kForeign };
  // What a pointer is, found with one page-descriptor lookup and kept for
  // the claim and the release (a free never looks the pointer up twice).
  struct Block {
    Kind kind;
    SlabCache* cache;        // kSlab
    SlabCache::Found found;  // kSlab
    PageFrame* frame;        // kLarge
    const char* problem;     // kForeign: why
  };

  SlabCache* class_for(size_t size);
  Result<void*> kmalloc_pages(size_t size);
  void kfree_other(void* block, const void* caller);  // large blocks and refusals (panics)
  Block classify(const void* block);
  static Block foreign(const char* problem);
  Status claim(const Block& b, void* block, const void* caller);
  void unclaim(const Block& b);
  void release(const Block& b, void* block);
  size_t block_size(const Block& b) const;

  // Live-allocation accounting of large blocks per CPU (only its CPU
  // writes; stats() sums), so no counter is shared between CPUs. Blocks of
  // the size classes are counted by their caches (objects_in_use: what
  // the slabs gave out less what the magazines hold), at no cost on the
  // fast path.
  struct alignas(64) CpuCounters {
    Atomic<int64_t> allocations{0};
    Atomic<int64_t> bytes{0};
  };
  void count(int64_t allocations, int64_t bytes);

  PhysicalMemory* pmm_ = nullptr;
  alignas(SlabCache) unsigned char storage_[kClassCount][sizeof(SlabCache)];
  SlabCache* classes_[kClassCount] = {};
  uint8_t class_index_[kClassSizes[kClassCount - 1] / 16 + 1] = {};  // by (size + 15) / 16
  CpuCounters counters_[arch::kMaxCpus];
  // Adopted caches: written once each (a slot, then the count), read by
  // stats() on any CPU.
  SlabCache* adopted_[kMaxAdopted] = {};
  Atomic<uint32_t> adopted_count_{0};
};

}  // namespace viper::mm
