/* sched_yield_switch: two parties pass a turn counter in shared memory;
 * the one that does not hold the turn calls sched_yield(), so every
 * increment needs one switch to the other. Op = one switch (one way,
 * including the sched_yield call).
 *
 * _threads: the two parties are threads of one process (no address-space
 * switch), on both systems, so the pair compares like with like. Linux
 * pins both to CPU 0; ViperDOS cannot pin, so its threads may run on two
 * CPUs at once (INFO pinned= says which).
 *
 * The process variant (fork + a shared page, os_map_shared: MAP_SHARED on
 * Linux, a memory object on ViperDOS) is the figure. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "bench.h"
#include "os.h"

#ifndef __linux__
/* libc has it (posix.c), but picolibc's <sched.h> declares it only with
 * _POSIX_THREADS, which ViperDOS's libc does not claim yet. */
int sched_yield(void);
#endif

struct turns {
  volatile uint64_t turn;
  uint64_t end;
};

/* Party `parity` increments the counter when it is its turn. */
static void take_turns(struct turns* t, uint64_t parity) {
  for (;;) {
    const uint64_t v = t->turn;
    if (v >= t->end) return;
    if ((v & 1) == parity)
      t->turn = v + 1;
    else
      sched_yield();
  }
}

static void* odd_party(void* arg) {
  os_pin(0);
  take_turns(arg, 1);
  return 0;
}

double fig_yield_threads(long n) {
  struct turns t = {.turn = 0, .end = 2 * (uint64_t)n};
  pthread_t other;
  if (pthread_create(&other, 0, odd_party, &t) != 0) bench_die("pthread_create", 0);
  const uint64_t t0 = bench_now_ns();
  take_turns(&t, 0);
  const uint64_t t1 = bench_now_ns();
  if (pthread_join(other, 0) != 0) bench_die("pthread_join", 0);
  return (double)(t1 - t0) / (double)t.end;
}

#if BENCH_HAVE_FORK && BENCH_HAVE_SHARED_ANON
#include <sys/wait.h>
#include <unistd.h>

double fig_yield_processes(long n) {
  struct turns* t = os_map_shared(BENCH_PAGE);
  if (!t) bench_die("map shared", 0);
  t->turn = 0;
  t->end = 2 * (uint64_t)n;
  const pid_t child = fork();
  if (child < 0) bench_die("fork", 0);
  if (child == 0) {
    os_pin(0);
    take_turns(t, 1);
    _exit(0);
  }
  const uint64_t t0 = bench_now_ns();
  take_turns(t, 0);
  const uint64_t t1 = bench_now_ns();
  if (waitpid(child, 0, 0) != child) bench_die("waitpid", child);
  const double ns = (double)(t1 - t0) / (double)t->end;
  os_unmap_shared(t, BENCH_PAGE);
  return ns;
}
#endif
