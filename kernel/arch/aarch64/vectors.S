// EL1 exception vectors: every entry saves a full ExceptionFrame on the
// current stack and calls handle_exception(frame) (exception.cc); IRQs
// return through the same path. The one exception: a system call from EL0
// takes a short path (el0_svc) that saves only part of the frame.
#include "kernel/arch/aarch64/boot_defs.h"

.macro VECTOR kind
    .balign 128
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #FRAME_X0]
    mov     x0, #\kind
    b       exception_common
.endm

// EL1 with SP_EL1: before touching the stack, check it has not run into a
// thread stack's guard page; a store there would fault again, forever.
// Without a free register, x0 is folded into sp and back (sp + x0 - sp).
.macro VECTOR_CHECKED kind
    .balign 128
    sub     sp, sp, #FRAME_SIZE
    add     sp, sp, x0                // sp' = sp + x0
    sub     x0, sp, x0                // x0 = sp
    tbz     x0, #KERNEL_STACK_AREA_BIT, 1f
    tbz     x0, #KERNEL_STACK_GUARD_BIT, stack_overflow
1:  sub     x0, sp, x0                // x0 = sp' - sp = the original x0
    sub     sp, sp, x0                // sp = sp' - x0
    stp     x0, x1, [sp, #FRAME_X0]
    mov     x0, #\kind
    b       exception_common
.endm

// EL0, AArch64, synchronous: the exception class first, so a system call
// (ESR_EL1.EC 0x15, SVC from AArch64) goes straight to its short path.
.macro VECTOR_EL0_SYNC
    .balign 128
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #FRAME_X0]
    mrs     x0, esr_el1
    lsr     x1, x0, #26
    cmp     x1, #0x15
    b.eq    el0_svc
    mov     x0, #8
    b       exception_common
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .global exception_vectors
exception_vectors:
    VECTOR 0    // current EL with SP_EL0: synchronous
    VECTOR 1    //   IRQ
    VECTOR 2    //   FIQ
    VECTOR 3    //   SError
    VECTOR_CHECKED 4    // current EL with SP_ELx: synchronous
    VECTOR_CHECKED 5    //   IRQ
    VECTOR_CHECKED 6    //   FIQ
    VECTOR_CHECKED 7    //   SError
    VECTOR_EL0_SYNC     // lower EL, AArch64: synchronous
    VECTOR 9    //   IRQ
    VECTOR 10   //   FIQ
    VECTOR 11   //   SError
    VECTOR 12   // lower EL, AArch32: synchronous
    VECTOR 13   //   IRQ
    VECTOR 14   //   FIQ
    VECTOR 15   //   SError

// x0 = the overflowed sp (x0 itself is lost: this ends in a panic).
stack_overflow:
    mrs     x1, tpidr_el1
    ldr     x1, [x1, #PERCPU_OVERFLOW_STACK]
    mov     sp, x1
    mrs     x1, elr_el1
    mov     x29, xzr
    bl      report_stack_overflow      // (sp, pc): never returns
1:  b       1b

exception_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    add     x1, sp, #FRAME_SIZE       // the interrupted stack: the kernel's...
    cmp     x0, #8
    b.lo    2f
    mrs     x1, sp_el0                // ...or, from EL0, the user's
2:  str     x1, [sp, #FRAME_SP]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #FRAME_ELR]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #FRAME_ESR]
    str     x0, [sp, #FRAME_KIND]
    // A frame record (interrupted fp, interrupted pc) links backtraces
    // through the exception into the interrupted code.
    stp     x29, x1, [sp, #FRAME_RECORD]
    add     x29, sp, #FRAME_RECORD
    mov     x0, sp
    bl      handle_exception

exception_return:
    // Back to EL0: the user's sp from the frame. SP_EL0 is one register per
    // CPU, and the thread may have slept here while other user threads ran
    // on this CPU with their own.
    ldr     x0, [sp, #FRAME_KIND]
    cmp     x0, #8
    b.lo    3f
    ldr     x1, [sp, #FRAME_SP]
    msr     sp_el0, x1
3:  ldp     x1, x2, [sp, #FRAME_ELR]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME_SIZE
    eret

// A system call from EL0, x0 = ESR_EL1, x0 and x1 saved. Only what the C
// handler may clobber (x0-x18, x30), x29 (it becomes the frame record's
// link) and what the return needs (ELR, SPSR) go to the frame; x19-x28
// stay in their registers: AAPCS64 makes the C code keep them, and a
// thread that sleeps in the call has them saved by the context switch,
// as it has SP_EL0 (context.h), which only the long way reads.
// The handler says what next (exception.h, SyscallNext): straight back,
// or the long way once the rest of the frame is saved.
el0_svc:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    str     x18, [sp, #144]
    stp     x29, x30, [sp, #232]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #FRAME_ELR]
    stp     x0, xzr, [sp, #FRAME_ESR]  // no FAR for an svc
    mov     x2, #8
    str     x2, [sp, #FRAME_KIND]
    stp     x29, x1, [sp, #FRAME_RECORD]
    add     x29, sp, #FRAME_RECORD
    mov     x0, sp
    mov     x1, #0                     // SyscallFrame::kShort
    adrp    x9, arch_syscall_handler
    ldr     x9, [x9, :lo12:arch_syscall_handler]
    mov     x10, #2                    // none installed: the long way panics
    cbz     x9, 4f
    blr     x9
    mov     x10, x0
    cbnz    x0, 4f

    // Straight back, x19-x28 as they are, SP_EL0 too: no call on this
    // path changes the frame's SP, and a thread that sleeps in the call
    // gets its SP_EL0 back from the context switch (context.h). ELR and
    // SPSR are written only if they changed (the thread slept while other
    // threads took exceptions on this CPU, or the call took a fault at
    // EL1): under QEMU TCG every msr to a system register ends the
    // translation block and goes back to the CPU loop (25-30 ns each,
    // measured), where reading these two is an inline load.
    ldp     x1, x2, [sp, #FRAME_ELR]
    mrs     x3, elr_el1
    mrs     x4, spsr_el1
    cmp     x1, x3
    ccmp    x2, x4, #0, eq
    b.eq    5f
    msr     elr_el1, x1
    msr     spsr_el1, x2
5:  ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldr     x18, [sp, #144]
    ldp     x29, x30, [sp, #232]
    add     sp, sp, #FRAME_SIZE
    eret

    // The long way: the rest of the frame, which is then whole, and
    // handle_syscall_long(frame, next) (exception.cc); back through the
    // return of every other exception, which loads every register.
4:  stp     x19, x20, [sp, #152]
    stp     x21, x22, [sp, #168]
    stp     x23, x24, [sp, #184]
    stp     x25, x26, [sp, #200]
    stp     x27, x28, [sp, #216]
    mrs     x1, sp_el0                 // still the caller's (context.h)
    str     x1, [sp, #FRAME_SP]
    mov     x0, sp
    mov     x1, x10
    bl      handle_syscall_long
    b       exception_return
