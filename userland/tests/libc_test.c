/* picolibc on ViperDOS: float formatting and parsing, strtod round trips,
 * qsort, setjmp/longjmp, errno per thread, malloc and stdio from eight
 * threads at once, and clock_gettime without a system call. */
#include <errno.h>
#include <float.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define THREADS 8

static uint64_t next_random(uint64_t* state) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

static void run_threads(void* (*body)(void*), intptr_t* results) {
  pthread_t threads[THREADS];
  for (intptr_t i = 0; i < THREADS; ++i) {
    UEXPECT_EQ(pthread_create(&threads[i], 0, body, (void*)i), 0);
  }
  for (int i = 0; i < THREADS; ++i) {
    void* result = 0;
    UEXPECT_EQ(pthread_join(threads[i], &result), 0);
    results[i] = (intptr_t)result;
  }
}

UTEST(printf, formats_floats) {
  char s[64];
  snprintf(s, sizeof(s), "%.3f|%e|%g|%g|%.0f", 3.14159, 1234.5, 0.0001, 1e20, 2.5);
  UEXPECT(strcmp(s, "3.142|1.234500e+03|0.0001|1e+20|2") == 0);
  snprintf(s, sizeof(s), "%8.2f|%-8.1f|%+.1e", -1.005, 2.25, 6.02e23);
  UEXPECT(strcmp(s, "   -1.00|2.2     |+6.0e+23") == 0);
  snprintf(s, sizeof(s), "%f|%f|%f", INFINITY, -INFINITY, NAN);
  UEXPECT(strcmp(s, "inf|-inf|nan") == 0);
}

UTEST(scanf, parses_floats) {
  double a = 0, b = 0;
  float f = 0;
  int n = 0;
  UEXPECT_EQ(sscanf("3.25 -1e-3 0.5 x", "%lf %lf %f %n", &a, &b, &f, &n), 3);
  UEXPECT(a == 3.25);
  UEXPECT(b == -1e-3);
  UEXPECT(f == 0.5f);
  UEXPECT_EQ(n, 15);
}

static int round_trips(double d) {
  char s[40];
  snprintf(s, sizeof(s), "%.17g", d);
  char* end = 0;
  const double back = strtod(s, &end);
  return *end == '\0' && memcmp(&back, &d, sizeof(d)) == 0;
}

UTEST(strtod, round_trips_through_17_digits) {
  const double special[] = {0.0,          -0.0,   0.1,   1.0 / 3,       DBL_MIN, DBL_MAX,
                            DBL_TRUE_MIN, 5e-324, 1e308, 123456789.125, M_PI,    -2.5e-310};
  for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); ++i) {
    if (!round_trips(special[i])) utest_log("utest: %.17g does not round trip", special[i]);
    UEXPECT(round_trips(special[i]));
  }
  uint64_t state = 0x9e3779b97f4a7c15ull;
  int failed = 0;
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = next_random(&state);
    double d;
    memcpy(&d, &bits, sizeof(d));
    if (isnan(d) || isinf(d)) continue;
    if (!round_trips(d)) {
      if (failed++ < 5)
        utest_log("utest: %.17g (0x%016llx) does not round trip", d, (unsigned long long)bits);
    }
  }
  UEXPECT_EQ(failed, 0);
}

static int compare_ints(const void* a, const void* b) {
  const int x = *(const int*)a, y = *(const int*)b;
  return (x > y) - (x < y);
}

UTEST(qsort, sorts_and_keeps_every_element) {
  enum { N = 10000 };
  static int values[N];
  uint64_t state = 12345, sum = 0, sum_sorted = 0;
  for (int i = 0; i < N; ++i) {
    values[i] = (int)(next_random(&state) % 1000) - 500; /* many duplicates */
    sum += (uint64_t)(values[i] * 7919 + 3) * (uint64_t)(values[i] * 7919 + 3);
  }
  qsort(values, N, sizeof(int), compare_ints);
  int sorted = 1;
  for (int i = 0; i < N; ++i) {
    if (i > 0 && values[i - 1] > values[i]) sorted = 0;
    sum_sorted += (uint64_t)(values[i] * 7919 + 3) * (uint64_t)(values[i] * 7919 + 3);
  }
  UEXPECT(sorted);
  UEXPECT(sum == sum_sorted);
}

static jmp_buf jump;
static int depth_reached;
static void dive(int depth) {
  depth_reached = depth;
  if (depth == 50) longjmp(jump, depth);
  dive(depth + 1);
}

UTEST(setjmp, longjmp_returns_through_fifty_frames) {
  volatile int calls = 0;
  volatile double kept = 2.75;
  const int value = setjmp(jump);
  ++calls;
  if (value == 0) dive(1);
  UEXPECT_EQ(value, 50);
  UEXPECT_EQ(calls, 2);
  UEXPECT(kept == 2.75);
  UEXPECT_EQ(depth_reached, 50);
  if (setjmp(jump) == 0) longjmp(jump, 0);
  UEXPECT(1); /* longjmp(0) makes setjmp return 1, not loop */
}

