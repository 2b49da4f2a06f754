/* The POSIX calls picolibc leaves to the OS (USERSPACE-TOOLCHAIN.md lists
 * them), on ViperDOS system calls. Until files and consoled exist, the
 * standard streams write to the console through the kernel's debug write
 * and everything else fails with ENOSYS: a real error, never a silent
 * success. */
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

#include "userland/libc/syscall.h"

/* A kernel error code as errno. */
static int errno_of(int64_t error) {
  switch (error) {
    case VIPER_ERR_NO_MEMORY:
      return ENOMEM;
    case VIPER_ERR_INVALID_ARGUMENT:
      return EINVAL;
    case VIPER_ERR_NOT_FOUND:
      return ENOENT;
    case VIPER_ERR_BAD_HANDLE:
      return EBADF;
    case VIPER_ERR_ACCESS_DENIED:
      return EACCES;
    case VIPER_ERR_WOULD_BLOCK:
      return EAGAIN;
    case VIPER_ERR_TIMED_OUT:
      return ETIMEDOUT;
    case VIPER_ERR_PEER_CLOSED:
      return EPIPE;
    case VIPER_ERR_BUSY:
      return EBUSY;
    case VIPER_ERR_ALREADY_EXISTS:
      return EEXIST;
    case VIPER_ERR_OUT_OF_RANGE:
      return ERANGE;
    case VIPER_ERR_FAULT:
      return EFAULT;
    case VIPER_ERR_INTERRUPTED:
      return EINTR;
    case VIPER_ERR_NO_SPACE:
      return ENOSPC;
    case VIPER_ERR_OVERFLOW:
      return EOVERFLOW;
    default:
      return ENOSYS;
  }
}

/* The result of a call as POSIX wants it: the value, or -1 with errno. */
static int64_t posix_result(int64_t result) {
  if (result >= 0) return result;
  errno = errno_of(result);
  return -1;
}

static int64_t not_yet(void) {
  errno = ENOSYS;
  return -1;
}

_Noreturn void _exit(int status) {
  viper_syscall1(VIPER_SYS_PROCESS_EXIT, (uint64_t)(int64_t)status);
  __builtin_trap(); /* the kernel never returns from an exit */
}

ssize_t write(int fd, const void* buffer, size_t size) {
  if (fd != STDOUT_FILENO && fd != STDERR_FILENO) return not_yet();
  const char* bytes = buffer;
  size_t done = 0;
  while (done < size) {
    size_t chunk = size - done;
    if (chunk > VIPER_DEBUG_WRITE_MAX) chunk = VIPER_DEBUG_WRITE_MAX;
    const int64_t n =
        viper_syscall2(VIPER_SYS_DEBUG_WRITE, (uint64_t)(uintptr_t)(bytes + done), chunk);
    if (n < 0) return done > 0 ? (ssize_t)done : posix_result(n);
    done += (size_t)n;
  }
  return (ssize_t)done;
}

ssize_t read(int fd, void* buffer, size_t size) {
  (void)fd;
  (void)buffer;
  (void)size;
  return not_yet();
}

int open(const char* path, int flags, ...) {
  (void)path;
  (void)flags;
  return (int)not_yet();
}

int close(int fd) {
  if (fd >= 0 && fd <= 2) return 0;
  errno = EBADF;
  return -1;
}

off_t lseek(int fd, off_t offset, int whence) {
  (void)offset;
  (void)whence;
  /* The console cannot seek; fdopen() asks anyway. */
  errno = (fd >= 0 && fd <= 2) ? ESPIPE : EBADF;
  return -1;
}

int unlink(const char* path) {
  (void)path;
  return (int)not_yet();
}

int fstat(int fd, struct stat* status) {
  (void)fd;
  (void)status;
  return (int)not_yet();
}

int stat(const char* path, struct stat* status) {
  (void)path;
  (void)status;
  return (int)not_yet();
}

int isatty(int fd) { return fd >= 0 && fd <= 2; }

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


int getentropy(void* buffer, size_t size) {
  (void)buffer;
  (void)size;
  return (int)not_yet();
}
