// Virtual memory areas (mm:vm, layer 5): what an address space has
// reserved, with what permissions, for what use. A VmaSet keeps them
// sorted and disjoint in one array: lookup is a binary search
// (O(log n)); insert and remove move the tail (address spaces have tens of
// VMAs, and the fault path only looks up).
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "kernel/lib/result.h"
#include "mm/vmm/prot.h"

namespace viper::mm {

enum class VmaKind : uint8_t {
  kAnonymous,  // zero-filled on first touch
  kStack,      // anonymous, grows down on faults (up to its floor)
  kGuard,      // reserved, never mapped: any touch is a fault
  kFile,       // file-backed: the VFS issue fills in `backing`
  kShared,     // a shared memory object's pages, mapped whole at once: never
               // copy-on-write, shared with a fork child too
};

struct Vma {
  VirtAddr start;  // page aligned
  VirtAddr end;    // exclusive, page aligned
  uint32_t prot = 0;
  VmaKind kind = VmaKind::kAnonymous;
  // kStack: the lowest address it may grow down to.
  VirtAddr grow_floor;
  // kFile: the file and the offset of `start` in it (the hook for later).
  const void* backing = nullptr;
  uint64_t offset = 0;

  bool contains(VirtAddr va) const { return va >= start && va < end; }
  // Two neighbours that may become one VMA.
  bool mergeable_with(const Vma& next) const {
    return end == next.start && prot == next.prot && kind == next.kind &&
           kind == VmaKind::kAnonymous && backing == next.backing;
  }
};

class VmaSet {
 public:
  static constexpr uint32_t kCapacity = 256;

  // kInvalidArgument (empty or unaligned), kAlreadyExists if [start, end)
  // overlaps any VMA at all (REL-001: the whole range, not only `start`),
  // kNoSpace when full. Merges with equal neighbours.
  Status insert(const Vma& vma);
  // The VMA containing `va`, or nullptr.
  const Vma* find(VirtAddr va) const;
  Vma* find(VirtAddr va);
  // The first VMA that starts above `va` / ends at or below it, or nullptr.
  Vma* next_above(VirtAddr va);
  const Vma* last_below(VirtAddr va) const;
  // Removes [start, end) from every VMA it touches, splitting VMAs that
  // reach past it. kNoSpace if a split would overflow (nothing changed).
  Status remove(VirtAddr start, VirtAddr end);
  // Sets `prot` on [start, end), splitting at the edges and merging equal
  // neighbours. kNotFound if part of the range is not reserved (nothing
  // changed); kNoSpace if splits would overflow.
  Status protect(VirtAddr start, VirtAddr end, uint32_t prot);

  uint32_t size() const { return count_; }
  const Vma& at(uint32_t i) const { return vmas_[i]; }

 private:
  // Index of the first VMA whose end is above `va` (count_ if none).
  uint32_t lower_bound(VirtAddr va) const;
  void insert_at(uint32_t index, const Vma& vma);
  void erase_at(uint32_t index);
  void merge_around(uint32_t index);

  Vma vmas_[kCapacity];
  uint32_t count_ = 0;
};

}  // namespace viper::mm