static void* errno_is_mine(void* arg) {
  const int mine = 1000 + (int)(intptr_t)arg;
  errno = mine;
  for (int i = 0; i < 2000; ++i) {
    if (i % 100 == 0) viper_thread_sleep(0); /* a pass: other threads run */
    if (errno != mine) return (void*)1;
  }
  errno = 0;
  strtol("99999999999999999999999", 0, 10); /* ERANGE in this thread only */
  return (void*)(intptr_t)(errno == ERANGE ? 0 : 2);
}

UTEST(errno, is_per_thread) {
  errno = 7;
  intptr_t results[THREADS];
  run_threads(errno_is_mine, results);
  for (int i = 0; i < THREADS; ++i) UEXPECT_EQ(results[i], 0);
  UEXPECT_EQ(errno, 7);
}

/* Blocks filled with a pattern of their owner, size and position: any
 * overlap or corruption shows when they are checked before free. */
static unsigned char pattern(uintptr_t block, size_t i) { return (unsigned char)(block * 31 + i); }

static void* malloc_churn(void* arg) {
  enum { LIVE = 64, OPS = 20000 };
  unsigned char* blocks[LIVE] = {0};
  size_t sizes[LIVE] = {0};
  uint64_t state = 0x1234567ull * ((uintptr_t)arg + 1);
  intptr_t bad = 0;
  for (int op = 0; op < OPS; ++op) {
    const int slot = (int)(next_random(&state) % LIVE);
    if (blocks[slot]) {
      for (size_t i = 0; i < sizes[slot]; ++i) {
        if (blocks[slot][i] != pattern((uintptr_t)blocks[slot], i)) ++bad;
      }
      free(blocks[slot]);
      blocks[slot] = 0;
    } else {
      const uint64_t r = next_random(&state);
      sizes[slot] = (r % 16 == 0) ? 16384 + r % 100000 : 1 + r % 512;
      blocks[slot] = malloc(sizes[slot]);
      if (!blocks[slot]) {
        ++bad;
        continue;
      }
      for (size_t i = 0; i < sizes[slot]; ++i) {
        blocks[slot][i] = pattern((uintptr_t)blocks[slot], i);
      }
    }
  }
  for (int slot = 0; slot < LIVE; ++slot) free(blocks[slot]);
  return (void*)bad;
}

UTEST(malloc, eight_threads_allocate_and_free_without_corruption) {
  intptr_t results[THREADS];
  run_threads(malloc_churn, results);
  for (int i = 0; i < THREADS; ++i) UEXPECT_EQ(results[i], 0);
  void* p = malloc(1 << 20); /* the heap still works */
  UEXPECT(p != 0);
  free(p);
}

/* Small freed blocks wait in the thread's cache (userland/libc/
 * malloc_cache.c) and come back from it: the same block for the same size,
 * and zeroed, as picolibc's own malloc and calloc hand out memory. */
UTEST(malloc, a_freed_small_block_comes_back_zeroed_for_malloc_and_calloc) {
  unsigned char* first = malloc(64);
  UASSERT(first != 0);
  memset(first, 0xa5, 64);
  free(first);
  unsigned char* again = malloc(64);
  UEXPECT(again == first); /* from the cache */
  int dirty = 0;
  for (int i = 0; i < 64; ++i) dirty += again[i] != 0;
  UEXPECT_EQ(dirty, 0);
  memset(again, 0x5a, 64);
  free(again);
  unsigned* zeroed = calloc(16, sizeof(unsigned));
  UASSERT(zeroed != 0);
  dirty = 0;
  for (int i = 0; i < 16; ++i) dirty += zeroed[i] != 0;
  UEXPECT_EQ(dirty, 0);
  free(zeroed);
  UEXPECT(malloc_usable_size(first) >= 64); /* a chunk of the allocator all along */
}

/* A bad input: a block bigger than the cache's classes, and the sizes
 * around a class edge, still get blocks of their size. */
UTEST(malloc, sizes_beyond_and_between_the_cache_classes_get_blocks_that_fit) {
  const size_t sizes[] = {0, 1, 15, 16, 17, 255, 256, 257, 4096};
  for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); ++k) {
    void* blocks[12];
    for (int i = 0; i < 12; ++i) {
      blocks[i] = malloc(sizes[k]);
      UEXPECT(blocks[i] != 0);
      UEXPECT(malloc_usable_size(blocks[i]) >= sizes[k]);
      memset(blocks[i], 0xee, sizes[k]);
    }
    for (int i = 0; i < 12; ++i) free(blocks[i]);
  }
  free(0); /* nothing */
}

/* Long lines from eight threads at once through stdout: each carries its
 * thread, number and a checksum of its payload, so the console log can be
 * checked line by line (every line must be whole); here, every printf must
 * have written the whole line. */
