/* Threads on every CPU: futex mutexes under contention, condition
 * variables, once, keys, join results, and each thread's FP/SIMD registers,
 * FPCR and TLS kept across preemption (twice as many threads as CPUs, so
 * CPUs are shared). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define THREADS 8

/* pthread_create, which must not fail for want of a slot: a thread that
 * ended gives its kernel slot back before its joiner wakes (not when the
 * reaper frees it later), so creating and joining in a tight loop never
 * finds all 64 taken (it did, under load, EAGAIN, before that). */
static int create_thread(pthread_t* thread, void* (*body)(void*), void* arg) {
  return pthread_create(thread, 0, body, arg);
}

static void run_threads(int count, void* (*body)(void*)) {
  pthread_t threads[16];
  int started[16] = {0};
  for (intptr_t i = 0; i < count; ++i) {
    started[i] = UEXPECT_EQ(create_thread(&threads[i], body, (void*)i), 0);
  }
  for (int i = 0; i < count; ++i) {
    if (started[i]) UEXPECT_EQ(pthread_join(threads[i], 0), 0);
  }
}

UTEST(threads, the_system_has_four_cpus) {
  struct viper_system_info info;
  UASSERT_EQ(viper_system_info(&info), 0);
  UEXPECT_EQ(info.cpus, 4);
}

static void* return_arg_times_two(void* arg) { return (void*)((intptr_t)arg * 2); }
static void* exit_with_arg(void* arg) { pthread_exit((void*)((intptr_t)arg + 1000)); }

UTEST(threads, create_and_join_in_a_tight_loop_never_runs_out_of_slots) {
  int failures = 0;
  for (intptr_t i = 0; i < 400; ++i) {
    pthread_t t;
    void* result = 0;
    if (create_thread(&t, return_arg_times_two, (void*)i) != 0 || pthread_join(t, &result) != 0 ||
        (intptr_t)result != 2 * i) {
      ++failures;
    }
  }
  UEXPECT_EQ(failures, 0);
}

UTEST(threads, join_returns_the_result) {
  pthread_t a, b;
  UASSERT_EQ(create_thread(&a, return_arg_times_two, (void*)21), 0);
  UASSERT_EQ(create_thread(&b, exit_with_arg, (void*)7), 0);
  void* ra = 0;
  void* rb = 0;
  UEXPECT_EQ(pthread_join(a, &ra), 0);
  UEXPECT_EQ(pthread_join(b, &rb), 0);
  UEXPECT_EQ((intptr_t)ra, 42);
  UEXPECT_EQ((intptr_t)rb, 1007);
}

/* The system once the reaper has freed every thread that ended: the
 * thread count has held still for 30 ms (a joined thread is off its CPU
 * and reaped a little after its exit word was cleared). */
static void quiet_system(struct viper_system_info* info) {
  int same = 0;
  uint32_t last = 0;
  const uint64_t give_up = viper_deadline_after(2000000000ull);
  while (same < 3 && viper_clock_monotonic() < give_up) {
    viper_thread_sleep(viper_deadline_after(10000000));
    viper_system_info(info);
    same = info->threads == last ? same + 1 : 0;
    last = info->threads;
  }
}

UTEST(threads, hundreds_of_threads_come_and_go_without_growth) {
  struct viper_system_info before, after;
  for (int i = 0; i < 20; ++i) run_threads(4, return_arg_times_two);
  quiet_system(&before);
  for (int i = 0; i < 100; ++i) run_threads(4, return_arg_times_two);
  quiet_system(&after);
  UEXPECT_EQ(after.threads, before.threads);
  UEXPECT(after.free_memory + 64 * 1024 >= before.free_memory); /* process_test.c: the slack */
}

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter; /* plain: only the mutex keeps it right */
#define INCREMENTS 20000

static void* increment(void* arg) {
  (void)arg;
  for (int i = 0; i < INCREMENTS; ++i) {
    pthread_mutex_lock(&counter_lock);
    counter = counter + 1;
    pthread_mutex_unlock(&counter_lock);
  }
  return 0;
}

UTEST(mutex, eight_threads_count_exactly) {
  counter = 0;
  run_threads(THREADS, increment);
  UEXPECT_EQ(counter, (long)THREADS * INCREMENTS);
}

