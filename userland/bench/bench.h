/* The benchmark's runner, shared by every figure: fixed iteration counts,
 * a warm-up that is not reported, the median of several repetitions, and
 * one line per figure in the linux-guest format
 *
 *     BENCH name=<x> iters=<n> ns_per_op=<median> reps=<r> min=<v> max=<v>
 *
 * The same sources build for ViperDOS (viperdos_program) and for Linux
 * (static glibc, testing/bench/guest_bench.py): a figure is plain POSIX
 * unless it is about a native call, and the OS-specific pieces sit behind
 * os.h. */
#ifndef USERLAND_BENCH_BENCH_H_
#define USERLAND_BENCH_BENCH_H_

#include <stdint.h>

/* Figures that need calls ViperDOS does not have yet. Linux has them all;
 * for ViperDOS the integrator turns each on (copts in BUILD.bazel) when the
 * call lands. */
#ifdef __linux__
#define BENCH_HAVE_FORK 1        /* fork, _exit, waitpid */
#define BENCH_HAVE_PIPE 1        /* pipe, read, write on its ends */
#define BENCH_HAVE_SHARED_ANON 1 /* a page shared across fork (os_map_shared) */
#endif
#ifndef BENCH_HAVE_FORK
#define BENCH_HAVE_FORK 0
#endif
#ifndef BENCH_HAVE_PIPE
#define BENCH_HAVE_PIPE 0
#endif
#ifndef BENCH_HAVE_SHARED_ANON
#define BENCH_HAVE_SHARED_ANON 0
#endif

#define BENCH_PAGE 4096ul
#define BENCH_REGION (64ul << 20) /* the fault figures' mapping: 64 MiB */

/* One figure: `iters` operations, returns nanoseconds per operation. */
typedef double (*bench_fn)(long iters);

/* Warm-up (iters / 10), then `reps` timed runs; prints the BENCH line. */
void bench_run(const char* name, bench_fn fn, long iters);

/* Monotonic nanoseconds through clock_gettime(CLOCK_MONOTONIC), the clock
 * every figure is timed with (and itself a figure). */
uint64_t bench_now_ns(void);

/* A line on the console, through write(2): nothing sits in a stdio buffer
 * across fork or is lost at power-off. */
void bench_out(const char* format, ...) __attribute__((format(printf, 1, 2)));

/* Prints BENCH_ERROR with what failed and ends the run (BENCH_DONE never
 * comes, so the runner reports the boot as failed). */
_Noreturn void bench_die(const char* what, long detail);

/* Keeps the compiler from dropping a value or a loop. */
static inline void bench_keep(const void* p) { __asm__ volatile("" : : "r"(p) : "memory"); }

/* The figures (fig_*.c). */
double fig_clock_gettime(long n);
double fig_null_syscall(long n);
double fig_malloc_free_64(long n);
double fig_anon_fault_4k(long pages);
double fig_anon_fault_4k_descending(long pages);
double fig_yield_threads(long n);
#if BENCH_HAVE_FORK && BENCH_HAVE_SHARED_ANON
double fig_yield_processes(long n);
#endif
#if BENCH_HAVE_FORK && BENCH_HAVE_PIPE
double fig_pipe_pingpong(long n);
double fig_cow_fault_4k(long pages);
#endif
#if BENCH_HAVE_FORK
double fig_fork_exit_wait(long n);
#endif

/* The storage figures (fig_storage.c), on os_storage_root(); nothing but an
 * INFO line without a disk. `wanted` says which of its one-shot figures
 * to run (BENCH_ONLY). */
void bench_storage(long div, int (*wanted)(const char* name));

#endif /* USERLAND_BENCH_BENCH_H_ */
