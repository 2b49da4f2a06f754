/* POSIX threads (include/pthread.h) on ViperDOS threads and futexes.
 *
 * A thread gets a stack from VIPER_SYS_VM_MAP (a guard page below it: the
 * map area leaves one after every mapping) and its own TLS block, a copy of
 * the program's template (picolibc's _init_tls). Its control block holds an
 * exit word the kernel clears when the thread ends; pthread_join sleeps on
 * that word. Detached threads that ended are freed by the next
 * pthread_create (a thread cannot unmap the stack it runs on). */
#include <errno.h>
#include <picolibc.h>
#include <picotls.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userland/libc/futex_mutex.h"

#define DEFAULT_STACK (256 * 1024)

extern char __arm64_tls_tcb_offset[]; /* user.ld: where TPIDR_EL0 points below the block */

struct pthread {
  void* (*start)(void*);
  void* arg;
  void* result;
  uint32_t alive; /* the exit word: 1 while the thread runs, 0 once it ended */
  int detached;
  uint64_t stack; /* VIPER_SYS_VM_MAP region (0 for the main thread) */
  size_t stack_size;
  void* tls_block; /* malloc'd (the main thread's is on its stack) */
  const void* keys[PTHREAD_KEYS_MAX];
  struct pthread* next_dead; /* detached and ended, waiting to be freed */
};

static struct pthread main_thread = {.alive = 1};
static _Thread_local struct pthread* self_thread;
static uint32_t dead_lock;
static struct pthread* dead_list;

static void (*key_destructors[PTHREAD_KEYS_MAX])(void*);
static uint32_t key_used[PTHREAD_KEYS_MAX];
static uint32_t key_lock;

static void free_thread(struct pthread* t) {
  viper_vm_unmap(t->stack, t->stack_size);
  free(t->tls_block);
  free(t);
}

/* Frees detached threads whose exit word the kernel has cleared. */
static void reap_dead(void) {
  futex_mutex_lock(&dead_lock);
  struct pthread** link = &dead_list;
  while (*link) {
    struct pthread* t = *link;
    if (__atomic_load_n(&t->alive, __ATOMIC_ACQUIRE) == 0) {
      *link = t->next_dead;
      free_thread(t);
    } else {
      link = &t->next_dead;
    }
  }
  futex_mutex_unlock(&dead_lock);
}

static void run_key_destructors(struct pthread* t) {
  for (int round = 0; round < 4; ++round) {
    int any = 0;
    for (unsigned k = 0; k < PTHREAD_KEYS_MAX; ++k) {
      void* value = (void*)t->keys[k];
      if (value && key_destructors[k]) {
        t->keys[k] = 0;
        key_destructors[k](value);
        any = 1;
      }
    }
    if (!any) return;
  }
}

_Noreturn void pthread_exit(void* result) {
  struct pthread* t = pthread_self();
  t->result = result;
  run_key_destructors(t);
  fflush(stdout); /* this thread's partial lines (stdio.c) */
  fflush(stderr);
  if (t->detached) {
    futex_mutex_lock(&dead_lock);
    t->next_dead = dead_list;
    dead_list = t;
    futex_mutex_unlock(&dead_lock);
  }
  viper_thread_exit(); /* the kernel clears t->alive and wakes joiners */
}

static void thread_start(void* arg) {
  struct pthread* t = arg;
  self_thread = t;
  pthread_exit(t->start(t->arg));
}

pthread_t pthread_self(void) { return self_thread ? self_thread : &main_thread; }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

int pthread_attr_init(pthread_attr_t* attr) {
  attr->stack_size = DEFAULT_STACK;
  attr->detached = 0;
  return 0;
}
int pthread_attr_destroy(pthread_attr_t* attr) {
  (void)attr;
  return 0;
}
int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size) {
  if (size < PTHREAD_STACK_MIN) return EINVAL;
  attr->stack_size = (size + 4095) & ~(size_t)4095;
  return 0;
}
int pthread_attr_getstacksize(const pthread_attr_t* attr, size_t* size) {
  *size = attr->stack_size;
  return 0;
}
int pthread_attr_setdetachstate(pthread_attr_t* attr, int state) {
  if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED) return EINVAL;
  attr->detached = state;
  return 0;
}

static int errno_of(int64_t error) {
  return error == VIPER_ERR_NO_MEMORY ? ENOMEM : error == VIPER_ERR_NO_SPACE ? EAGAIN : EINVAL;
}