UTEST(mutex, recursive_and_error_checking_kinds) {
  pthread_mutexattr_t attr;
  pthread_mutex_t m;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&m, &attr);
  UEXPECT_EQ(pthread_mutex_lock(&m), 0);
  UEXPECT_EQ(pthread_mutex_lock(&m), 0);
  UEXPECT_EQ(pthread_mutex_unlock(&m), 0);
  UEXPECT_EQ(pthread_mutex_unlock(&m), 0);
  UEXPECT_EQ(pthread_mutex_destroy(&m), 0);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m, &attr);
  UEXPECT_EQ(pthread_mutex_lock(&m), 0);
  UEXPECT_EQ(pthread_mutex_lock(&m), EDEADLK);
  UEXPECT_EQ(pthread_mutex_unlock(&m), 0);
  UEXPECT(pthread_mutex_unlock(&m) != 0);
}

/* A bounded queue: producers wait while it is full, consumers while empty. */
#define QUEUE 16
#define ITEMS 5000
static struct {
  pthread_mutex_t lock;
  pthread_cond_t not_full, not_empty;
  long items[QUEUE];
  int head, count;
  long consumed_sum;
  int consumed;
} queue = {.lock = PTHREAD_MUTEX_INITIALIZER,
           .not_full = PTHREAD_COND_INITIALIZER,
           .not_empty = PTHREAD_COND_INITIALIZER};

static void* produce(void* arg) {
  const long base = (intptr_t)arg * ITEMS;
  for (long i = 1; i <= ITEMS; ++i) {
    pthread_mutex_lock(&queue.lock);
    while (queue.count == QUEUE) pthread_cond_wait(&queue.not_full, &queue.lock);
    queue.items[(queue.head + queue.count++) % QUEUE] = base + i;
    pthread_cond_signal(&queue.not_empty);
    pthread_mutex_unlock(&queue.lock);
  }
  return 0;
}

static void* consume(void* arg) {
  (void)arg;
  for (int i = 0; i < ITEMS; ++i) {
    pthread_mutex_lock(&queue.lock);
    while (queue.count == 0) pthread_cond_wait(&queue.not_empty, &queue.lock);
    queue.consumed_sum += queue.items[queue.head];
    queue.head = (queue.head + 1) % QUEUE;
    --queue.count;
    ++queue.consumed;
    pthread_cond_signal(&queue.not_full);
    pthread_mutex_unlock(&queue.lock);
  }
  return 0;
}

UTEST(condvar, four_producers_and_four_consumers_hand_over_every_item) {
  pthread_t threads[8];
  for (intptr_t i = 0; i < 4; ++i) UEXPECT_EQ(create_thread(&threads[i], produce, (void*)i), 0);
  for (int i = 4; i < 8; ++i) UEXPECT_EQ(create_thread(&threads[i], consume, 0), 0);
  for (int i = 0; i < 8; ++i) pthread_join(threads[i], 0);
  const long n = 4L * ITEMS;
  UEXPECT_EQ(queue.consumed, n);
  UEXPECT_EQ(queue.consumed_sum, n * (n + 1) / 2);
  UEXPECT_EQ(queue.count, 0);
}

UTEST(condvar, timedwait_times_out) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t c = PTHREAD_COND_INITIALIZER;
  const uint64_t at = viper_deadline_after(20000000); /* the clock timedwait uses */
  const struct timespec deadline = {.tv_sec = (time_t)(at / 1000000000),
                                    .tv_nsec = (long)(at % 1000000000)};
  pthread_mutex_lock(&m);
  int result;
  do result = pthread_cond_timedwait(&c, &m, &deadline);
  while (result == 0);
  pthread_mutex_unlock(&m);
  UEXPECT_EQ(result, ETIMEDOUT);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static int once_seen_done;
static void once_routine(void) {
  viper_thread_sleep(viper_deadline_after(10000000)); /* others arrive meanwhile */
  __atomic_fetch_add(&once_runs, 1, __ATOMIC_RELAXED);
}
static void* call_once(void* arg) {
  (void)arg;
  pthread_once(&once, once_routine);
  if (__atomic_load_n(&once_runs, __ATOMIC_ACQUIRE) == 1) {
    __atomic_fetch_add(&once_seen_done, 1, __ATOMIC_RELAXED);
  }
  return 0;
}

UTEST(once, runs_once_and_everyone_returns_after_it) {
  run_threads(THREADS, call_once);
  UEXPECT_EQ(once_runs, 1);
  UEXPECT_EQ(once_seen_done, THREADS);
}

