/* bench: one benchmark program, for ViperDOS and for Linux, booted as init
 * by testing/bench/guest_bench.py under the same QEMU line. It prints
 *
 *     BOOT init_started              (the host times its arrival)
 *     INFO ...                       (what this run measures)
 *     BENCH name=... ns_per_op=...   (one line per figure, bench.h)
 *     BENCH_DONE
 *
 * and powers the machine off. `BENCH_DIV=k` (ViperDOS: initarg=BENCH_DIV=k;
 * Linux: the kernel's command line, which reaches init as environment)
 * divides every iteration count by k: a smoke run, not a measurement.
 * `BENCH_ONLY=a,b` (the same two ways) runs only the figures named. */
#include "bench.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os.h"

/* Fixed iteration counts, so every run on every host does the same work;
 * sized for about 0.1-2 s per repetition under TCG. */
enum {
  kReps = 5,
  kClock = 1000000,
  kNullSyscall = 50000,
  kIpc = 2000,
  kYield = 5000, /* turns per side */
  kSpawn = 300,
  kMalloc = 2000000,
  kPages = (int)(BENCH_REGION / BENCH_PAGE),
};

static long bench_div = 1;
static const char* bench_only; /* BENCH_ONLY=a,b: only these figures (a quick look) */

/* Whether `name` is in the comma-separated list `only`. */
static int listed(const char* only, const char* name) {
  const size_t n = strlen(name);
  for (const char* p = only; *p;) {
    const char* end = strchr(p, ',');
    const size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, name, n) == 0) return 1;
    if (!end) break;
    p = end + 1;
  }
  return 0;
}

void bench_out(const char* format, ...) {
  char line[512];
  va_list ap;
  va_start(ap, format);
  int n = vsnprintf(line, sizeof line, format, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof line) n = sizeof line - 1;
  const char* p = line;
  while (n > 0) {
    const ssize_t w = write(STDOUT_FILENO, p, (size_t)n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (int)w;
  }
}

_Noreturn void bench_die(const char* what, long detail) {
  bench_out("BENCH_ERROR what=%s detail=%ld errno=%d\n", what, detail, errno);
  os_finish(1);
  _exit(1);
}

uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int compare_doubles(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

/* Whether BENCH_ONLY lets figure `name` run. */
static int wanted(const char* name) { return !bench_only || listed(bench_only, name); }

void bench_run(const char* name, bench_fn fn, long iters) {
  double v[kReps];
  if (!wanted(name)) return;
  iters /= bench_div;
  if (iters < 1) iters = 1;
  if (fn(iters < 10 ? 1 : iters / 10) < 0) return; /* warm-up; < 0: not on this OS */
  for (int r = 0; r < kReps; r++) v[r] = fn(iters);
  qsort(v, kReps, sizeof v[0], compare_doubles);
  bench_out("BENCH name=%s iters=%ld ns_per_op=%.1f reps=%d min=%.1f max=%.1f\n", name, iters,
            v[kReps / 2], kReps, v[0], v[kReps - 1]);
}

/* The native figures come from os.h; as bench_fns they are these. */
static double native_ipc(long n) { return os_native_ipc_rtt(n); }
static double native_ipc_threads(long n) { return os_native_ipc_threads_rtt(n); }
static double native_spawn(long n) { return os_native_spawn_wait(n); }
static double native_spawn_call(long n) { return os_native_spawn_call(n); }

/* BENCH_DIV and BENCH_ONLY from the environment or from arguments. */
static void read_div(int argc, char** argv) {
  const char* div = getenv("BENCH_DIV");
  bench_only = getenv("BENCH_ONLY");
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "BENCH_DIV=", 10) == 0) div = argv[i] + 10;
    if (strncmp(argv[i], "BENCH_ONLY=", 11) == 0) bench_only = argv[i] + 11;
  }
  if (!div) return;
  char* end;
  const long k = strtol(div, &end, 10);
  if (*end != 0 || k < 1) bench_die("bad BENCH_DIV", k);
  bench_div = k;
}

int main(int argc, char** argv) {
  if (argc > 1 && strncmp(argv[1], "--role=", 7) == 0) {
    const int code = os_child_role(argv[1] + 7);
    if (code < 0) bench_die("unknown role", 0);
    return code;
  }
  if (os_first_stage()) {
    /* First, as early as possible: the host times this line's arrival. */
    bench_out("BOOT init_started guest_monotonic_ns=%llu\n", (unsigned long long)bench_now_ns());
    os_restart(argv);
  }
  read_div(argc, argv);
  os_report();
  bench_out("INFO os=%s null_syscall=%s bench_div=%ld%s\n", os_name(), os_null_syscall_name(),
            bench_div, bench_div != 1 ? " (smoke run, not a measurement)" : "");
  bench_out("INFO pinned=%s\n", os_pin(0) ? "cpu0" : "no (the OS cannot pin)");

  bench_run("clock_gettime", fig_clock_gettime, kClock);
  bench_run("null_syscall", fig_null_syscall, kNullSyscall);
#if BENCH_HAVE_FORK && BENCH_HAVE_PIPE
  bench_run("pipe_pingpong_rtt", fig_pipe_pingpong, kIpc);
#endif
  bench_run("channel_call_rtt", native_ipc, kIpc);
  bench_run("channel_call_rtt_threads", native_ipc_threads, kIpc);
  bench_run("sched_yield_switch_threads", fig_yield_threads, kYield);
#if BENCH_HAVE_FORK && BENCH_HAVE_SHARED_ANON
  bench_run("sched_yield_switch", fig_yield_processes, kYield);
#endif
#if BENCH_HAVE_FORK
  bench_run("fork_exit_wait", fig_fork_exit_wait, kSpawn);
#endif
  bench_run("spawn_exit_wait", native_spawn, kSpawn);
  bench_run("spawn_call", native_spawn_call, kSpawn);
  bench_run("anon_fault_4k", fig_anon_fault_4k, kPages);
  bench_run("anon_fault_4k_descending", fig_anon_fault_4k_descending, kPages);
#if BENCH_HAVE_FORK && BENCH_HAVE_PIPE
  bench_run("cow_fault_4k", fig_cow_fault_4k, kPages);
#endif
  bench_run("malloc_free_64", fig_malloc_free_64, kMalloc);
  /* Last: mounting starts a file server (ViperDOS) or loads modules (Linux),
   * which the figures above must not share the machine with. */
  bench_storage(bench_div, wanted);

  bench_out("BENCH_DONE\n");
  os_finish(0);
  return 0;
}