int pthread_create(pthread_t* out, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  reap_dead();
  pthread_attr_t defaults;
  pthread_attr_init(&defaults);
  if (!attr) attr = &defaults;
  struct pthread* t = calloc(1, sizeof(*t));
  if (!t) return EAGAIN;
  t->start = start;
  t->arg = arg;
  t->alive = 1;
  t->detached = attr->detached;
  t->stack_size = attr->stack_size;
  const int64_t stack = viper_vm_map(0, t->stack_size, VIPER_PROT_READ | VIPER_PROT_WRITE);
  if (stack < 0) {
    free(t);
    return errno_of(stack);
  }
  t->stack = (uint64_t)stack;
  /* The TLS block: the template copied in, TPIDR_EL0 below it by the TCB offset. */
  const size_t tls_bytes = (_tls_size() + 63) & ~(size_t)63;
  t->tls_block = aligned_alloc(64, tls_bytes ? tls_bytes : 64);
  if (!t->tls_block) {
    viper_vm_unmap(t->stack, t->stack_size);
    free(t);
    return EAGAIN;
  }
  _init_tls(t->tls_block);
  char* tp = (char*)t->tls_block - (uintptr_t)__arm64_tls_tcb_offset;
  void* top = (void*)(t->stack + t->stack_size);
  const int64_t id = viper_thread_create(thread_start, top, t, tp, &t->alive);
  if (id < 0) {
    free_thread(t);
    return errno_of(id);
  }
  *out = t;
  return 0;
}

int pthread_join(pthread_t t, void** result) {
  if (t == pthread_self()) return EDEADLK;
  if (t->detached) return EINVAL;
  while (__atomic_load_n(&t->alive, __ATOMIC_ACQUIRE) != 0) {
    viper_futex_wait(&t->alive, 1, VIPER_DEADLINE_NEVER);
  }
  if (result) *result = t->result;
  free_thread(t);
  return 0;
}

int pthread_detach(pthread_t t) {
  if (t->detached) return EINVAL;
  futex_mutex_lock(&dead_lock);
  t->detached = 1;
  /* Already ended: it could not put itself on the dead list. */
  if (__atomic_load_n(&t->alive, __ATOMIC_ACQUIRE) == 0) {
    t->next_dead = dead_list;
    dead_list = t;
  }
  futex_mutex_unlock(&dead_lock);
  return 0;
}

/* ---- mutexes ---- */

int pthread_mutexattr_init(pthread_mutexattr_t* attr) {
  attr->type = PTHREAD_MUTEX_DEFAULT;
  return 0;
}
int pthread_mutexattr_destroy(pthread_mutexattr_t* attr) {
  (void)attr;
  return 0;
}
int pthread_mutexattr_settype(pthread_mutexattr_t* attr, int type) {
  if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_ERRORCHECK) return EINVAL;
  attr->type = type;
  return 0;
}

int pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) {
  memset(m, 0, sizeof(*m));
  m->type = attr ? (uint32_t)attr->type : PTHREAD_MUTEX_DEFAULT;
  return 0;
}
int pthread_mutex_destroy(pthread_mutex_t* m) { return m->word != 0 ? EBUSY : 0; }

int pthread_mutex_lock(pthread_mutex_t* m) {
  if (m->type != PTHREAD_MUTEX_NORMAL) {
    const uint64_t self = current_thread_tag();
    if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == self) {
      if (m->type == PTHREAD_MUTEX_ERRORCHECK) return EDEADLK;
      ++m->depth;
      return 0;
    }
    futex_mutex_lock(&m->word);
    __atomic_store_n(&m->owner, self, __ATOMIC_RELAXED);
    m->depth = 1;
    return 0;
  }
  futex_mutex_lock(&m->word);
  return 0;
}

int pthread_mutex_trylock(pthread_mutex_t* m) {
  if (m->type == PTHREAD_MUTEX_RECURSIVE &&
      __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == current_thread_tag()) {
    ++m->depth;
    return 0;
  }
  if (!futex_mutex_try_lock(&m->word)) return EBUSY;
  if (m->type != PTHREAD_MUTEX_NORMAL) {
    __atomic_store_n(&m->owner, current_thread_tag(), __ATOMIC_RELAXED);
    m->depth = 1;
  }
  return 0;
}

int pthread_mutex_unlock(pthread_mutex_t* m) {
  if (m->type != PTHREAD_MUTEX_NORMAL) {
    if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != current_thread_tag()) return EPERM;
    if (--m->depth != 0) return 0;
    __atomic_store_n(&m->owner, 0, __ATOMIC_RELAXED);
  }
  futex_mutex_unlock(&m->word);
  return 0;
}

/* ---- condition variables ---- */

int pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* attr) {
  (void)attr;
  c->sequence = 0;
  return 0;
}
int pthread_cond_destroy(pthread_cond_t* c) {
  (void)c;
  return 0;
}

static uint64_t deadline_of(const struct timespec* t) {
  if (!t) return VIPER_DEADLINE_NEVER;
  if (t->tv_sec < 0) return 0;
  return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static int cond_wait_until(pthread_cond_t* c, pthread_mutex_t* m, uint64_t deadline) {
  const uint32_t seen = __atomic_load_n(&c->sequence, __ATOMIC_ACQUIRE);
  pthread_mutex_unlock(m);
  const int64_t waited = viper_futex_wait(&c->sequence, seen, deadline);
  pthread_mutex_lock(m);
  return waited == VIPER_ERR_TIMED_OUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  return cond_wait_until(c, m, VIPER_DEADLINE_NEVER);
}
int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* t) {
  return cond_wait_until(c, m, deadline_of(t));
}
int pthread_cond_signal(pthread_cond_t* c) {
  __atomic_fetch_add(&c->sequence, 1, __ATOMIC_RELEASE);
  viper_futex_wake(&c->sequence, 1);
  return 0;
}
int pthread_cond_broadcast(pthread_cond_t* c) {
  __atomic_fetch_add(&c->sequence, 1, __ATOMIC_RELEASE);
  viper_futex_wake(&c->sequence, UINT32_MAX);
  return 0;
}

/* ---- once ---- */

int pthread_once(pthread_once_t* once, void (*routine)(void)) {
  uint32_t state = __atomic_load_n(&once->state, __ATOMIC_ACQUIRE);
  if (state == 2) return 0;
  if (futex_mutex_cas(&once->state, 0, 1) == 0) {
    routine();
    __atomic_store_n(&once->state, 2, __ATOMIC_RELEASE);
    viper_futex_wake(&once->state, UINT32_MAX);
    return 0;
  }
  while ((state = __atomic_load_n(&once->state, __ATOMIC_ACQUIRE)) != 2) {
    viper_futex_wait(&once->state, state, VIPER_DEADLINE_NEVER);
  }
  return 0;
}

/* ---- thread-specific data ---- */

int pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
  futex_mutex_lock(&key_lock);
  for (unsigned k = 0; k < PTHREAD_KEYS_MAX; ++k) {
    if (!key_used[k]) {
      key_used[k] = 1;
      key_destructors[k] = destructor;
      futex_mutex_unlock(&key_lock);
      *key = k;
      return 0;
    }
  }
  futex_mutex_unlock(&key_lock);
  return EAGAIN;
}
int pthread_key_delete(pthread_key_t key) {
  if (key >= PTHREAD_KEYS_MAX || !key_used[key]) return EINVAL;
  futex_mutex_lock(&key_lock);
  key_used[key] = 0;
  key_destructors[key] = 0;
  futex_mutex_unlock(&key_lock);
  return 0;
}
void* pthread_getspecific(pthread_key_t key) {
  return key < PTHREAD_KEYS_MAX ? (void*)pthread_self()->keys[key] : 0;
}
int pthread_setspecific(pthread_key_t key, const void* value) {
  if (key >= PTHREAD_KEYS_MAX || !key_used[key]) return EINVAL;
  pthread_self()->keys[key] = value;
  return 0;
}

/* ---- read-write locks (writers first, so they cannot starve) ---- */

int pthread_rwlock_init(pthread_rwlock_t* l, const pthread_rwlockattr_t* attr) {
  (void)attr;
  memset(l, 0, sizeof(*l));
  return 0;
}
int pthread_rwlock_destroy(pthread_rwlock_t* l) { return l->readers != 0 ? EBUSY : 0; }
int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  pthread_mutex_lock(&l->lock);
  while (l->readers < 0 || l->writers_waiting > 0) pthread_cond_wait(&l->changed, &l->lock);
  ++l->readers;
  pthread_mutex_unlock(&l->lock);
  return 0;
}
int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  pthread_mutex_lock(&l->lock);
  ++l->writers_waiting;
  while (l->readers != 0) pthread_cond_wait(&l->changed, &l->lock);
  --l->writers_waiting;
  l->readers = -1;
  pthread_mutex_unlock(&l->lock);
  return 0;
}
int pthread_rwlock_unlock(pthread_rwlock_t* l) {
  pthread_mutex_lock(&l->lock);
  if (l->readers < 0) {
    l->readers = 0;
  } else if (l->readers > 0) {
    --l->readers;
  }
  pthread_cond_broadcast(&l->changed);
  pthread_mutex_unlock(&l->lock);
  return 0;
}
