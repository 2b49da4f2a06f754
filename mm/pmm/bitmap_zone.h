// A bitmap allocator for physical ranges too small for the buddy allocator
// (under one maximal 4 MiB block). One bit per page; allocation is next-fit
// from a hint, so repeated allocations do not rescan from the start
// (PERF-003), and the range is at most kMaxPages long, so any search is
// bounded by a constant number of words.
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"
#include "kernel/lib/spinlock.h"
#include "mm/pmm/page_frame.h"

namespace viper::mm {

class BitmapZone {
 public:
  static constexpr uint64_t kMaxPages = 1024;
  static constexpr uint32_t kMaxOrder = 6;  // runs up to one 64-page word

  BitmapZone();
  BitmapZone(const BitmapZone&) = delete;
  BitmapZone& operator=(const BitmapZone&) = delete;

  void init(PhysAddr base, uint64_t pages, PageFrame* frames);
  void add_free(uint64_t first, uint64_t count);

  bool contains(PhysAddr address) const { return range_.contains(address); }
  PageFrame& frame(PhysAddr address) { return range_.frame(address); }

  // 2^order pages aligned to their size within the zone, or kNoMemory.
  Result<PhysAddr> alloc(uint32_t order);
  Status free(PhysAddr block, uint32_t order);

  uint64_t free_pages() const;
  int64_t audit() const;
  // Words examined by the last allocation (PERF-003 tests).
  uint64_t last_search_words() const;

 private:
  static constexpr uint64_t kWords = kMaxPages / 64;

  mutable IrqSpinlock lock_;  // interrupts off: allocation may happen in interrupt context
  PageRange range_;
  uint64_t used_bits_[kWords] GUARDED_BY(lock_) = {};  // 1 = allocated or unavailable
  uint64_t hint_word_ GUARDED_BY(lock_) = 0;
  uint64_t free_pages_ GUARDED_BY(lock_) = 0;
  uint64_t last_search_words_ GUARDED_BY(lock_) = 0;
};

}  // namespace viper::mm
