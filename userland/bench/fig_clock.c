/* clock_gettime: one clock_gettime(CLOCK_MONOTONIC), the timer's own cost
 * (Linux reads it in its vDSO). Pure user code on a system with a
 * user-readable clock: one of the run's two canaries. */
#include <time.h>

#include "bench.h"

double fig_clock_gettime(long n) {
  struct timespec ts;
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++) {
    clock_gettime(CLOCK_MONOTONIC, &ts);
    bench_keep(&ts);
  }
  return (double)(bench_now_ns() - t0) / (double)n;
}
