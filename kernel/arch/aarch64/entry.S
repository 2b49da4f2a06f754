// Boot stub: runs at physical addresses with the MMU off (docs/boot.md).
//
// _start           boot CPU; x0 = DTB physical address if the loader passed one
// secondary_entry  PSCI CPU_ON target; x0 = physical address of its SecondaryBoot
//
// Both drop from EL2 to EL1 if needed, turn the MMU on with the boot page
// tables (identity map in TTBR0 so the next instruction still runs, the same
// tables as the higher-half direct map in TTBR1) and jump to the kernel
// proper in the higher half, which replaces the boot tables and turns TTBR0
// off: no identity mapping is left once boot is done.
#include "kernel/arch/aarch64/boot_defs.h"

// The arm64 Image header (Linux Documentation/arch/arm64/booting.rst),
// so QEMU (and any arm64 boot loader) boots the raw image with the Linux
// protocol: loaded at RAM + text_offset, x0 = the DTB, /chosen naming the
// initrd. Its first word branches over the rest.
    .section .boot.header, "ax"
    .global _image_header
_image_header:
    b       _start                    // code0
    .long   0                         // code1
    .quad   0x200000                  // text_offset: the link address is RAM + 2 MiB
    .quad   __image_size              // image_size, .bss included (kernel.ld)
    .quad   0x2                       // flags: little-endian, 4 KiB pages, 2 MiB-aligned base
    .quad   0, 0, 0                   // res2..res4
    .ascii  "ARM\x64"                // magic
    .long   0                         // res5: no PE/COFF header

    .section .boot.text, "ax"
    .global _start
_start:
    mov     x19, x0
    bl      enter_el1                 // x20 = entry exception level

    // Zero the boot tables and the kernel's .bss (by physical address).
    adrp    x0, __boot_bss_start
    adrp    x1, __boot_bss_end
    bl      zero_range
    ldr     x2, =KERNEL_VIRT_OFFSET
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
    sub     x0, x0, x2
    sub     x1, x1, x2
    bl      zero_range

    bl      build_boot_tables
    bl      enable_mmu
    ldr     x0, =primary_high
    br      x0

    .global secondary_entry
secondary_entry:
    mov     x19, x0
    bl      enter_el1
    bl      enable_mmu
    ldr     x0, =secondary_high
    br      x0

// Enters EL1 from EL1 or EL2; parks the CPU otherwise. Sets x20 to the EL
// it was entered at. Only uses x0 and x30.
enter_el1:
    mrs     x20, CurrentEL
    lsr     x20, x20, #2
    cmp     x20, #1
    b.eq    1f
    cmp     x20, #2
    b.ne    park
    mov     x0, #HCR_EL2_RW           // EL1 is AArch64, nothing trapped to EL2
    msr     hcr_el2, x0
    mov     x0, #CNTHCTL_EL1PCTEN_EL1PCEN
    msr     cnthctl_el2, x0           // EL1 may use the counters and timers
    msr     cntvoff_el2, xzr
    msr     vttbr_el2, xzr
    mrs     x0, id_aa64pfr0_el1       // GICv3 system registers implemented?
    ubfx    x0, x0, #24, #4
    cbz     x0, 2f
    mrs     x0, S3_4_C12_C9_5         // ICC_SRE_EL2: let EL1 use ICC_* registers
    orr     x0, x0, #ICC_SRE_EL2_ENABLE_SRE
    msr     S3_4_C12_C9_5, x0
    isb
2:  mov     x0, #SPSR_EL1H_DAIF_MASKED
    msr     spsr_el2, x0
    msr     elr_el2, x30              // "return" to the caller, at EL1
    eret
1:  ret

// Zeroes [x0, x1), both 8-byte aligned.
zero_range:
    cmp     x0, x1
    b.hs    1f
    str     xzr, [x0], #8
    b       zero_range
1:  ret

// boot_l0[0] -> boot_l1; boot_l1 maps physical 0-4 GiB with 1 GiB blocks:
// device memory for the first GiB (UART, GIC, virtio live there on virt),
// normal memory above (RAM starts at 1 GiB).
build_boot_tables:
    adrp    x0, boot_l0
    adrp    x1, boot_l1
    orr     x2, x1, #DESC_TABLE
    str     x2, [x0]
    ldr     x2, =BOOT_BLOCK_DEVICE
    str     x2, [x1]
    ldr     x2, =BOOT_BLOCK_NORMAL
    mov     x3, #1
1:  orr     x4, x2, x3, lsl #30
    str     x4, [x1, x3, lsl #3]
    add     x3, x3, #1
    cmp     x3, #4
    b.lo    1b
    dsb     ishst
    ret

enable_mmu:
    ldr     x0, =MAIR_VALUE
    msr     mair_el1, x0
    ldr     x0, =TCR_BASE
    mrs     x1, id_aa64mmfr0_el1      // physical address size the CPU supports
    and     x1, x1, #7
    bfi     x0, x1, #32, #3
    msr     tcr_el1, x0
    adrp    x0, boot_l0
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, =SCTLR_MMU_ON
    msr     sctlr_el1, x0
    mov     x0, #(3 << 20)            // CPACR_EL1.FPEN: FP/SIMD does not trap;
    msr     cpacr_el1, x0             // user threads own it (context.h)
    mov     x0, #CNTKCTL_EL1_EL0VCTEN // user space reads the virtual counter
    msr     cntkctl_el1, x0           // (userland/libc/clock.c), nothing else
    isb
    ret

park:
    wfe
    b       park

    .section .boot.bss, "aw", %nobits
    .balign 4096
    .global boot_l0
boot_l0:
    .space  4096
boot_l1:
    .space  4096

// ---- higher half -------------------------------------------------------
    .text
primary_high:
    ldr     x0, =boot_stack_top
    mov     sp, x0
    ldr     x0, =exception_vectors
    msr     vbar_el1, x0
    isb
    mov     x29, xzr                  // end of the frame-pointer chain
    mov     x30, xzr
    mov     x0, x19                   // DTB physical address (or 0)
    mov     x1, x20                   // entry exception level
    bl      kernel_main
    b       .

secondary_high:
    ldr     x1, =KERNEL_VIRT_OFFSET
    add     x19, x19, x1              // SecondaryBoot through the direct map
    ldr     x0, [x19, #SECONDARY_TTBR1]
    msr     ttbr1_el1, x0             // the kernel's own tables
    mrs     x0, tcr_el1
    orr     x0, x0, #TCR_EPD0         // and no more identity map
    msr     tcr_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, [x19, #SECONDARY_STACK_TOP]
    mov     sp, x0
    ldr     x0, [x19, #SECONDARY_PERCPU]
    msr     tpidr_el1, x0
    ldr     x0, =exception_vectors
    msr     vbar_el1, x0
    isb
    mov     x29, xzr
    mov     x30, xzr
    mov     x0, x20                   // entry exception level
    bl      secondary_main
    b       .

// Addresses C++ cannot form with adrp (the boot stub is linked low).
    .section .rodata
    .balign 8
    .global boot_secondary_entry_phys
boot_secondary_entry_phys:
    .quad   secondary_entry
    .global boot_image_phys_start
boot_image_phys_start:
    .quad   __image_phys_start

    .section .bss.boot_stack, "aw", %nobits
    .balign 16
boot_stack:
    .space  16384
    .global boot_stack_top
boot_stack_top:
