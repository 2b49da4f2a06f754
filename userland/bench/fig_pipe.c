/* pipe_pingpong_rtt: the parent writes a byte into one pipe, the child
 * reads it and writes it back through another, the parent reads it: one
 * round trip, 4 system calls and 2 switches, both on CPU 0 where the OS
 * can pin. */
#include "bench.h"

#if BENCH_HAVE_FORK && BENCH_HAVE_PIPE
#include <sys/wait.h>
#include <unistd.h>

#include "os.h"

double fig_pipe_pingpong(long n) {
  int down[2], up[2];
  char c = 'x';
  if (pipe(down) != 0 || pipe(up) != 0) bench_die("pipe", 0);
  const pid_t child = fork();
  if (child < 0) bench_die("fork", 0);
  if (child == 0) {
    os_pin(0);
    close(down[1]);
    close(up[0]);
    while (read(down[0], &c, 1) == 1)
      if (write(up[1], &c, 1) != 1) _exit(1);
    _exit(0);
  }
  close(down[0]);
  close(up[1]);
  /* One round trip first: the child is up (and pinned) before the clock starts. */
  if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1) bench_die("pipe warm-up", 0);
  static int calls;
  os_counts_begin();
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < n; i++)
    if (write(down[1], &c, 1) != 1 || read(up[0], &c, 1) != 1) bench_die("pipe ping-pong", i);
  const uint64_t t1 = bench_now_ns();
  os_counts_end("pipe_pingpong_rtt", n, &calls);
  close(down[1]);
  close(up[0]);
  if (waitpid(child, 0, 0) != child) bench_die("waitpid", child);
  return (double)(t1 - t0) / (double)n;
}
#endif