#define LINES 40
static void* print_lines(void* arg) {
  const int id = (int)(intptr_t)arg;
  char payload[201];
  intptr_t bad = 0;
  for (int n = 0; n < LINES; ++n) {
    unsigned sum = 0;
    for (int i = 0; i < 200; ++i) {
      payload[i] = (char)('a' + (id * 7 + n + i) % 26);
      sum = sum * 31 + (unsigned char)payload[i];
    }
    payload[200] = '\0';
    const int written = printf("stdio-line t%d n%02d %s sum %08x\n", id, n, payload, sum);
    if (written != 232) ++bad; /* 11 + 2 + 1 + 3 + 1 + 200 + 5 + 8 + 1 */
  }
  return (void*)bad;
}

UTEST(stdio, eight_threads_print_whole_lines) {
  intptr_t results[THREADS];
  run_threads(print_lines, results);
  fflush(stdout);
  for (int i = 0; i < THREADS; ++i) UEXPECT_EQ(results[i], 0);
}

/* clock_gettime reads the counter in user space (userland/libc/clock.c):
 * it must be the kernel's clock, not just a clock. */
static uint64_t ns_of(const struct timespec* ts) {
  return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

UTEST(clock_gettime, monotonic_is_the_kernels_clock_and_never_goes_back) {
  struct timespec before, after;
  for (int i = 0; i < 1000; ++i) {
    UASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &before), 0);
    const uint64_t kernel = viper_clock_monotonic();
    UASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &after), 0);
    UASSERT(ns_of(&before) <= kernel);
    UASSERT(kernel <= ns_of(&after));
    UASSERT(before.tv_nsec >= 0 && before.tv_nsec < 1000000000);
  }
}

UTEST(clock_gettime, realtime_is_the_wall_clock) {
  const int64_t wall = viper_clock_wall();
  struct timespec now;
  UASSERT_EQ(clock_gettime(CLOCK_REALTIME, &now), 0);
  if (wall < 0) { /* no RTC: the time since boot */
    UEXPECT(ns_of(&now) >= viper_clock_monotonic() - 1000000000u);
    return;
  }
  /* After the wall clock read, within the second this test may take. */
  UEXPECT(ns_of(&now) >= (uint64_t)wall);
  UEXPECT(ns_of(&now) - (uint64_t)wall < 1000000000u);
}

UTEST(clock_gettime, refuses_an_unknown_clock_and_a_null_timespec) {
  struct timespec ts;
  errno = 0;
  UEXPECT_EQ(clock_gettime((clockid_t)42, &ts), -1);
  UEXPECT_EQ(errno, EINVAL);
  errno = 0;
  UEXPECT_EQ(clock_gettime(CLOCK_MONOTONIC, 0), -1);
  UEXPECT_EQ(errno, EFAULT);
}

/* getentropy: bytes from the machine's virtio-rng (QEMU's), never the same
 * twice, at most 256 per call; bad buffers are EFAULT, not a crash. */
UTEST(getentropy, fills_buffers_from_the_entropy_device) {
  unsigned char a[32], b[32], big[256];
  memset(a, 0, sizeof(a));
  memset(b, 0, sizeof(b));
  UASSERT_EQ(getentropy(a, sizeof(a)), 0);
  UASSERT_EQ(getentropy(b, sizeof(b)), 0);
  UEXPECT(memcmp(a, b, sizeof(a)) != 0);
  int nonzero = 0;
  for (size_t i = 0; i < sizeof(a); ++i) nonzero += a[i] != 0;
  UEXPECT(nonzero > 16);
  UEXPECT_EQ(getentropy(big, sizeof(big)), 0);
  UEXPECT_EQ(getentropy(big, 0), 0);
}

UTEST(getentropy, refuses_more_than_256_bytes_and_bad_buffers) {
  unsigned char big[257];
  errno = 0;
  UEXPECT_EQ(getentropy(big, sizeof(big)), -1);
  UEXPECT_EQ(errno, EINVAL);
  errno = 0;
  UEXPECT_EQ(getentropy(0, 16), -1);
  UEXPECT_EQ(errno, EFAULT);
  errno = 0;
  UEXPECT_EQ(getentropy((void*)0x10, 16), -1); /* unmapped */
  UEXPECT_EQ(errno, EFAULT);
}

/* Several threads at once share the device's one request slot: each waits
 * its turn (a condition with a side effect once deadlocked exactly here). */
static void* entropy_many(void* arg) {
  (void)arg;
  unsigned char bytes[64];
  for (int i = 0; i < 50; ++i) {
    if (getentropy(bytes, sizeof(bytes)) != 0) return (void*)1;
  }
  return 0;
}

UTEST(getentropy, four_threads_at_once_all_get_their_bytes) {
  pthread_t threads[4];
  for (int i = 0; i < 4; ++i) UASSERT_EQ(pthread_create(&threads[i], 0, entropy_many, 0), 0);
  for (int i = 0; i < 4; ++i) {
    void* failed = (void*)1;
    pthread_join(threads[i], &failed);
    UEXPECT(failed == 0);
  }
}
