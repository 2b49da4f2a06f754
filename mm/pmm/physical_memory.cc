#include "mm/pmm/physical_memory.h"

#include "kernel/lib/printk.h"

namespace viper::mm {

Status PhysicalMemory::add_range(PhysAddr base, uint64_t bytes) {
  const PhysAddr start(align_up(base.value(), kPageSize));
  const PhysAddr end(align_down(base.value() + bytes, kPageSize));
  if (end <= start) return Error::kInvalidArgument;
  const uint64_t pages = (end - start) >> kPageShift;
  const uint64_t descriptor_pages = PageCount::for_bytes(pages * sizeof(PageFrame)).value();
  if (descriptor_pages >= pages) return Error::kInvalidArgument;  // nothing left to manage
  auto* frames = arch::phys_to_virt(start).as<PageFrame>();
  const uint64_t usable = pages - descriptor_pages;
  if (pages > BitmapZone::kMaxPages) {
    if (buddy_count_ == kMaxZones) return Error::kNoSpace;
    BuddyZone& zone = buddy_[buddy_count_++];
    zone.init(start, pages, frames);
    zone.add_free(descriptor_pages, usable);
    if (buddy_count_ == 1) {
      first_zone_frames_ = frames;
      first_zone_bytes_ = pages << kPageShift;
    }
  } else {
    if (bitmap_count_ == kMaxZones) return Error::kNoSpace;
    BitmapZone& zone = bitmap_[bitmap_count_++];
    zone.init(start, pages, frames);
    zone.add_free(descriptor_pages, usable);
  }
  total_pages_ += pages;
  reserved_pages_ += descriptor_pages;
  return ok_status();
}

Result<PhysAddr> PhysicalMemory::alloc_from_zones(uint32_t order) {
  for (uint32_t i = 0; i < buddy_count_; ++i) {
    Result<PhysAddr> block = buddy_[i].alloc(order);
    if (block.ok()) return block;
  }
  for (uint32_t i = 0; i < bitmap_count_; ++i) {
    Result<PhysAddr> block = bitmap_[i].alloc(order);
    if (block.ok()) return block;
  }
  return Error::kNoMemory;
}

Status PhysicalMemory::free_to_zones(PhysAddr block, uint32_t order) {
  for (uint32_t i = 0; i < buddy_count_; ++i) {
    if (buddy_[i].contains(block)) return buddy_[i].free(block, order);
  }
  for (uint32_t i = 0; i < bitmap_count_; ++i) {
    if (bitmap_[i].contains(block)) return bitmap_[i].free(block, order);
  }
  return Error::kInvalidArgument;
}

Result<PhysAddr> PhysicalMemory::alloc_pages(uint32_t order) {
  if (order > kMaxOrder) return Error::kInvalidArgument;
  Result<PhysAddr> block = alloc_from_zones(order);
  if (!block.ok() && order == 0) {
    // The zones are empty, but other CPUs' caches may not be; at least give
    // back this CPU's own before failing.
    drain_this_cpu();
    block = alloc_from_zones(order);
  }
  if (block.ok()) used_pages_.fetch_add(1ull << order, MemoryOrder::kRelaxed);
  return block;
}

Status PhysicalMemory::free_pages(PhysAddr block, uint32_t order) {
  const Status status = free_to_zones(block, order);
  if (!status.ok()) {
    report_bad_free(block, order, status.error(), __builtin_return_address(0));
    return status;
  }
  used_pages_.fetch_sub(1ull << order, MemoryOrder::kRelaxed);
  return status;
}

Result<PhysAddr> PhysicalMemory::alloc_page() {
  arch::InterruptsDisabled no_irqs;  // the cache belongs to this CPU
  PageCache& cache = caches_[arch::cpu_id()];
  if (cache.count == 0) {
    while (cache.count < kCacheBatch) {
      Result<PhysAddr> page = alloc_from_zones(0);
      if (!page.ok()) break;
      frame(page.value())->set_state(FrameState::kCached);
      cache.pages[cache.count++] = page.value();
    }
    if (cache.count == 0) return Error::kNoMemory;
  }
  const PhysAddr page = cache.pages[--cache.count];
  frame(page)->set_state(FrameState::kAllocated);
  used_pages_.fetch_add(1, MemoryOrder::kRelaxed);
  return page;
}

Status PhysicalMemory::free_page(PhysAddr page) {
  PageFrame* f = page.is_page_aligned() ? frame(page) : nullptr;
  if (!f || f->order != 0) {
    report_bad_free(page, 0, Error::kInvalidArgument, __builtin_return_address(0));
    return Error::kInvalidArgument;
  }
  // The state change is the claim: of two CPUs freeing the same page, one
  // wins and the other sees a double free (MS-001 for pages).
  if (!f->change_state(FrameState::kAllocated, FrameState::kCached)) {
    const FrameState state = f->get_state();
    const Error error = (state == FrameState::kFree || state == FrameState::kCached)
                            ? Error::kDoubleFree
                            : Error::kInvalidArgument;
    report_bad_free(page, 0, error, __builtin_return_address(0));
    return error;
  }
  f->owner_kind.store(0, MemoryOrder::kRelaxed);
  f->owner.store(nullptr, MemoryOrder::kRelaxed);
  used_pages_.fetch_sub(1, MemoryOrder::kRelaxed);
  arch::InterruptsDisabled no_irqs;
  PageCache& cache = caches_[arch::cpu_id()];
  if (cache.count == kCacheSize) {
    for (uint32_t i = 0; i < kCacheBatch; ++i) {
      const PhysAddr spill = cache.pages[--cache.count];
      frame(spill)->set_state(FrameState::kAllocated);
      (void)free_to_zones(spill, 0);
    }
  }
  cache.pages[cache.count++] = page;
  return ok_status();
}

void PhysicalMemory::drain_this_cpu() {
  arch::InterruptsDisabled no_irqs;
  PageCache& cache = caches_[arch::cpu_id()];
  while (cache.count > 0) {
    const PhysAddr page = cache.pages[--cache.count];
    frame(page)->set_state(FrameState::kAllocated);
    (void)free_to_zones(page, 0);
  }
}

PageFrame* PhysicalMemory::frame_in_other_zones(PhysAddr page) {
  for (uint32_t i = 1; i < buddy_count_; ++i) {
    if (buddy_[i].contains(page)) return &buddy_[i].frame(page);
  }
  for (uint32_t i = 0; i < bitmap_count_; ++i) {
    if (bitmap_[i].contains(page)) return &bitmap_[i].frame(page);
  }
  return nullptr;
}

[[clang::preserve_most]] PageFrame* PhysicalMemory::frame_of_other(const void* p) {
  const VirtAddr va(p);
  if (!arch::is_direct_map(va)) return nullptr;
  return frame(arch::virt_to_phys(va).page_base());
}

MemoryStats PhysicalMemory::stats() const {
  const uint64_t used = used_pages_.load(MemoryOrder::kRelaxed);
  return {total_pages_, total_pages_ - reserved_pages_ - used, used, reserved_pages_};
}

bool PhysicalMemory::audit() const {
  uint64_t free = 0;
  for (uint32_t i = 0; i < buddy_count_; ++i) {
    const int64_t n = buddy_[i].audit();
    if (n < 0) return false;
    free += static_cast<uint64_t>(n);
  }
  for (uint32_t i = 0; i < bitmap_count_; ++i) {
    const int64_t n = bitmap_[i].audit();
    if (n < 0) return false;
    free += static_cast<uint64_t>(n);
  }
  for (const PageCache& cache : caches_) free += cache.count;
  return free == stats().free_pages;
}

void PhysicalMemory::report_bad_free(PhysAddr block, uint32_t order, Error error,
                                     const void* caller) const {
  printk(LogLevel::kWarn, "pmm: refused to free 0x%llx (order %u): %s, caller %p",
         static_cast<unsigned long long>(block.value()), order, error_name(error), caller);
}

}  // namespace viper::mm
