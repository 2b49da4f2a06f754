// Kernel entry on QEMU virt. QEMU loads the ELF at its link address and
// starts the boot CPU here, at EL1 (or EL2 with -M virt,virtualization=on);
// the other CPUs stay powered off until PSCI CPU_ON.
//
// In:  x0 = DTB physical address when the loader passes one (else 0).
// Out: kernel_main(dtb, entry_el) on the boot stack with .bss zeroed.

#define HCR_EL2_RW (1 << 31)          /* EL1 runs AArch64 */
#define SPSR_EL1H_DAIF_MASKED 0x3c5   /* EL1 with SP_EL1, D/A/I/F masked */
#define CNTHCTL_EL1PCTEN_EL1PCEN 0x3  /* EL1 may use the physical timer */

    .section .text.boot, "ax"
    .global _start
_start:
    mov     x19, x0                   // keep the DTB pointer across setup
    mrs     x20, CurrentEL
    lsr     x20, x20, #2              // x20 = exception level we entered at
    cmp     x20, #2
    b.eq    .Lfrom_el2
    cmp     x20, #1
    b.ne    .Lpark                    // EL3 entry is not supported
    b       .Lat_el1

.Lfrom_el2:
    // Drop to EL1: the kernel runs at EL1; EL2 stays an empty hypervisor.
    mov     x1, #HCR_EL2_RW
    msr     hcr_el2, x1
    mov     x1, #CNTHCTL_EL1PCTEN_EL1PCEN
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mov     x1, #SPSR_EL1H_DAIF_MASKED
    msr     spsr_el2, x1
    adr     x1, .Lat_el1
    msr     elr_el2, x1
    eret

.Lat_el1:
    adrp    x1, boot_stack_top
    add     x1, x1, :lo12:boot_stack_top
    mov     sp, x1
    mov     x29, xzr                  // terminate frame-pointer backtraces
    mov     x30, xzr

    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:
    mov     x0, x19
    mov     x1, x20
    bl      kernel_main

.Lpark:
    wfe
    b       .Lpark

    .section .bss.boot_stack, "aw", %nobits
    .balign 16
boot_stack:
    .space  16384
boot_stack_top:
