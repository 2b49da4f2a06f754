/* The POSIX calls picolibc leaves to the OS (USERSPACE-TOOLCHAIN.md lists
 * them), on ViperDOS system calls: time, sleeping, the process's id and
 * end. The file calls are fdio's (posix_fd.c); what is not there yet fails
 * with ENOSYS: a real error, never a silent success. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "userland/libc/fdio.h"
#include "userland/libc/syscall.h"

/* The result of a call as POSIX wants it: the value, or -1 with errno. */
static int64_t posix_result(int64_t result) {
  if (result >= 0) return result;
  errno = __viper_errno(result);
  return -1;
}

_Noreturn void _exit(int status) {
  viper_syscall1(VIPER_SYS_PROCESS_EXIT, (uint64_t)(int64_t)status);
  __builtin_trap(); /* the kernel never returns from an exit */
}

/* clock_gettime is in clock.c: it reads the counter without a system call. */

int nanosleep(const struct timespec* request, struct timespec* remaining) {
  if (request->tv_sec < 0 || request->tv_nsec < 0 || request->tv_nsec >= 1000000000) {
    errno = EINVAL;
    return -1;
  }
  const uint64_t now = (uint64_t)viper_syscall0(VIPER_SYS_CLOCK_MONOTONIC);
  const uint64_t ns = (uint64_t)request->tv_sec * 1000000000u + (uint64_t)request->tv_nsec;
  const int64_t slept = viper_syscall1(VIPER_SYS_THREAD_SLEEP, now + ns);
  if (remaining) remaining->tv_sec = remaining->tv_nsec = 0;
  return (int)posix_result(slept);
}

unsigned sleep(unsigned seconds) {
  const struct timespec t = {.tv_sec = seconds, .tv_nsec = 0};
  nanosleep(&t, 0);
  return 0;
}

int usleep(useconds_t microseconds) {
  const struct timespec t = {.tv_sec = microseconds / 1000000,
                             .tv_nsec = (long)(microseconds % 1000000) * 1000};
  return nanosleep(&t, 0);
}

int sched_yield(void) {
  viper_syscall1(VIPER_SYS_THREAD_SLEEP, 0); /* a deadline already passed: just a pass */
  return 0;
}

int gettimeofday(struct timeval* tv, void* tz) {
  (void)tz;
  int64_t ns = viper_syscall0(VIPER_SYS_CLOCK_WALL);
  if (ns < 0) ns = viper_syscall0(VIPER_SYS_CLOCK_MONOTONIC); /* no RTC: time since boot */
  if (ns < 0) return (int)posix_result(ns);
  tv->tv_sec = ns / 1000000000;
  tv->tv_usec = (ns % 1000000000) / 1000;
  return 0;
}

clock_t times(struct tms* buffer) {
  const int64_t ns = viper_syscall0(VIPER_SYS_CLOCK_MONOTONIC);
  const clock_t ticks = (clock_t)(ns / (1000000000 / CLOCKS_PER_SEC));
  if (buffer) {
    buffer->tms_utime = ticks;
    buffer->tms_stime = 0;
    buffer->tms_cutime = 0;
    buffer->tms_cstime = 0;
  }
  return ticks;
}

pid_t getpid(void) { return (pid_t)posix_result(viper_syscall0(VIPER_SYS_PROCESS_ID)); }

/* Random bytes from the machine's entropy device (virtio-rng), at most 256
 * per call as POSIX says (EINVAL beyond; EIO if the device fails; ENOSYS
 * on a machine without one). */
int getentropy(void* buffer, size_t size) {
  if (size > VIPER_ENTROPY_READ_MAX) {
    errno = EINVAL;
    return -1;
  }
  if (size > 0 && !buffer) {
    errno = EFAULT;
    return -1;
  }
  for (size_t done = 0; done < size;) {
    const int64_t got = viper_syscall2(VIPER_SYS_ENTROPY_READ,
                                       (uint64_t)(uintptr_t)((char*)buffer + done), size - done);
    if (got == VIPER_ERR_INTERRUPTED) continue;
    if (got <= 0) {
      errno = got == VIPER_ERR_NOT_SUPPORTED ? ENOSYS : got == VIPER_ERR_FAULT ? EFAULT : EIO;
      return -1;
    }
    done += (size_t)got;
  }
  return 0;
}
