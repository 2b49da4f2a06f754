// One descriptor per 4 KiB physical page. The buddy allocator keeps every
// page either the head of a block (free, allocated or cached) or an interior
// page of one, updating only heads as blocks split and merge, so "is this a
// block the caller may free?" is one look at one descriptor.
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/list.h"
#include "kernel/lib/utility.h"

namespace viper::mm {

enum class FrameState : uint8_t {
  kInterior = 0,   // inside a block, or not managed
  kFree = 1,       // head of a free buddy block
  kAllocated = 2,  // head of a block handed to a caller
  kCached = 3,     // an order-0 page in a per-CPU cache
};

// Who uses an allocated page, for O(1) pointer-to-owner lookups (PERF-001).
enum class FrameOwner : uint8_t {
  kNone = 0,
  kSlab = 1,       // `owner` is the slab.Slab* that the page belongs to
  kLargeHeap = 2,  // head of a kmalloc allocation larger than any size class
};

struct PageFrame {
  ListNode link;                  // free list of its order (heads of free blocks)
  Atomic<uint8_t> state{0};       // FrameState; changed by CAS on the fast paths
  uint8_t order = 0;              // order of the block this page heads
  Atomic<uint8_t> owner_kind{0};  // FrameOwner
  Atomic<void*> owner{nullptr};
  // Address spaces mapping this page (mm:vm copy-on-write). 32 bits: more
  // sharers than that cannot exist, and the increment refuses to wrap
  // (REL-003). Per page, so COW needs no global lock (PERF-006), and
  // initialised with the descriptor at boot, under no lock (RC-010).
  Atomic<uint32_t> shares{0};

  FrameState get_state() const {
    return static_cast<FrameState>(state.load(MemoryOrder::kAcquire));
  }
  void set_state(FrameState s) { state.store(static_cast<uint8_t>(s), MemoryOrder::kRelease); }
  bool change_state(FrameState from, FrameState to) {
    uint8_t expected = static_cast<uint8_t>(from);
    return state.compare_exchange(expected, static_cast<uint8_t>(to), MemoryOrder::kAcqRel,
                                  MemoryOrder::kAcquire);
  }
};

// A contiguous run of physical pages and their descriptors: what every
// zone kind manages.
class PageRange {
 public:
  // Sets up `pages` pages from `base`, every descriptor fresh (interior).
  void init(PhysAddr base, uint64_t pages, PageFrame* frames) {
    base_ = base;
    pages_ = pages;
    frames_ = frames;
    for (uint64_t i = 0; i < pages; ++i) new (&frames_[i]) PageFrame();
  }
  bool contains(PhysAddr address) const {
    return address >= base_ && address < base_ + PageCount(pages_);
  }
  PageFrame& frame(PhysAddr address) { return frames_[index_of(address)]; }
  PageFrame& frame_at(uint64_t index) { return frames_[index]; }
  const PageFrame& frame_at(uint64_t index) const { return frames_[index]; }
  uint64_t index_of(PhysAddr address) const { return (address - base_) >> kPageShift; }
  uint64_t index_of(const PageFrame& frame) const {
    return static_cast<uint64_t>(&frame - frames_);
  }
  PhysAddr address_of(uint64_t index) const { return base_ + PageCount(index); }
  uint64_t pages() const { return pages_; }

 private:
  PhysAddr base_;
  uint64_t pages_ = 0;
  PageFrame* frames_ = nullptr;
};

}  // namespace viper::mm
