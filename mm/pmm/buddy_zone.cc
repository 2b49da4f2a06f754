#include "mm/pmm/buddy_zone.h"

#include "mm/pmm/lock_classes.h"

namespace viper::mm {
namespace {
LockClass g_zone_lock_class{kZoneLock};
}  // namespace

BuddyZone::BuddyZone() : lock_(g_zone_lock_class) {}

void BuddyZone::init(PhysAddr base, uint64_t pages, PageFrame* frames) {
  range_.init(base, pages, frames);
}

void BuddyZone::push_free(uint64_t index, uint32_t order) {
  PageFrame& f = range_.frame_at(index);
  f.order = static_cast<uint8_t>(order);
  f.set_state(FrameState::kFree);
  free_lists_[order].push_front(f);
  nonempty_.set(order);
}

void BuddyZone::pop_free(uint64_t index, uint32_t order) {
  PageFrame& f = range_.frame_at(index);
  free_lists_[order].remove(f);
  if (free_lists_[order].empty()) nonempty_.clear(order);
  f.set_state(FrameState::kInterior);
}

void BuddyZone::add_free(uint64_t first, uint64_t count) {
  IrqSpinlockGuard guard(lock_);
  // Largest aligned blocks first: offsets are relative to the zone base, so
  // buddies are always inside the zone.
  uint64_t index = first;
  const uint64_t end = first + count;
  while (index < end) {
    uint32_t order = kMaxOrder;
    while (order > 0 && ((index & ((1ull << order) - 1)) != 0 || index + (1ull << order) > end)) {
      --order;
    }
    free_locked(index, order);
    index += 1ull << order;
  }
}

// Inserts block [index, 2^order) and merges it with free buddies.
void BuddyZone::free_locked(uint64_t index, uint32_t order) {
  free_pages_ += 1ull << order;
  while (order < kMaxOrder) {
    const uint64_t buddy = index ^ (1ull << order);
    if (buddy + (1ull << order) > range_.pages()) break;
    PageFrame& b = range_.frame_at(buddy);
    if (b.get_state() != FrameState::kFree || b.order != order) break;
    pop_free(buddy, order);
    index = index < buddy ? index : buddy;
    ++order;
  }
  push_free(index, order);
}

Result<PhysAddr> BuddyZone::alloc(uint32_t order) {
  if (order > kMaxOrder) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  const size_t found = nonempty_.find_first_set(order);
  if (found == Bitmap<kMaxOrder + 1>::kNotFound) return Error::kNoMemory;
  uint32_t have = static_cast<uint32_t>(found);
  const uint64_t index = range_.index_of(*free_lists_[have].front());
  pop_free(index, have);
  while (have > order) {  // split: the upper half goes back
    --have;
    push_free(index + (1ull << have), have);
  }
  PageFrame& head = range_.frame_at(index);
  head.order = static_cast<uint8_t>(order);
  head.set_state(FrameState::kAllocated);
  free_pages_ -= 1ull << order;
  return range_.address_of(index);
}

Status BuddyZone::free(PhysAddr block, uint32_t order) {
  if (!block.is_page_aligned() || !contains(block) || order > kMaxOrder) {
    return Error::kInvalidArgument;
  }
  const uint64_t index = range_.index_of(block);
  if ((index & ((1ull << order) - 1)) != 0) return Error::kInvalidArgument;  // not on a boundary
  IrqSpinlockGuard guard(lock_);
  PageFrame& head = range_.frame_at(index);
  const FrameState state = head.get_state();
  if (state == FrameState::kFree || state == FrameState::kCached) return Error::kDoubleFree;
  if (state != FrameState::kAllocated || head.order != order) return Error::kInvalidArgument;
  head.set_state(FrameState::kInterior);
  head.owner_kind.store(0, MemoryOrder::kRelaxed);
  head.owner.store(nullptr, MemoryOrder::kRelaxed);
  free_locked(index, order);
  return ok_status();
}

uint64_t BuddyZone::free_pages() const {
  IrqSpinlockGuard guard(lock_);
  return free_pages_;
}

int64_t BuddyZone::audit() const {
  IrqSpinlockGuard guard(lock_);
  uint64_t found = 0;
  for (uint32_t order = 0; order <= kMaxOrder; ++order) {
    if (free_lists_[order].empty() == nonempty_.test(order)) return -1;
    for (const PageFrame& f : free_lists_[order]) {
      const uint64_t index = range_.index_of(f);
      if (f.get_state() != FrameState::kFree || f.order != order) return -1;
      if ((index & ((1ull << order) - 1)) != 0) return -1;
      found += 1ull << order;
    }
  }
  return found == free_pages_ ? static_cast<int64_t>(found) : -1;
}

}  // namespace viper::mm
