/* picolibc's retargetable locks (sys/lock.h) on the futex mutex, so stdio
 * and malloc are thread-safe. All ten functions and the libc-wide
 * recursive mutex are defined here together: defining only some would pull
 * picolibc's no-op versions in beside them. */
#include <stdlib.h>
#include <sys/lock.h>

#include "userland/libc/futex_mutex.h"

struct __lock {
  uint32_t word;  /* the futex mutex */
  uint32_t depth; /* recursive acquisitions by the owner */
  uint64_t owner; /* current_thread_tag() of the owner, 0 if none */
};

struct __lock __lock___libc_recursive_mutex;

void __retarget_lock_init(_LOCK_T* lock) { *lock = calloc(1, sizeof(struct __lock)); }
void __retarget_lock_init_recursive(_LOCK_T* lock) { __retarget_lock_init(lock); }
void __retarget_lock_close(_LOCK_T lock) { free(lock); }
void __retarget_lock_close_recursive(_LOCK_T lock) { free(lock); }

void __retarget_lock_acquire(_LOCK_T lock) {
  if (lock) futex_mutex_lock(&lock->word);
}

int __retarget_lock_try_acquire(_LOCK_T lock) {
  return lock ? futex_mutex_try_lock(&lock->word) : 1;
}

void __retarget_lock_release(_LOCK_T lock) {
  if (lock) futex_mutex_unlock(&lock->word);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock) {
  if (!lock) return;
  const uint64_t self = current_thread_tag();
  if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == self) {
    ++lock->depth;
    return;
  }
  futex_mutex_lock(&lock->word);
  __atomic_store_n(&lock->owner, self, __ATOMIC_RELAXED);
  lock->depth = 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock) {
  if (!lock) return 1;
  const uint64_t self = current_thread_tag();
  if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == self) {
    ++lock->depth;
    return 1;
  }
  if (!futex_mutex_try_lock(&lock->word)) return 0;
  __atomic_store_n(&lock->owner, self, __ATOMIC_RELAXED);
  lock->depth = 1;
  return 1;
}

void __retarget_lock_release_recursive(_LOCK_T lock) {
  if (!lock || --lock->depth != 0) return;
  __atomic_store_n(&lock->owner, 0, __ATOMIC_RELAXED);
  futex_mutex_unlock(&lock->word);
}
