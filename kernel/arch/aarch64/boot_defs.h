// Constants shared by the assembly boot path and C++ (no C++ here: this
// header is also included from .S files).
#pragma once

#include "kernel/arch/aarch64/descriptor_bits.h"  // MAIR_*, DESC_*

#define KERNEL_VIRT_OFFSET 0xffff000000000000

// TCR_EL1: 48-bit VAs in both halves, 4 KiB granules, write-back
// inner-shareable walks, 16-bit ASIDs. IPS is filled in from
// ID_AA64MMFR0_EL1 at boot.
#define TCR_T0SZ_48 16
#define TCR_T1SZ_48 (16 << 16)
#define TCR_WALK_WB_IS ((1 << 8) | (1 << 10) | (3 << 12) | (1 << 24) | (1 << 26) | (3 << 28))
#define TCR_TG1_4K (2 << 30)
#define TCR_EPD0 (1 << 7)
#define TCR_AS16 (1 << 36)
#define TCR_BASE (TCR_T0SZ_48 | TCR_T1SZ_48 | TCR_WALK_WB_IS | TCR_TG1_4K | TCR_AS16)

// SCTLR_EL1: MMU, caches, stack alignment checks, plus the RES1 bits.
#define SCTLR_RES1 0x30d00800
#define SCTLR_MMU_ON (SCTLR_RES1 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 12))

// CNTKCTL_EL1.EL0VCTEN: EL0 may read CNTVCT_EL0 and CNTFRQ_EL0 (libc's
// clock_gettime without a system call); the physical counter and every
// timer register stay EL1's.
#define CNTKCTL_EL1_EL0VCTEN (1 << 1)

// Boot page tables: 1 GiB blocks, device memory below RAM, normal above.
#define BOOT_BLOCK_DEVICE \
  (DESC_BLOCK | DESC_ATTR(MAIR_IDX_DEVICE_nGnRnE) | DESC_AF | DESC_PXN | DESC_UXN)
#define BOOT_BLOCK_NORMAL \
  (DESC_BLOCK | DESC_ATTR(MAIR_IDX_NORMAL) | DESC_SH_INNER | DESC_AF | DESC_UXN)

// EL2 -> EL1 hand-over.
#define HCR_EL2_RW (1 << 31)
#define SPSR_EL1H_DAIF_MASKED 0x3c5
#define CNTHCTL_EL1PCTEN_EL1PCEN 0x3
#define ICC_SRE_EL2_ENABLE_SRE 0xf

// Exception frame layout (exception.h mirrors it).
#define FRAME_X0 0
#define FRAME_SP 248
#define FRAME_ELR 256
#define FRAME_SPSR 264
#define FRAME_ESR 272
#define FRAME_FAR 280
#define FRAME_KIND 288
#define FRAME_RECORD 304
#define FRAME_SIZE 320

// SecondaryBoot layout (kernel/boot/smp.h mirrors it).
#define SECONDARY_TTBR1 0
#define SECONDARY_STACK_TOP 8
#define SECONDARY_PERCPU 16

// PerCpu::overflow_stack_top (kernel/arch/percpu.h).
#define PERCPU_OVERFLOW_STACK 0

// Kernel thread stacks live outside the direct map, in 32 KiB slots whose
// lower half is an unmapped guard: an address there has bit 45 set (nothing
// in the direct map does), and inside a stack bit 14 is set. A stack
// pointer with bit 45 set and bit 14 clear has overflowed into a guard.
#define KERNEL_STACK_AREA 0xffff200000000000
#define KERNEL_STACK_SLOT_SHIFT 15
#define KERNEL_STACK_AREA_BIT 45
#define KERNEL_STACK_GUARD_BIT 14
