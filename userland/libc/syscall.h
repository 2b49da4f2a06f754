/* Raw system calls (<viperdos/syscalls.h> has the numbers and the ABI):
 * svc #0, number in x8, arguments in x0..x5, result in x0. */
#ifndef VIPERDOS_LIBC_SYSCALL_H_
#define VIPERDOS_LIBC_SYSCALL_H_

#include <stdint.h>
#include <viperdos/syscalls.h>

static inline int64_t viper_syscall(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2,
                                    uint64_t a3, uint64_t a4, uint64_t a5) {
  register uint64_t x8 __asm__("x8") = number;
  register uint64_t x0 __asm__("x0") = a0;
  register uint64_t x1 __asm__("x1") = a1;
  register uint64_t x2 __asm__("x2") = a2;
  register uint64_t x3 __asm__("x3") = a3;
  register uint64_t x4 __asm__("x4") = a4;
  register uint64_t x5 __asm__("x5") = a5;
  __asm__ volatile("svc #0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  return (int64_t)x0;
}

/* Only x0 changes (the kernel keeps every other register), so a call
 * with no arguments sets only x8 and x0. */
static inline int64_t viper_syscall0(uint64_t number) {
  register uint64_t x8 __asm__("x8") = number;
  register uint64_t x0 __asm__("x0") = 0;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
  return (int64_t)x0;
}
static inline int64_t viper_syscall1(uint64_t number, uint64_t a0) {
  return viper_syscall(number, a0, 0, 0, 0, 0, 0);
}
static inline int64_t viper_syscall2(uint64_t number, uint64_t a0, uint64_t a1) {
  return viper_syscall(number, a0, a1, 0, 0, 0, 0);
}
static inline int64_t viper_syscall3(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2) {
  return viper_syscall(number, a0, a1, a2, 0, 0, 0);
}

#endif /* VIPERDOS_LIBC_SYSCALL_H_ */
