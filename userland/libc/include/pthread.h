/* POSIX threads for ViperDOS programs (picolibc has none): threads on
 * VIPER_SYS_THREAD_CREATE, every lock and wait on the kernel's futex.
 * Implemented in userland/libc/pthread.c. */
#ifndef VIPERDOS_PTHREAD_H_
#define VIPERDOS_PTHREAD_H_

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pthread* pthread_t;

typedef struct {
  size_t stack_size;
  int detached;
} pthread_attr_t;

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_STACK_MIN 16384

typedef struct {
  uint32_t word;  /* the futex mutex: 0 free, 1 held, 2 held with waiters */
  uint32_t type;  /* PTHREAD_MUTEX_* */
  uint64_t owner; /* recursive and error-checking mutexes: the holder */
  uint32_t depth;
  uint32_t reserved;
} pthread_mutex_t;

typedef struct {
  int type;
} pthread_mutexattr_t;

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_RECURSIVE 1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT PTHREAD_MUTEX_NORMAL
#define PTHREAD_MUTEX_INITIALIZER {0, PTHREAD_MUTEX_NORMAL, 0, 0, 0}
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER {0, PTHREAD_MUTEX_RECURSIVE, 0, 0, 0}

typedef struct {
  uint32_t sequence; /* bumped by every signal and broadcast; waiters sleep on it */
} pthread_cond_t;

typedef struct {
  int unused;
} pthread_condattr_t;

#define PTHREAD_COND_INITIALIZER {0}

typedef struct {
  uint32_t state; /* 0 never run, 1 running, 2 done */
} pthread_once_t;

#define PTHREAD_ONCE_INIT {0}

typedef unsigned pthread_key_t;
#define PTHREAD_KEYS_MAX 64

typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  int readers; /* > 0: readers inside; -1: a writer inside */
  int writers_waiting;
} pthread_rwlock_t;

typedef struct {
  int unused;
} pthread_rwlockattr_t;

#define PTHREAD_RWLOCK_INITIALIZER {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0}

int pthread_attr_init(pthread_attr_t* attr);
int pthread_attr_destroy(pthread_attr_t* attr);
int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t* attr, size_t* size);
int pthread_attr_setdetachstate(pthread_attr_t* attr, int state);

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg);
int pthread_join(pthread_t thread, void** result);
int pthread_detach(pthread_t thread);
_Noreturn void pthread_exit(void* result);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);

int pthread_mutex_init(pthread_mutex_t* mutex, const pthread_mutexattr_t* attr);
int pthread_mutex_destroy(pthread_mutex_t* mutex);
int pthread_mutex_lock(pthread_mutex_t* mutex);
int pthread_mutex_trylock(pthread_mutex_t* mutex);
int pthread_mutex_unlock(pthread_mutex_t* mutex);
int pthread_mutexattr_init(pthread_mutexattr_t* attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t* attr);
int pthread_mutexattr_settype(pthread_mutexattr_t* attr, int type);

int pthread_cond_init(pthread_cond_t* cond, const pthread_condattr_t* attr);
int pthread_cond_destroy(pthread_cond_t* cond);
int pthread_cond_wait(pthread_cond_t* cond, pthread_mutex_t* mutex);
int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex,
                           const struct timespec* deadline); /* CLOCK_MONOTONIC */
int pthread_cond_signal(pthread_cond_t* cond);
int pthread_cond_broadcast(pthread_cond_t* cond);

int pthread_once(pthread_once_t* once, void (*routine)(void));

int pthread_key_create(pthread_key_t* key, void (*destructor)(void*));
int pthread_key_delete(pthread_key_t key);
void* pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void* value);

int pthread_rwlock_init(pthread_rwlock_t* lock, const pthread_rwlockattr_t* attr);
int pthread_rwlock_destroy(pthread_rwlock_t* lock);
int pthread_rwlock_rdlock(pthread_rwlock_t* lock);
int pthread_rwlock_wrlock(pthread_rwlock_t* lock);
int pthread_rwlock_unlock(pthread_rwlock_t* lock);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_PTHREAD_H_ */
