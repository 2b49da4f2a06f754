// AArch64 stage-1 translation-table descriptors (VMSAv8-64, 4 KiB granule,
// 48-bit VAs) and the MAIR_EL1 attributes their AttrIndx field selects. The
// only definition of these bits: the boot path's assembly (boot_defs.h),
// the kernel's own tables (mmu.cc) and user page tables
// (mm/vmm/descriptor.h) all read them here, so a kernel and a user mapping
// cannot disagree about what a bit means.
//
// Plain #defines, because .S files include this header; C++ code uses the
// typed constants at the bottom.
#pragma once

// A 64-bit literal in both languages (the assembler has no `ull` suffix).
// (Two steps, so that a macro argument is expanded before the paste.)
#ifdef __ASSEMBLER__
#define AARCH64_U64(x) x
#else
#define AARCH64_U64_PASTE(x) x##ull
#define AARCH64_U64(x) AARCH64_U64_PASTE(x)
#endif

// MAIR_EL1 attribute indexes and the register value.
#define MAIR_IDX_DEVICE_nGnRnE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_IDX_NORMAL_NC 2
#define MAIR_VALUE 0x0444ff00 /* attr3=0x04, attr2=0x44, attr1=0xff, attr0=0x00 */

// Bits [1:0]: valid, and table (levels 0-2) or page (level 3) versus block.
#define DESC_VALID AARCH64_U64(0x1)
#define DESC_TABLE_OR_PAGE AARCH64_U64(0x2)
#define DESC_TYPE_MASK AARCH64_U64(0x3)
#define DESC_TABLE AARCH64_U64(0x3)
#define DESC_BLOCK AARCH64_U64(0x1)
#define DESC_PAGE AARCH64_U64(0x3)

// Lower attributes.
#define DESC_ATTR(idx) (AARCH64_U64(idx) << 2) /* AttrIndx: a MAIR_IDX_* */
#define DESC_AP_USER (AARCH64_U64(1) << 6)     /* AP[1]: EL0 may access */
#define DESC_AP_RO (AARCH64_U64(1) << 7)       /* AP[2]: read-only */
#define DESC_SH_INNER (AARCH64_U64(3) << 8)    /* inner shareable */
#define DESC_AF (AARCH64_U64(1) << 10)         /* access flag */
#define DESC_NG (AARCH64_U64(1) << 11)         /* not global: tagged with the ASID */

// Upper attributes.
#define DESC_PXN (AARCH64_U64(1) << 53) /* never executable at EL1 */
#define DESC_UXN (AARCH64_U64(1) << 54) /* not executable at EL0 */
#define DESC_SOFTWARE_SHIFT 55          /* bits 55-58: ignored by the walker */

// The output address: the next table, the page, or the block.
#define DESC_ADDRESS_MASK AARCH64_U64(0x0000fffffffff000)

#ifndef __ASSEMBLER__

#include <stdint.h>

namespace viper::aarch64::desc {

inline constexpr uint64_t kValid = DESC_VALID;
inline constexpr uint64_t kTableOrPage = DESC_TABLE_OR_PAGE;
inline constexpr uint64_t kTypeMask = DESC_TYPE_MASK;
inline constexpr uint64_t kTable = DESC_TABLE;
inline constexpr uint64_t kBlock = DESC_BLOCK;
inline constexpr uint64_t kPage = DESC_PAGE;
inline constexpr uint64_t kAttrDevice = DESC_ATTR(MAIR_IDX_DEVICE_nGnRnE);
inline constexpr uint64_t kAttrNormal = DESC_ATTR(MAIR_IDX_NORMAL);
inline constexpr uint64_t kApUser = DESC_AP_USER;
inline constexpr uint64_t kApReadOnly = DESC_AP_RO;
inline constexpr uint64_t kShInner = DESC_SH_INNER;
inline constexpr uint64_t kAccessFlag = DESC_AF;
inline constexpr uint64_t kNotGlobal = DESC_NG;
inline constexpr uint64_t kPxn = DESC_PXN;
inline constexpr uint64_t kUxn = DESC_UXN;
inline constexpr uint32_t kSoftwareShift = DESC_SOFTWARE_SHIFT;
inline constexpr uint64_t kAddressMask = DESC_ADDRESS_MASK;

// The 4 KiB-granule, 48-bit walk: four levels of 512 entries.
inline constexpr uint32_t kLevels = 4;
inline constexpr uint32_t kEntries = 512;

// Index of virtual address `va` in the table at `level` (0 = root).
constexpr uint32_t index(uint64_t va, uint32_t level) {
  return static_cast<uint32_t>((va >> (39 - 9 * level)) & (kEntries - 1));
}

}  // namespace viper::aarch64::desc

#endif  // __ASSEMBLER__
