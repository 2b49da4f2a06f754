#include "mm/vmm/asid.h"

namespace viper::mm {
void AsidAllocator::roll_over() {
  ++generation_;
  used_.clear_all();  // ASID 0 (no user space) is never handed out: searches start at 1
  next_ = 1;
  for (uint32_t cpu = 0; cpu < arch::kMaxCpus; ++cpu) {
    // What runs now keeps its number; every TLB is flushed before reuse.
    reserved_[cpu] = active_[cpu];
    if (reserved_[cpu]) used_.set(number(reserved_[cpu]));
    flush_pending_[cpu] = true;
  }
}

uint64_t AsidAllocator::fresh_tag(uint64_t old) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (old) {
      // Running somewhere at the last rollover: it kept its number.
      bool kept = false;
      for (uint64_t& reserved : reserved_) {
        if (reserved == old) {
          reserved = (generation_ << 16) | number(old);
          kept = true;
        }
      }
      if (kept) return (generation_ << 16) | number(old);
    }
    size_t asid = next_ < asids_ ? used_.find_first_clear(next_) : Bitmap<kMaxAsids>::kNotFound;
    if (asid >= asids_) asid = used_.find_first_clear(1);
    if (asid < asids_) {
      used_.set(asid);
      next_ = static_cast<uint32_t>(asid + 1);
      return (generation_ << 16) | asid;
    }
    roll_over();
  }
  // Unreachable: after a rollover at most kMaxCpus numbers are taken.
  return (generation_ << 16) | 0;
}

void AsidAllocator::limit_to(uint32_t asids) {
  IrqSpinlockGuard guard(lock_);
  if (asids < asids_) asids_ = asids;
}

uint16_t AsidAllocator::activate(AsidTag& tag, uint32_t cpu) {
  IrqSpinlockGuard guard(lock_);
  uint64_t current = tag.load(MemoryOrder::kRelaxed);
  if (current == 0 || generation_of(current) != generation_) {
    current = fresh_tag(current);
    tag.store(current, MemoryOrder::kRelease);
  }
  if (flush_pending_[cpu]) {
    arch::tlb_flush_local_all();
    flush_pending_[cpu] = false;
  }
  active_[cpu] = current;
  return number(current);
}

void AsidAllocator::deactivate(uint32_t cpu) {
  IrqSpinlockGuard guard(lock_);
  active_[cpu] = 0;
}

void AsidAllocator::release(AsidTag& tag) {
  IrqSpinlockGuard guard(lock_);
  const uint64_t current = tag.exchange(0, MemoryOrder::kAcqRel);
  if (current == 0) return;
  // Kept through the last rollover: it stays taken in this generation too.
  for (uint64_t& r : reserved_) {
    if (r == current) r = 0;
  }
  // used_ keeps its number until the next rollover (see the declaration).
}

uint64_t AsidAllocator::generation() const {
  IrqSpinlockGuard guard(lock_);
  return generation_;
}

uint16_t AsidAllocator::active_on(uint32_t cpu) const {
  IrqSpinlockGuard guard(lock_);
  return number(active_[cpu]);
}

}  // namespace viper::mm
