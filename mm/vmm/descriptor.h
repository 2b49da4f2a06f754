// AArch64 stage-1 translation table descriptors for user address spaces
// (4 KiB granule, 48-bit VA, TTBR0), as plain values: what a user page's
// entry holds. The bits themselves are defined once, for the kernel's
// tables too, in kernel/arch/aarch64/descriptor_bits.h; the page-table
// tests check them with an independent walker.
#pragma once

#include <stdint.h>

#include "kernel/arch/aarch64/descriptor_bits.h"
#include "kernel/lib/addr.h"
#include "mm/vmm/prot.h"

namespace viper::mm {

namespace desc {

// The hardware's bits, from their one definition.
using aarch64::desc::kAccessFlag;
using aarch64::desc::kAddressMask;
using aarch64::desc::kApReadOnly;
using aarch64::desc::kApUser;
using aarch64::desc::kAttrNormal;  // MAIR index 1: normal write-back
using aarch64::desc::kEntries;
using aarch64::desc::kLevels;
using aarch64::desc::kNotGlobal;  // tagged with the ASID
using aarch64::desc::kPage;
using aarch64::desc::kPxn;  // user pages are never executable at EL1
using aarch64::desc::kShInner;
using aarch64::desc::kTable;
using aarch64::desc::kUxn;
using aarch64::desc::kValid;

// Software bit (ignored by the walker): shared copy-on-write, read-only
// until a write fault.
inline constexpr uint64_t kSoftCow = 1ull << aarch64::desc::kSoftwareShift;

// Index of `va` in the table at `level` (0 = root).
constexpr uint32_t index(VirtAddr va, uint32_t level) {
  return aarch64::desc::index(va.value(), level);
}

constexpr uint64_t table(PhysAddr next) { return next.value() | kTable; }

// A level-3 entry for a user page.
constexpr uint64_t page(PhysAddr frame, uint32_t prot, bool cow) {
  uint64_t d =
      frame.value() | kPage | kAttrNormal | kShInner | kAccessFlag | kNotGlobal | kPxn | kApUser;
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
