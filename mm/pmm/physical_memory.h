// The physical memory manager: every free RAM range becomes a buddy zone
// (or, if small, a bitmap zone), with page descriptors carved from the
// range itself. Order-0 pages go through per-CPU caches so the common case
// touches no shared lock.
//
// Statistics are exact at every instant: one atomic counter of pages handed
// out, so free + used + reserved == total holds whenever and wherever it is
// read (RC-005, RC-009), and pages from bitmap zones count like any other
// (REL-005).
#pragma once

#include <stdint.h>

#include "kernel/arch/arch.h"
#include "kernel/lib/addr.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/result.h"
#include "mm/pmm/bitmap_zone.h"
#include "mm/pmm/buddy_zone.h"

namespace viper::mm {

struct MemoryStats {
  uint64_t total_pages;     // every page of every range added
  uint64_t free_pages;      // allocatable now (zones and per-CPU caches)
  uint64_t used_pages;      // handed out to callers
  uint64_t reserved_pages;  // page descriptors and unusable fragments
};

class PhysicalMemory {
 public:
  static constexpr uint32_t kMaxZones = 8;
  static constexpr uint32_t kCacheSize = 32;   // pages per CPU cache
  static constexpr uint32_t kCacheBatch = 16;  // moved to/from a zone at once

  PhysicalMemory() = default;
  PhysicalMemory(const PhysicalMemory&) = delete;
  PhysicalMemory& operator=(const PhysicalMemory&) = delete;

  // Adds free RAM (rounded inwards to pages). Not thread-safe: boot only.
  Status add_range(PhysAddr base, uint64_t bytes);

  // 2^order physically contiguous pages.
  Result<PhysAddr> alloc_pages(uint32_t order);
  Status free_pages(PhysAddr block, uint32_t order);

  // One page, through this CPU's cache.
  Result<PhysAddr> alloc_page();
  Status free_page(PhysAddr page);

  // The descriptor of a managed page, or nullptr (O(zones), a constant).
  // Inline for the first buddy zone, which holds nearly all memory: every
  // slab free and kfree looks its pointer up here.
  PageFrame* frame(PhysAddr page) {
    if (buddy_count_ != 0 && buddy_[0].contains(page)) return &buddy_[0].frame(page);
    return frame_in_other_zones(page);
  }
  // The descriptor of the page holding the kernel pointer `p` (a direct-map
  // address), or nullptr: frame(virt_to_phys(p)) for any pointer, with no
  // direct-map check first. The first buddy zone keeps its descriptors at
  // its own start, so their array is also the zone's direct-map address:
  // for a pointer into that zone the lookup is one subtraction and one
  // comparison (every slab free and kfree starts here).
  PageFrame* frame_of(const void* p) {
    const uint64_t offset =
        reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(first_zone_frames_);
    if (offset < first_zone_bytes_) [[likely]] {
      PageFrame* frame = &first_zone_frames_[offset >> kPageShift];
      __builtin_assume(frame != nullptr);  // a zone was added: no null test after
      return frame;
    }
    return frame_of_other(p);
  }

  MemoryStats stats() const;

  // Returns this CPU's cached pages to the zones.
  void drain_this_cpu();
  // Checks every zone and cache against the statistics; only meaningful
  // while nothing else allocates. Returns false on any inconsistency.
  bool audit() const;

 private:
  struct alignas(64) PageCache {
    PhysAddr pages[kCacheSize];
    uint32_t count = 0;
  };

  PageFrame* frame_in_other_zones(PhysAddr page);
  // preserve_most: frame_of()'s callers (every free) save no registers
  // for this cold call.
  [[clang::preserve_most]] PageFrame* frame_of_other(const void* p);
  Result<PhysAddr> alloc_from_zones(uint32_t order);
  Status free_to_zones(PhysAddr block, uint32_t order);
  void report_bad_free(PhysAddr block, uint32_t order, Error error, const void* caller) const;

  BuddyZone buddy_[kMaxZones];
  uint32_t buddy_count_ = 0;
  // buddy_[0]'s descriptors (at its start, so also its direct-map address)
  // and its size in bytes; nothing before the first zone is added.
  PageFrame* first_zone_frames_ = nullptr;
  uint64_t first_zone_bytes_ = 0;
  BitmapZone bitmap_[kMaxZones];
  uint32_t bitmap_count_ = 0;
  uint64_t total_pages_ = 0;
  uint64_t reserved_pages_ = 0;
  Atomic<uint64_t> used_pages_{0};
  // Indexed by CPU id; each CPU touches only its own, with interrupts off.
  PageCache caches_[arch::kMaxCpus];
};

}  // namespace viper::mm
