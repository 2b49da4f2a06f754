/* futex_wake(word, n) wakes at most n of the word's waiters (POSIX and
 * Linux semantics), not every thread whose word shares its hash bucket: a
 * wake of one word leaves the waiters of another word asleep. The word is
 * changed before each wake, so any waiter the kernel wakes returns (a
 * kernel that woke them all would let them all out). */
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/testing/utest.h"

#define WAITERS 3

static uint32_t word, other;
static int returned, returned_other;

static void* wait_on(void* counter) {
  uint32_t* w = counter == &returned ? &word : &other;
  while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == 0) viper_futex_wait(w, 0, VIPER_DEADLINE_NEVER);
  __atomic_fetch_add((int*)counter, 1, __ATOMIC_RELAXED);
  return 0;
}

static int count(int* counter) { return __atomic_load_n(counter, __ATOMIC_RELAXED); }

/* Time for woken threads to run and count themselves (or for sleeping ones
 * to get onto the queue): generous under QEMU, never needed for passing. */
static void settle(void) { usleep(200 * 1000); }

UTEST(futex, a_wake_of_one_wakes_one_waiter_of_the_word) {
  pthread_t t[WAITERS + 1];
  for (int i = 0; i < WAITERS; ++i) UASSERT_EQ(pthread_create(&t[i], 0, wait_on, &returned), 0);
  UASSERT_EQ(pthread_create(&t[WAITERS], 0, wait_on, &returned_other), 0);
  settle();
  UEXPECT_EQ(count(&returned), 0);
  __atomic_store_n(&word, 1, __ATOMIC_RELEASE);
  UEXPECT_EQ(viper_futex_wake(&word, 1), 1);
  settle();
  UEXPECT_EQ(count(&returned), 1);
  UEXPECT_EQ(viper_futex_wake(&word, 1), 1);
  settle();
  UEXPECT_EQ(count(&returned), 2);
  /* More asked than wait: the one left, and the other word's waiter stays. */
  UEXPECT_EQ(viper_futex_wake(&word, 5), 1);
  settle();
  UEXPECT_EQ(count(&returned), WAITERS);
  UEXPECT_EQ(count(&returned_other), 0);
  UEXPECT_EQ(viper_futex_wake(&word, 1), 0); /* nobody waits any more */
  __atomic_store_n(&other, 1, __ATOMIC_RELEASE);
  UEXPECT_EQ(viper_futex_wake(&other, 0xffffffffu), 1);
  for (int i = 0; i <= WAITERS; ++i) UEXPECT_EQ(pthread_join(t[i], 0), 0);
  UEXPECT_EQ(count(&returned_other), 1);
}

UTEST(futex, a_wake_of_none_is_refused) {
  UEXPECT_EQ(viper_futex_wake(&word, 0), VIPER_ERR_INVALID_ARGUMENT);
}
