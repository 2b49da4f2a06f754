/* null_syscall: one kernel entry and exit doing (almost) nothing
 * (os_null_syscall says which call). */
#include "bench.h"
#include "os.h"

double fig_null_syscall(long n) {
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++) os_null_syscall();
  return (double)(bench_now_ns() - t0) / (double)n;
}
