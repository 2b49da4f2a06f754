// arch_fp_save(FpState*) / arch_fp_load(const FpState*): the running
// thread's FP/SIMD registers to and from memory — {fpcr, fpsr, v0..v31},
// 16-byte aligned. For signal delivery: the kernel never touches these
// registers itself (-mgeneral-regs-only), so they still hold the user's.
#include "kernel/arch/aarch64/fp_regs.h"

    .arch   armv8-a+fp+simd
    .text
    .global arch_fp_save
arch_fp_save:
    mrs     x1, fpcr
    mrs     x2, fpsr
    stp     x1, x2, [x0], #16
    STORE_Q_REGISTERS x0
    ret

    .global arch_fp_load
arch_fp_load:
    ldp     x1, x2, [x0], #16
    msr     fpcr, x1
    msr     fpsr, x2
    LOAD_Q_REGISTERS x0
    ret
