// A buddy allocator over one contiguous physical range: blocks of 2^order
// pages, order 0 (4 KiB) to kMaxOrder (4 MiB), split on allocation and
// merged with their buddy on free. Finding a block checks one bitmap of
// non-empty orders, so the cost does not depend on how much memory the zone
// has (PERF-003).
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/bitmap.h"
#include "kernel/lib/list.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "mm/pmm/page_frame.h"

namespace viper::mm {

inline constexpr uint32_t kMaxOrder = 10;

class BuddyZone {
 public:
  BuddyZone();
  BuddyZone(const BuddyZone&) = delete;
  BuddyZone& operator=(const BuddyZone&) = delete;

  // Manages `pages` pages from `base`; `frames` has one descriptor per page.
  // Every page starts out interior (unavailable) until add_free().
  void init(PhysAddr base, uint64_t pages, PageFrame* frames);
  // Makes [first, first + count) (page indexes in the zone) allocatable.
  void add_free(uint64_t first, uint64_t count);

  bool contains(PhysAddr address) const { return range_.contains(address); }
  PageFrame& frame(PhysAddr address) { return range_.frame(address); }

  // A block of 2^order pages, or kNoMemory.
  Result<PhysAddr> alloc(uint32_t order);
  // Frees a block allocated with the same order. A page that does not head
  // an allocated block of that order is refused (kDoubleFree if it is free,
  // kInvalidArgument otherwise) and nothing changes.
  Status free(PhysAddr block, uint32_t order);

  uint64_t free_pages() const;
  // Walks the free lists and checks every head; returns the free page count
  // found, or -1 if the structure is inconsistent (tests).
  int64_t audit() const;

 private:
  void push_free(uint64_t index, uint32_t order) REQUIRES(lock_);
  void pop_free(uint64_t index, uint32_t order) REQUIRES(lock_);
  void free_locked(uint64_t index, uint32_t order) REQUIRES(lock_);

  mutable IrqSpinlock lock_;  // interrupts off: allocation may happen in interrupt context
  PageRange range_;
  List<PageFrame, &PageFrame::link> free_lists_[kMaxOrder + 1] GUARDED_BY(lock_);
  Bitmap<kMaxOrder + 1> nonempty_ GUARDED_BY(lock_);
  uint64_t free_pages_ GUARDED_BY(lock_) = 0;
};

}  // namespace viper::mm
