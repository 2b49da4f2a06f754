// arch_enter_user(pc, sp, arg0, arg1, tls): leaves the kernel for EL0 at `pc`
// with SP_EL0 = `sp`, x0/x1 = the arguments and every other register
// cleared, FP/SIMD and TPIDR_EL0 too (nothing of the kernel or of another
// thread leaks), interrupts enabled at EL0. Exceptions
// from EL0 come back on this thread's kernel stack, below this point;
// this call never returns.
#include "kernel/arch/aarch64/boot_defs.h"

.arch armv8-a+fp+simd
.text
.global arch_enter_user
.type arch_enter_user, %function
arch_enter_user:
    // No interrupt between here and the eret: an exception taken at EL1
    // would overwrite ELR_EL1/SPSR_EL1 with its own return state, and the
    // eret would then "return" to a kernel address. The eret unmasks them
    // (SPSR_EL1 = 0: EL0t, DAIF clear).
    msr     daifset, #0xf
    // TPIDR_EL0 = tls; FP/SIMD start at zero: they may still hold the
    // previous user thread's values (context.h).
    msr     tpidr_el0, x4
    msr     fpcr, xzr
    msr     fpsr, xzr
    movi    v0.2d, #0
    movi    v1.2d, #0
    movi    v2.2d, #0
    movi    v3.2d, #0
    movi    v4.2d, #0
    movi    v5.2d, #0
    movi    v6.2d, #0
    movi    v7.2d, #0
    movi    v8.2d, #0
    movi    v9.2d, #0
    movi    v10.2d, #0
    movi    v11.2d, #0
    movi    v12.2d, #0
    movi    v13.2d, #0
    movi    v14.2d, #0
    movi    v15.2d, #0
    movi    v16.2d, #0
    movi    v17.2d, #0
    movi    v18.2d, #0
    movi    v19.2d, #0
    movi    v20.2d, #0
    movi    v21.2d, #0
    movi    v22.2d, #0
    movi    v23.2d, #0
    movi    v24.2d, #0
    movi    v25.2d, #0
    movi    v26.2d, #0
    movi    v27.2d, #0
    movi    v28.2d, #0
    movi    v29.2d, #0
    movi    v30.2d, #0
    movi    v31.2d, #0
    msr     elr_el1, x0
    msr     sp_el0, x1
    msr     spsr_el1, xzr           // EL0t, DAIF clear
    mov     x0, x2
    mov     x1, x3
    mov     x2, xzr
    mov     x3, xzr
    mov     x4, xzr
    mov     x5, xzr
    mov     x6, xzr
    mov     x7, xzr
    mov     x8, xzr
    mov     x9, xzr
    mov     x10, xzr
    mov     x11, xzr
    mov     x12, xzr
    mov     x13, xzr
    mov     x14, xzr
    mov     x15, xzr
    mov     x16, xzr
    mov     x17, xzr
    mov     x18, xzr
    mov     x19, xzr
    mov     x20, xzr
    mov     x21, xzr
    mov     x22, xzr
    mov     x23, xzr
    mov     x24, xzr
    mov     x25, xzr
    mov     x26, xzr
    mov     x27, xzr
    mov     x28, xzr
    mov     x29, xzr
    mov     x30, xzr
    eret
.size arch_enter_user, . - arch_enter_user

// arch_resume_user(frame): back to EL0 with the registers of an exception
// frame (a forked child resumes where its parent called fork). Interrupts
// stay masked until the eret, for the reason given above.
.global arch_resume_user
.type arch_resume_user, %function
arch_resume_user:
    msr     daifset, #0xf
    ldr     x1, [x0, #FRAME_SP]
    msr     sp_el0, x1
    ldp     x1, x2, [x0, #FRAME_ELR]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldr     x30, [x0, #240]
    ldp     x0, x1, [x0, #FRAME_X0]
    eret
.size arch_resume_user, . - arch_resume_user

// arch_sync_instruction_cache(start, end): makes instructions written
// through the data side visible to instruction fetch on every CPU.
.global arch_sync_instruction_cache
.type arch_sync_instruction_cache, %function
arch_sync_instruction_cache:
    mrs     x3, ctr_el0
    ubfx    x3, x3, #16, #4         // DminLine: log2(words)
    mov     x2, #4
    lsl     x2, x2, x3              // smallest data cache line, bytes
    sub     x4, x2, #1
    bic     x4, x0, x4
1:  dc      cvau, x4
    add     x4, x4, x2
    cmp     x4, x1
    b.lo    1b
    dsb     ish
    ic      ialluis
    dsb     ish
    isb
    ret
.size arch_sync_instruction_cache, . - arch_sync_instruction_cache
