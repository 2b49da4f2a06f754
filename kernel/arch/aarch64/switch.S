// arch_switch_context(Context* from, const Context* to): see context.h.
#include "kernel/arch/aarch64/fp_regs.h"

    .arch   armv8-a+fp+simd           // the kernel's C++ never uses FP; this file does
    .section .text.hot.switch, "ax"   // beside the vectors: kernel.ld
    .global arch_switch_context
arch_switch_context:
    ldr     x9, [x0, #104]            // from->has_user_state
    cbz     x9, 1f
    add     x10, x0, #112             // from->user
    mrs     x11, tpidr_el0
    mrs     x12, fpcr
    mrs     x13, fpsr
    mrs     x14, sp_el0
    stp     x11, x12, [x10, #0]
    stp     x13, x14, [x10, #16]
    add     x10, x10, #32
    STORE_Q_REGISTERS x10
1:  ldr     x9, [x1, #104]            // to->has_user_state
    cbz     x9, 2f
    add     x10, x1, #112             // to->user
    ldp     x11, x12, [x10, #0]
    ldp     x13, x14, [x10, #16]
    // Each only if it differs: under QEMU TCG an msr to a system register
    // ends the translation block (~50 ns); FPCR and FPSR are usually the
    // same in both threads, TPIDR_EL0 in two processes of one program.
    mrs     x15, tpidr_el0
    cmp     x15, x11
    b.eq    3f
    msr     tpidr_el0, x11
3:  mrs     x15, fpcr
    cmp     x15, x12
    b.eq    4f
    msr     fpcr, x12
4:  mrs     x15, fpsr
    cmp     x15, x13
    b.eq    5f
    msr     fpsr, x13
5:  msr     sp_el0, x14
    add     x10, x10, #32
    LOAD_Q_REGISTERS x10
2:  stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    mov     x9, sp
    str     x9, [x0, #96]
    ldp     x19, x20, [x1, #0]
    ldp     x21, x22, [x1, #16]
    ldp     x23, x24, [x1, #32]
    ldp     x25, x26, [x1, #48]
    ldp     x27, x28, [x1, #64]
    ldp     x29, x30, [x1, #80]
    ldr     x9, [x1, #96]
    mov     sp, x9
    ret

// First code of a new kernel thread: x19 holds the C entry's argument.
    .global arch_thread_trampoline
arch_thread_trampoline:
    mov     x0, x19
    mov     x29, xzr                  // end of the frame-pointer chain
    bl      sched_thread_start
1:  wfe
    b       1b
