#include "mm/kheap/kernel_heap.h"

#include "kernel/arch/arch.h"
#include "kernel/lib/format.h"
#include "kernel/lib/printk.h"

namespace viper::mm {
namespace {

const char* const kClassNames[KernelHeap::kClassCount] = {
    "kmalloc-16",  "kmalloc-32",   "kmalloc-48",   "kmalloc-64",  "kmalloc-96",
    "kmalloc-128", "kmalloc-192",  "kmalloc-256",  "kmalloc-384", "kmalloc-512",
    "kmalloc-768", "kmalloc-1024", "kmalloc-1536", "kmalloc-2048"};

uint32_t order_for(size_t size) {
  uint32_t order = 0;
  while ((kPageSize << order) < size) ++order;
  return order;
}

constexpr uint8_t kLarge = static_cast<uint8_t>(FrameOwner::kLargeHeap);
constexpr uint8_t kNoOwner = static_cast<uint8_t>(FrameOwner::kNone);

}  // namespace

Status KernelHeap::init(PhysicalMemory& pmm) {
  pmm_ = &pmm;
  for (size_t i = 0; i < kClassCount; ++i) {
    classes_[i] = new (storage_[i]) SlabCache(kClassNames[i], kClassSizes[i], 16);
    TRY(classes_[i]->init(pmm));
    classes_[i]->set_owner(this);
  }
  size_t klass = 0;
  for (size_t slot = 0; slot < sizeof(class_index_); ++slot) {
    while (kClassSizes[klass] < slot * 16) ++klass;
    class_index_[slot] = static_cast<uint8_t>(klass);
  }
  return ok_status();
}

SlabCache* KernelHeap::class_for(size_t size) {
  if (size > kClassSizes[kClassCount - 1]) return nullptr;
  return classes_[class_index_[(size + 15) / 16]];
}

void KernelHeap::count(int64_t allocations, int64_t bytes) {
  arch::InterruptsDisabled no_irqs;
  CpuCounters& c = counters_[arch::cpu_id()];
  c.allocations.store(c.allocations.load(MemoryOrder::kRelaxed) + allocations,
                      MemoryOrder::kRelaxed);
  c.bytes.store(c.bytes.load(MemoryOrder::kRelaxed) + bytes, MemoryOrder::kRelaxed);
}

// One comparison for the size-class path: 0 wraps around to above it.
Result<void*> KernelHeap::kmalloc(size_t size) {
  if (size - 1 < kClassSizes[kClassCount - 1]) [[likely]] {
    if (SlabCache* cache = classes_[class_index_[(size + 15) / 16]]) return cache->alloc();
  }
  return kmalloc_pages(size);
}

// Whole pages above the size classes, and the refusal of 0 bytes. Out of
// line, so the size-class path above saves no registers for it.
[[gnu::noinline]] Result<void*> KernelHeap::kmalloc_pages(size_t size) {
  if (size == 0) return Error::kInvalidArgument;
  if (size > kMaxSize) return Error::kNoMemory;
  const uint32_t order = order_for(size);
  const PhysAddr pages = TRY(pmm_->alloc_pages(order));
  PageFrame* head = pmm_->frame(pages);
  head->owner.store(nullptr, MemoryOrder::kRelaxed);
  head->owner_kind.store(kLarge, MemoryOrder::kRelease);
  count(1, static_cast<int64_t>(kPageSize << order));
  return arch::phys_to_virt(pages).as<void>();
}

Result<void*> KernelHeap::kcalloc(size_t count, size_t size) {
  size_t total = 0;
  if (__builtin_mul_overflow(count, size, &total)) return Error::kOverflow;
  void* block = TRY(kmalloc(total));
  auto* bytes = static_cast<uint8_t*>(block);
  for (size_t i = 0; i < total; ++i) bytes[i] = 0;
  return block;
}

KernelHeap::Block KernelHeap::foreign(const char* problem) {
  return {Kind::kForeign, nullptr, {}, nullptr, problem};
}

// Inlined into kfree: a Block returned through memory costs a
// store-forwarding stall per free on x86.
[[gnu::always_inline]] KernelHeap::Block KernelHeap::classify(const void* block) {
  PageFrame* frame = pmm_->frame_of(block);  // nullptr for null and non-direct-map pointers
  if (!frame) return foreign("not kmalloc memory");
  const VirtAddr va(block);
  if (frame->owner_kind.load(MemoryOrder::kAcquire) == static_cast<uint8_t>(FrameOwner::kSlab)) {
    // The one lookup: the slab page validates the pointer (MS-002) and
    // names its cache, which is one of ours or foreign.
    SlabCache::Found found{};
    if (const char* problem = SlabCache::check(*frame, block, found)) return foreign(problem);
    if (found.slab->owner != this) return foreign("an object of another slab cache");
    return {Kind::kSlab, found.slab->cache, found, nullptr, nullptr};
  }
  if (va.is_page_aligned()) return {Kind::kLarge, nullptr, {}, frame, nullptr};
  return foreign("not kmalloc memory");
}

Status KernelHeap::claim(const Block& b, void* block, const void* caller) {
  switch (b.kind) {
    case Kind::kSlab:
      return b.cache->claim(b.found, block, caller);
    case Kind::kLarge: {
      uint8_t expected = kLarge;
      if (b.frame->owner_kind.compare_exchange(expected, kNoOwner, MemoryOrder::kAcqRel,
                                               MemoryOrder::kAcquire)) {
        return ok_status();
      }
      // A page someone else allocated is not ours; anything else was freed.
      const bool foreign = b.frame->get_state() == FrameState::kAllocated;
      printk(LogLevel::kError, "kheap: free of %p refused: %s (caller %p)", block,
             foreign ? "not a kmalloc block" : "double free", caller);
      return foreign ? Error::kInvalidArgument : Error::kDoubleFree;
    }
    case Kind::kForeign:
      break;
  }
  printk(LogLevel::kError, "kheap: free of %p refused: %s (caller %p)", block, b.problem, caller);
  return Error::kInvalidArgument;
}

void KernelHeap::unclaim(const Block& b) {
  if (b.kind == Kind::kSlab) b.cache->unclaim(b.found);
  if (b.kind == Kind::kLarge) b.frame->owner_kind.store(kLarge, MemoryOrder::kRelease);
}

size_t KernelHeap::block_size(const Block& b) const {
  if (b.kind == Kind::kSlab) return b.cache->object_size();
  if (b.kind == Kind::kLarge) return kPageSize << b.frame->order;
  return 0;
}

void KernelHeap::release(const Block& b, void* block) {
  if (b.kind == Kind::kSlab) {
    b.cache->release_claimed(b.found, block);
  } else {
    count(-1, -static_cast<int64_t>(block_size(b)));
    (void)pmm_->free_pages(arch::virt_to_phys(VirtAddr(block)), b.frame->order);
  }
}

Status KernelHeap::kfree_checked(void* block) {
  const void* caller = __builtin_return_address(0);
  const Block b = classify(block);
  TRY(claim(b, block, caller));
  release(b, block);
  return ok_status();
}

// The fast path: classify()'s slab case without its reasons (a refused
// pointer goes to kfree_other, which finds them), then one call that
// claims and releases.
void KernelHeap::kfree(void* block) {
  const void* caller = __builtin_return_address(0);
  const PageFrame* frame = pmm_->frame_of(block);
  if (frame && frame->owner_kind.load(MemoryOrder::kAcquire) ==
                   static_cast<uint8_t>(FrameOwner::kSlab)) [[likely]] {
    auto* slab = static_cast<Slab*>(frame->owner.load(MemoryOrder::kAcquire));
    SlabCache::Found found{slab, 0};
    if (slab->owner == this && SlabCache::starts_object(*slab, block, found.index)) [[likely]] {
      const Status freed = slab->cache->free(found, block, caller);
      if (!freed.ok()) [[unlikely]]
        panic("kfree(%p): %s", block, error_name(freed.error()));
      return;
    }
  }
  kfree_other(block, caller);
}

[[gnu::noinline]] void KernelHeap::kfree_other(void* block, const void* caller) {
  const Block b = classify(block);
  Status freed = claim(b, block, caller);
  if (freed.ok()) release(b, block);
  if (!freed.ok()) panic("kfree(%p): %s", block, error_name(freed.error()));
}

Result<void*> KernelHeap::krealloc(void* block, size_t size) {
  if (!block) return kmalloc(size);
  const void* caller = __builtin_return_address(0);
  const Block b = classify(block);
  // Claim first: from here on a concurrent kfree of `block` is a double
  // free, so the copy below reads memory nobody can free (MS-003).
  TRY(claim(b, block, caller));
  const size_t old_size = block_size(b);
  if (size == 0) {
    release(b, block);
    return static_cast<void*>(nullptr);
  }
  if (b.kind == Kind::kSlab && class_for(size) == b.cache) {
    unclaim(b);  // same size class: nothing to move
    return block;
  }
  Result<void*> moved = kmalloc(size);
  if (!moved.ok()) {
    unclaim(b);
    return moved.error();
  }
  const size_t keep = old_size < size ? old_size : size;
  const auto* from = static_cast<const uint8_t*>(block);
  auto* to = static_cast<uint8_t*>(moved.value());
  for (size_t i = 0; i < keep; ++i) to[i] = from[i];
  release(b, block);
  return moved.value();
}

size_t KernelHeap::usable_size(const void* block) {
  const Block b = classify(block);
  if (b.kind == Kind::kLarge && b.frame->owner_kind.load(MemoryOrder::kAcquire) != kLarge) {
    return 0;
  }
  return block_size(b);
}

HeapStats KernelHeap::stats() const {
  int64_t allocations = 0, bytes = 0;
  for (const CpuCounters& c : counters_) {
    allocations += c.allocations.load(MemoryOrder::kRelaxed);
    bytes += c.bytes.load(MemoryOrder::kRelaxed);
  }
  auto add = [&](const SlabCache* cache) {
    const uint64_t in_use = cache->objects_in_use();
    allocations += static_cast<int64_t>(in_use);
    bytes += static_cast<int64_t>(in_use * cache->object_size());
  };
  for (const SlabCache* cache : classes_) {
    if (cache) add(cache);  // null before init()
  }
  const uint32_t adopted = adopted_count_.load(MemoryOrder::kAcquire);
  for (uint32_t i = 0; i < adopted; ++i) add(adopted_[i]);
  return {static_cast<uint64_t>(allocations), static_cast<uint64_t>(bytes)};
}

Status KernelHeap::adopt(SlabCache& cache) {
  if (cache.owner() != nullptr) return Error::kInvalidArgument;
  const uint32_t slot = adopted_count_.load(MemoryOrder::kRelaxed);
  if (slot == kMaxAdopted) return Error::kNoSpace;
  cache.set_owner(this);
  adopted_[slot] = &cache;
  adopted_count_.store(slot + 1, MemoryOrder::kRelease);  // the slot, then the count
  return ok_status();
}

void KernelHeap::reclaim() {
  for (SlabCache* cache : classes_) cache->reclaim();
}

}  // namespace viper::mm
