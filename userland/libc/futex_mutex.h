/* The one lock of user space: a word that is 0 (free), 1 (held) or 2 (held,
 * with waiters), on the kernel's futex (U. Drepper, "Futexes Are Tricky",
 * mutex 2). Uncontended lock and unlock are one atomic each, no system call.
 * picolibc's locks (locks.c) and pthread mutexes (pthread.c) are built on it. */
#ifndef VIPERDOS_LIBC_FUTEX_MUTEX_H_
#define VIPERDOS_LIBC_FUTEX_MUTEX_H_

#include <stdint.h>
#include <viperdos/viper.h>

static inline uint32_t futex_mutex_cas(uint32_t* word, uint32_t expected, uint32_t desired) {
  __atomic_compare_exchange_n(word, &expected, desired, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
  return expected; /* the value seen */
}

static inline void futex_mutex_lock(uint32_t* word) {
  uint32_t seen = futex_mutex_cas(word, 0, 1);
  if (seen == 0) return;
  do {
    if (seen == 2 || futex_mutex_cas(word, 1, 2) != 0) {
      viper_futex_wait(word, 2, VIPER_DEADLINE_NEVER);
    }
  } while ((seen = futex_mutex_cas(word, 0, 2)) != 0);
}

static inline int futex_mutex_try_lock(uint32_t* word) { return futex_mutex_cas(word, 0, 1) == 0; }

static inline void futex_mutex_unlock(uint32_t* word) {
  if (__atomic_fetch_sub(word, 1, __ATOMIC_RELEASE) != 1) {
    __atomic_store_n(word, 0, __ATOMIC_RELEASE);
    viper_futex_wake(word, 1);
  }
}

/* Who runs this code: each thread's TLS pointer is its own. */
static inline uint64_t current_thread_tag(void) {
  uint64_t tag;
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tag));
  return tag;
}

#endif /* VIPERDOS_LIBC_FUTEX_MUTEX_H_ */
