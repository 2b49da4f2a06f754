// arch_switch_context(Context* from, const Context* to): see context.h.
    .text
    .global arch_switch_context
arch_switch_context:
    stp     x19, x20, [x0, #0]
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
