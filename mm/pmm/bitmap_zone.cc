#include "mm/pmm/bitmap_zone.h"

#include "mm/pmm/lock_classes.h"

namespace viper::mm {
namespace {
LockClass g_bitmap_lock_class{kBitmapZoneLock};

uint64_t run_mask(uint32_t order) { return order >= 6 ? ~0ull : ((1ull << (1u << order)) - 1); }
}  // namespace

BitmapZone::BitmapZone() : lock_(g_bitmap_lock_class) {}

void BitmapZone::init(PhysAddr base, uint64_t pages, PageFrame* frames) {
  range_.init(base, pages < kMaxPages ? pages : kMaxPages, frames);
  IrqSpinlockGuard guard(lock_);
  for (uint64_t& word : used_bits_) word = ~0ull;  // nothing is available yet
}

void BitmapZone::add_free(uint64_t first, uint64_t count) {
  IrqSpinlockGuard guard(lock_);
  for (uint64_t i = first; i < first + count && i < range_.pages(); ++i) {
    used_bits_[i / 64] &= ~(1ull << (i % 64));
    ++free_pages_;
  }
}

Result<PhysAddr> BitmapZone::alloc(uint32_t order) {
  if (order > kMaxOrder) return Error::kNoMemory;  // the buddy zones serve big blocks
  const uint32_t run = 1u << order;
  const uint64_t mask = run_mask(order);
  IrqSpinlockGuard guard(lock_);
  const uint64_t words = (range_.pages() + 63) / 64;
  last_search_words_ = 0;
  for (uint64_t step = 0; step < words; ++step) {
    const uint64_t w = (hint_word_ + step) % words;
    ++last_search_words_;
    const uint64_t used = used_bits_[w];
    if (used == ~0ull) continue;
    for (uint32_t bit = 0; bit < 64; bit += run) {
      const uint64_t index = w * 64 + bit;
      if (index + run > range_.pages()) break;
      if ((used & (mask << bit)) != 0) continue;
      used_bits_[w] |= mask << bit;
      hint_word_ = w;  // next fit: start here next time
      free_pages_ -= run;
      PageFrame& head = range_.frame_at(index);
      head.order = static_cast<uint8_t>(order);
      head.set_state(FrameState::kAllocated);
      return range_.address_of(index);
    }
  }
  return Error::kNoMemory;
}

Status BitmapZone::free(PhysAddr block, uint32_t order) {
  if (!block.is_page_aligned() || !contains(block) || order > kMaxOrder) {
    return Error::kInvalidArgument;
  }
  const uint64_t index = range_.index_of(block);
  const uint32_t run = 1u << order;
  if (index % run != 0) return Error::kInvalidArgument;
  IrqSpinlockGuard guard(lock_);
  PageFrame& head = range_.frame_at(index);
  const FrameState state = head.get_state();
  if (state == FrameState::kCached) return Error::kDoubleFree;
  if (state != FrameState::kAllocated) {
    const bool is_free = (used_bits_[index / 64] & (1ull << (index % 64))) == 0;
    return is_free ? Error::kDoubleFree : Error::kInvalidArgument;
  }
  if (head.order != order) return Error::kInvalidArgument;
  head.set_state(FrameState::kInterior);
  head.owner_kind.store(0, MemoryOrder::kRelaxed);
  head.owner.store(nullptr, MemoryOrder::kRelaxed);
  used_bits_[index / 64] &= ~(run_mask(order) << (index % 64));
  free_pages_ += run;
  return ok_status();
}

uint64_t BitmapZone::free_pages() const {
  IrqSpinlockGuard guard(lock_);
  return free_pages_;
}

int64_t BitmapZone::audit() const {
  IrqSpinlockGuard guard(lock_);
  uint64_t clear = 0;
  for (uint64_t i = 0; i < range_.pages(); ++i)
    clear += (used_bits_[i / 64] >> (i % 64)) & 1 ? 0 : 1;
  return clear == free_pages_ ? static_cast<int64_t>(clear) : -1;
}

uint64_t BitmapZone::last_search_words() const {
  IrqSpinlockGuard guard(lock_);
  return last_search_words_;
}

}  // namespace viper::mm
