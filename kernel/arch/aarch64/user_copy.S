// User-memory copies with unprivileged accesses (LDTRB/STTRB: checked by
// the MMU as EL0 accesses, so a user pointer can never reach kernel
// memory). Every such instruction has an entry in the ex_table section:
// a fault the address space cannot resolve resumes at the fix-up, which
// returns how many bytes were left (exception.cc applies it).
//
//   uint64_t arch_copy_from_user(void* to, const void* user_from, uint64_t n)
//   uint64_t arch_copy_to_user(void* user_to, const void* from, uint64_t n)
//       return the bytes not copied (0: all of them)
//   int64_t arch_copy_string_from_user(char* to, const char* user_from, uint64_t capacity)
//       returns the length, -1 on a fault, -2 if no NUL came within capacity

.macro USER_ACCESS fixup, instruction:vararg
9999:
    \instruction
    .pushsection ex_table, "a"
    .balign 8
    .quad 9999b, \fixup
    .popsection
.endm

    .section .text.hot.user_copy, "ax"  // beside the vectors: kernel.ld

// Eight bytes at a time (LDTR/STTR allow unaligned addresses in normal
// memory), then the tail byte by byte. A fault returns what was left; the
// caller only distinguishes all from not all.
.global arch_copy_from_user
.type arch_copy_from_user, %function
arch_copy_from_user:
1:  cmp     x2, #8
    b.lo    2f
    USER_ACCESS 9f, ldtr x3, [x1]
    str     x3, [x0], #8
    add     x1, x1, #8
    sub     x2, x2, #8
    b       1b
2:  cbz     x2, 3f
    USER_ACCESS 9f, ldtrb w3, [x1]
    strb    w3, [x0], #1
    add     x1, x1, #1
    sub     x2, x2, #1
    b       2b
3:  mov     x0, #0
    ret
9:  mov     x0, x2
    ret
.size arch_copy_from_user, . - arch_copy_from_user

.global arch_copy_to_user
.type arch_copy_to_user, %function
arch_copy_to_user:
1:  cmp     x2, #8
    b.lo    2f
    ldr     x3, [x1], #8
    USER_ACCESS 9f, sttr x3, [x0]
    add     x0, x0, #8
    sub     x2, x2, #8
    b       1b
2:  cbz     x2, 3f
    ldrb    w3, [x1], #1
    USER_ACCESS 9f, sttrb w3, [x0]
    add     x0, x0, #1
    sub     x2, x2, #1
    b       2b
3:  mov     x0, #0
    ret
9:  mov     x0, x2
    ret
.size arch_copy_to_user, . - arch_copy_to_user

.global arch_copy_string_from_user
.type arch_copy_string_from_user, %function
arch_copy_string_from_user:
    mov     x4, #0                  // length so far
1:  cmp     x4, x2
    b.hs    3f                      // capacity reached without a NUL
    USER_ACCESS 4f, ldtrb w3, [x1]
    strb    w3, [x0, x4]
    cbz     w3, 2f
    add     x1, x1, #1
    add     x4, x4, #1
    b       1b
2:  mov     x0, x4
    ret
3:  mov     x0, #-2
    ret
4:  mov     x0, #-1
    ret
.size arch_copy_string_from_user, . - arch_copy_string_from_user
