/* clock_gettime without a system call: the kernel lets EL0 read the virtual
 * counter (CNTKCTL_EL1.EL0VCTEN, kernel/arch/aarch64/entry.S), so
 * CLOCK_MONOTONIC is CNTVCT_EL0 converted with CNTFRQ_EL0 -- the same
 * formula as the kernel's arch::uptime_ns(), so a deadline computed here is
 * the kernel's nanosecond for nanosecond. Under QEMU a system call costs
 * about a microsecond; this is two register reads and two divisions.
 *
 * CLOCK_REALTIME is the monotonic clock plus the RTC's offset, asked of the
 * kernel once (VIPER_SYS_CLOCK_WALL is the RTC read at boot plus the
 * monotonic clock, so the offset never changes). Without an RTC it is the
 * time since boot, as before. */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "userland/libc/syscall.h"

static uint64_t counter_ticks(void) {
  uint64_t ticks;
  /* isb: the read happens here, not earlier than the code before it. */
  __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(ticks) : : "memory");
  return ticks;
}

static uint64_t counter_frequency(void) {
  uint64_t frequency;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frequency));
  return frequency;
}

static uint64_t monotonic_ns(void) {
  const uint64_t ticks = counter_ticks();
  const uint64_t frequency = counter_frequency();
  return (ticks / frequency) * 1000000000ull + (ticks % frequency) * 1000000000ull / frequency;
}

/* Nanoseconds from the monotonic clock to the wall clock; asked once.
 * The kernel reads its clock after ours (it is inside the call), so
 * `wall - before` is the kernel's offset plus at most the time to enter the
 * call: never earlier than the kernel's own wall clock, about a microsecond
 * later at worst. Threads racing to ask store nearly the same value. */
static int64_t g_wall_offset;
static uint32_t g_wall_known; /* 1 once g_wall_offset is stored (release) */

static int64_t wall_offset(void) {
  if (__atomic_load_n(&g_wall_known, __ATOMIC_ACQUIRE)) return g_wall_offset;
  const uint64_t before = monotonic_ns();
  const int64_t wall = viper_syscall0(VIPER_SYS_CLOCK_WALL);
  const int64_t offset = wall < 0 ? 0 : wall - (int64_t)before; /* no RTC: since boot */
  __atomic_store_n(&g_wall_offset, offset, __ATOMIC_RELAXED);
  __atomic_store_n(&g_wall_known, 1, __ATOMIC_RELEASE);
  return offset;
}

int clock_gettime(clockid_t clock, struct timespec* ts) {
  if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) {
    errno = EINVAL;
    return -1;
  }
  if (!ts) {
    errno = EFAULT;
    return -1;
  }
  const uint64_t ns =
      clock == CLOCK_REALTIME ? monotonic_ns() + (uint64_t)wall_offset() : monotonic_ns();
  ts->tv_sec = (time_t)(ns / 1000000000u);
  ts->tv_nsec = (long)(ns % 1000000000u);
  return 0;
}
