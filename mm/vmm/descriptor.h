// AArch64 stage-1 translation table descriptors for user address spaces
// (4 KiB granule, 48-bit VA, TTBR0), as plain values. The page-table code
// and its tests' independent walker both read the bits from here; nothing
// else knows the layout.
#pragma once

#include <stdint.h>

#include "kernel/lib/addr.h"
#include "mm/vmm/prot.h"

namespace viper::mm {

namespace desc {

inline constexpr uint64_t kValid = 1ull << 0;
inline constexpr uint64_t kTableOrPage = 1ull << 1;  // table (levels 0-2) / page (level 3)
inline constexpr uint64_t kAttrNormal = 1ull << 2;   // MAIR index 1: normal write-back
inline constexpr uint64_t kApUser = 1ull << 6;       // AP[1]: EL0 may access
inline constexpr uint64_t kApReadOnly = 1ull << 7;   // AP[2]
inline constexpr uint64_t kShInner = 3ull << 8;
inline constexpr uint64_t kAccessFlag = 1ull << 10;
inline constexpr uint64_t kNotGlobal = 1ull << 11;  // nG: tagged with the ASID
inline constexpr uint64_t kPxn = 1ull << 53;        // never executable at EL1
inline constexpr uint64_t kUxn = 1ull << 54;        // not executable at EL0
// Software bits (ignored by the walker).
inline constexpr uint64_t kSoftCow = 1ull
                                     << 55;  // shared copy-on-write: read-only until a write fault
inline constexpr uint64_t kAddressMask = 0x0000fffffffff000ull;

inline constexpr uint32_t kLevels = 4;
inline constexpr uint32_t kEntries = 512;

// Index of `va` in the table at `level` (0 = root).
constexpr uint32_t index(VirtAddr va, uint32_t level) {
  return static_cast<uint32_t>((va.value() >> (39 - 9 * level)) & (kEntries - 1));
}

constexpr uint64_t table(PhysAddr next) { return next.value() | kValid | kTableOrPage; }

// A level-3 entry for a user page.
constexpr uint64_t page(PhysAddr frame, uint32_t prot, bool cow) {
  uint64_t d = frame.value() | kValid | kTableOrPage | kAttrNormal | kShInner | kAccessFlag |
               kNotGlobal | kPxn | kApUser;
  // A COW page is mapped read-only whatever the VMA allows.
  if (!(prot & kProtWrite) || cow) d |= kApReadOnly;
  if (!(prot & kProtExec)) d |= kUxn;
  if (cow) d |= kSoftCow;
  return d;
}

constexpr bool valid(uint64_t d) { return d & kValid; }
constexpr PhysAddr address(uint64_t d) { return PhysAddr(d & kAddressMask); }
constexpr bool cow(uint64_t d) { return d & kSoftCow; }
// The permissions a page entry grants user space.
constexpr uint32_t prot(uint64_t d) {
  uint32_t p = kProtRead;
  if (!(d & kApReadOnly)) p |= kProtWrite;
  if (!(d & kUxn)) p |= kProtExec;
  return p;
}

}  // namespace desc
}  // namespace viper::mm
