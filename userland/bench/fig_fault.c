/* anon_fault_4k: the first write to each 4 KiB page of a fresh 64 MiB
 * anonymous mapping (fault, zeroed page, mapping, back to EL0). Op = one
 * page; mapping and unmapping are not timed. ViperDOS maps ahead on an
 * ascending run of first touches (fault-around, docs/vm.md), Linux does
 * not for anonymous memory, so this is the cost of a sequential pass.
 *
 * anon_fault_4k_descending: the same pages written from the top down, so
 * a fault never finds the page below it mapped and maps ahead nothing:
 * one fault per page on both systems.
 *
 * cow_fault_4k: the parent fills 64 MiB and forks; the child writes each
 * page once (fault + 4 KiB copy). Timed in the child, sent back through a
 * pipe. */
#include <unistd.h>

#include "bench.h"
#include "os.h"

#if BENCH_HAVE_FORK && BENCH_HAVE_PIPE
#include <sys/wait.h>
#endif

static volatile char* fresh_region(void) {
  volatile char* p = os_map_fresh(BENCH_REGION);
  if (!p) bench_die("map 64 MiB", 0);
  return p;
}

double fig_anon_fault_4k(long pages) {
  if (pages > (long)(BENCH_REGION / BENCH_PAGE)) bench_die("anon_fault_4k pages", pages);
  volatile char* p = fresh_region();
  const uint64_t t0 = bench_now_ns();
  for (long i = 0; i < pages; i++) p[i * BENCH_PAGE] = 1;
  const uint64_t t1 = bench_now_ns();
  os_unmap((void*)p, BENCH_REGION);
  return (double)(t1 - t0) / (double)pages;
}

double fig_anon_fault_4k_descending(long pages) {
  if (pages > (long)(BENCH_REGION / BENCH_PAGE)) bench_die("anon_fault_4k_descending pages", pages);
  volatile char* p = fresh_region();
  const uint64_t t0 = bench_now_ns();
  for (long i = pages - 1; i >= 0; i--) p[i * BENCH_PAGE] = 1;
  const uint64_t t1 = bench_now_ns();
  os_unmap((void*)p, BENCH_REGION);
  return (double)(t1 - t0) / (double)pages;
}

#if BENCH_HAVE_FORK && BENCH_HAVE_PIPE
double fig_cow_fault_4k(long pages) {
  if (pages > (long)(BENCH_REGION / BENCH_PAGE)) bench_die("cow_fault_4k pages", pages);
  volatile char* p = fresh_region();
  for (long i = 0; i < pages; i++) p[i * BENCH_PAGE] = 1;
  int result[2];
  if (pipe(result) != 0) bench_die("pipe", 0);
  const pid_t child = fork();
  if (child < 0) bench_die("fork", 0);
  if (child == 0) {
    const uint64_t t0 = bench_now_ns();
    for (long i = 0; i < pages; i++) p[i * BENCH_PAGE] = 2;
    const double ns = (double)(bench_now_ns() - t0) / (double)pages;
    _exit(write(result[1], &ns, sizeof ns) == sizeof ns ? 0 : 1);
  }
  double ns = -1;
  if (read(result[0], &ns, sizeof ns) != sizeof ns) bench_die("cow result", 0);
  if (waitpid(child, 0, 0) != child) bench_die("waitpid", child);
  close(result[0]);
  close(result[1]);
  os_unmap((void*)p, BENCH_REGION);
  return ns;
}
#endif
