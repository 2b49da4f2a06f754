// _start: the first instruction of every ViperDOS program.
//
// The kernel enters here at EL0 with sp at the initial stack it built:
//   [sp] argc, then argv[0..argc), NULL, envp..., NULL, auxv pairs, AT_NULL
// (docs/userspace.md). The main thread's TLS block is carved from the stack
// below that, before any C runs: libgcc's constructors write errno through
// TPIDR_EL0, so TLS must be live before __libc_init_array.
    .section .text._start, "ax"
    .global _start
    .type _start, %function
_start:
    mov     x29, #0                 // end of the frame-pointer chain
    mov     x30, #0
    mov     x0, sp                  // x0: the initial stack (argc, argv, ...)
    adrp    x1, __tls_block_size
    add     x1, x1, :lo12:__tls_block_size
    sub     x2, sp, x1
    and     x2, x2, #~63            // the TLS block, aligned for any TLS
    mov     sp, x2
    mov     x1, x2                  // x1: the TLS block
    bl      __viper_start           // does not return
    brk     #0
    .size _start, . - _start
