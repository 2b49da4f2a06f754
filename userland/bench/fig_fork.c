/* fork_exit_wait: fork(), _exit(0) in the child, waitpid() in the parent.
 * (The native spawn + exit + wait is os_native_spawn_wait.) */
#include "bench.h"

#if BENCH_HAVE_FORK
#include <sys/wait.h>
#include <unistd.h>

double fig_fork_exit_wait(long n) {
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++) {
    const pid_t child = fork();
    if (child < 0) bench_die("fork", i);
    if (child == 0) _exit(0);
    int status;
    if (waitpid(child, &status, 0) != child) bench_die("waitpid", child);
  }
  return (double)(bench_now_ns() - t0) / (double)n;
}
#endif
