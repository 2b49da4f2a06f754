#include "mm/vm/vma.h"

namespace viper::mm {

uint32_t VmaSet::lower_bound(VirtAddr va) const {
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (vmas_[mid].end <= va) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

const Vma* VmaSet::find(VirtAddr va) const {
  const uint32_t i = lower_bound(va);
  return i < count_ && vmas_[i].contains(va) ? &vmas_[i] : nullptr;
}

Vma* VmaSet::find(VirtAddr va) {
  return const_cast<Vma*>(static_cast<const VmaSet*>(this)->find(va));
}

Vma* VmaSet::next_above(VirtAddr va) {
  const uint32_t i = lower_bound(va);
  if (i < count_ && vmas_[i].start > va) return &vmas_[i];
  if (i + 1 < count_) return &vmas_[i + 1];
  return nullptr;
}

const Vma* VmaSet::last_below(VirtAddr va) const {
  const uint32_t i = lower_bound(va);  // first with end > va
  return i > 0 ? &vmas_[i - 1] : nullptr;
}

void VmaSet::insert_at(uint32_t index, const Vma& vma) {
  for (uint32_t i = count_; i > index; --i) vmas_[i] = vmas_[i - 1];
  vmas_[index] = vma;
  ++count_;
}

void VmaSet::erase_at(uint32_t index) {
  for (uint32_t i = index; i + 1 < count_; ++i) vmas_[i] = vmas_[i + 1];
  --count_;
}

void VmaSet::merge_around(uint32_t index) {
  if (index + 1 < count_ && vmas_[index].mergeable_with(vmas_[index + 1])) {
    vmas_[index].end = vmas_[index + 1].end;
    erase_at(index + 1);
  }
  if (index > 0 && vmas_[index - 1].mergeable_with(vmas_[index])) {
    vmas_[index - 1].end = vmas_[index].end;
    erase_at(index);
  }
}

Status VmaSet::insert(const Vma& vma) {
  if (vma.start >= vma.end || !vma.start.is_page_aligned() || !vma.end.is_page_aligned()) {
    return Error::kInvalidArgument;
  }
  const uint32_t i = lower_bound(vma.start);  // first VMA ending above start
  // REL-001: any VMA with start < new end and end > new start overlaps.
  if (i < count_ && vmas_[i].start < vma.end) return Error::kAlreadyExists;
  if (count_ == kCapacity) return Error::kNoSpace;
  insert_at(i, vma);
  merge_around(i);
  return ok_status();
}

Status VmaSet::remove(VirtAddr start, VirtAddr end) {
  if (start >= end) return Error::kInvalidArgument;
  uint32_t i = lower_bound(start);
  // A VMA that reaches past both edges splits in two: one more entry.
  if (i < count_ && vmas_[i].start < start && vmas_[i].end > end && count_ == kCapacity) {
    return Error::kNoSpace;
  }
  while (i < count_ && vmas_[i].start < end) {
    Vma& v = vmas_[i];
    if (v.start < start && v.end > end) {  // split: keep both ends
      Vma upper = v;
      upper.offset += end - v.start;
      upper.start = end;
      v.end = start;
      insert_at(i + 1, upper);
      return ok_status();
    }
    if (v.start < start) {  // keep the lower part
      v.end = start;
      ++i;
    } else if (v.end > end) {  // keep the upper part
      v.offset += end - v.start;
      v.start = end;
      ++i;
    } else {
      erase_at(i);
    }
  }
  return ok_status();
}

Status VmaSet::protect(VirtAddr start, VirtAddr end, uint32_t prot) {
  if (start >= end) return Error::kInvalidArgument;
  // Every byte must be reserved, and the splits must fit.
  uint32_t i = lower_bound(start);
  VirtAddr covered = start;
  uint32_t splits = 0;
  for (uint32_t k = i; k < count_ && vmas_[k].start < end; ++k) {
    if (vmas_[k].start > covered) return Error::kNotFound;
    if (vmas_[k].start < start) ++splits;
    if (vmas_[k].end > end) ++splits;
    covered = vmas_[k].end;
  }
  if (covered < end) return Error::kNotFound;
  if (count_ + splits > kCapacity) return Error::kNoSpace;
  for (; i < count_ && vmas_[i].start < end; ++i) {
    if (vmas_[i].start < start) {
      Vma upper = vmas_[i];
      upper.offset += start - vmas_[i].start;
      upper.start = start;
      vmas_[i].end = start;
      insert_at(i + 1, upper);
      continue;  // the next round handles the upper part
    }
    if (vmas_[i].end > end) {
      Vma upper = vmas_[i];
      upper.offset += end - vmas_[i].start;
      upper.start = end;
      vmas_[i].end = end;
      insert_at(i + 1, upper);
    }
    vmas_[i].prot = prot;
  }
  // Merge what became equal (a pass over the touched neighbourhood).
  for (uint32_t k = lower_bound(start) > 0 ? lower_bound(start) - 1 : 0;
       k + 1 < count_ && vmas_[k].start < end;) {
    if (vmas_[k].mergeable_with(vmas_[k + 1])) {
      vmas_[k].end = vmas_[k + 1].end;
      erase_at(k + 1);
    } else {
      ++k;
    }
  }
  return ok_status();
}

}  // namespace viper::mm
