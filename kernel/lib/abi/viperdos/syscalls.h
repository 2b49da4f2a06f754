/* The ViperDOS system-call ABI: the one definition of call numbers, shared
 * by the kernel (kernel/syscall) and user space (userland/libc). C, so C
 * programs and the kernel's C++ read the same lines.
 *
 * A call is `svc #0` with its number in x8 and up to six arguments in
 * x0..x5; the result comes back in x0: a value >= 0, or the negative code
 * of one of the errors in <viperdos/errors.h>.
 * Every other register is preserved. Numbers are grouped by sixteen so a
 * group can grow without renumbering; a number never changes meaning. */
#ifndef VIPERDOS_SYSCALLS_H_
#define VIPERDOS_SYSCALLS_H_

#include <viperdos/errors.h>

/* Diagnostics (0..15). */
#define VIPER_SYS_DEBUG_WRITE 0 /* (const char* bytes, size_t size) -> size */

/* Processes (48..63). */
#define VIPER_SYS_PROCESS_EXIT 49 /* (int64 status) -> does not return */

/* Time (112..127). */
#define VIPER_SYS_CLOCK_MONOTONIC 112 /* () -> nanoseconds since boot */

/* One past the highest number: the dispatch table's size. */
#define VIPER_SYS_COUNT 128

/* Named limits user space must respect. */
#define VIPER_DEBUG_WRITE_MAX 4096 /* bytes per VIPER_SYS_DEBUG_WRITE */

#endif /* VIPERDOS_SYSCALLS_H_ */
