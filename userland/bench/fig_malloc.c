/* malloc_free_64: a malloc(64) + free() pair (picolibc on ViperDOS, glibc's
 * tcache on Linux). Pure user code: the run's other canary. */
#include <stdlib.h>

#include "bench.h"

double fig_malloc_free_64(long n) {
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++) {
    void* p = malloc(64);
    if (!p) bench_die("malloc", 64);
    bench_keep(p); /* keeps the pair */
    free(p);
  }
  return (double)(bench_now_ns() - t0) / (double)n;
}