static pthread_key_t key;
static long destroyed_sum;
static int destroyed;
static void destroy_value(void* value) {
  __atomic_fetch_add(&destroyed_sum, (long)(intptr_t)value, __ATOMIC_RELAXED);
  __atomic_fetch_add(&destroyed, 1, __ATOMIC_RELAXED);
}
static void* use_key(void* arg) {
  const intptr_t mine = (intptr_t)arg + 1;
  if (pthread_getspecific(key) != 0) return (void*)1;
  pthread_setspecific(key, (void*)mine);
  viper_thread_sleep(viper_deadline_after(5000000));
  return (void*)(intptr_t)(pthread_getspecific(key) == (void*)mine ? 0 : 1);
}

UTEST(keys, each_thread_has_its_value_and_its_destructor_call) {
  UASSERT_EQ(pthread_key_create(&key, destroy_value), 0);
  pthread_t threads[THREADS];
  for (intptr_t i = 0; i < THREADS; ++i) create_thread(&threads[i], use_key, (void*)i);
  for (int i = 0; i < THREADS; ++i) {
    void* wrong = (void*)1;
    pthread_join(threads[i], &wrong);
    UEXPECT(wrong == 0);
  }
  UEXPECT_EQ(destroyed, THREADS);
  UEXPECT_EQ(destroyed_sum, THREADS * (THREADS + 1) / 2);
  UEXPECT_EQ(pthread_key_delete(key), 0);
}

/* FP/SIMD, FPCR and TLS: each thread fills v8..v31 with its own values and
 * sets its own rounding mode, spins (preempted: 8 threads, 4 CPUs), then
 * checks every register and its TLS word. */
static _Thread_local uint64_t tls_word;

static int registers_survive(uint64_t seed, uint64_t spins) {
  uint64_t all_equal;
  __asm__ volatile(
      ".irp n, 8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
      "  add x9, %[seed], #\\n\n"
      "  dup v\\n\\().2d, x9\n"
      ".endr\n"
      "  mov x10, %[spins]\n"
      "1: subs x10, x10, #1\n"
      "  b.ne 1b\n"
      "  movi v2.2d, #0xffffffffffffffff\n"
      ".irp n, 8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
      "  add x9, %[seed], #\\n\n"
      "  dup v0.2d, x9\n"
      "  cmeq v1.2d, v\\n\\().2d, v0.2d\n"
      "  and v2.16b, v2.16b, v1.16b\n"
      ".endr\n"
      "  umov x9, v2.d[0]\n"
      "  umov x10, v2.d[1]\n"
      "  and %[out], x9, x10\n"
      : [out] "=r"(all_equal)
      : [seed] "r"(seed), [spins] "r"(spins)
      : "x9", "x10", "v0", "v1", "v2", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16",
        "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29",
        "v30", "v31", "cc");
  return all_equal == ~0ull;
}

static void* hold_registers(void* arg) {
  const uint64_t id = (uint64_t)(intptr_t)arg;
  const uint64_t seed = 0x1000 * (id + 1);
  const uint64_t fpcr = (id % 4) << 22; /* RMode: nearest, +inf, -inf, zero */
  tls_word = 0xabc00000 + id;
  __asm__ volatile("msr fpcr, %0" ::"r"(fpcr));
  intptr_t bad = 0;
  const uint64_t until = viper_clock_monotonic() + 1500000000ull;
  int rounds = 0;
  while (viper_clock_monotonic() < until || rounds < 4) {
    if (!registers_survive(seed, 2000000)) ++bad;
    uint64_t now_fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(now_fpcr));
    if (now_fpcr != fpcr) ++bad;
    if (tls_word != 0xabc00000 + id) ++bad;
    ++rounds;
  }
  __asm__ volatile("msr fpcr, %0" ::"r"(0ull));
  return (void*)bad;
}

UTEST(preemption, keeps_each_threads_fp_simd_fpcr_and_tls) {
  pthread_t threads[THREADS];
  for (intptr_t i = 0; i < THREADS; ++i) {
    UEXPECT_EQ(create_thread(&threads[i], hold_registers, (void*)i), 0);
  }
  for (int i = 0; i < THREADS; ++i) {
    void* bad = (void*)-1;
    pthread_join(threads[i], &bad);
    UEXPECT_EQ((intptr_t)bad, 0);
  }
}
