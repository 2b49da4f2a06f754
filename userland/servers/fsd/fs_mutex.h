/* The lock type of fsd, annotated for clang's thread-safety analysis so the
 * compiler checks that every field marked FS_GUARDED_BY is touched only with
 * its lock held (USER-001). A pthread mutex underneath: picolibc's in the
 * guest (a futex mutex), the host's in host tests (so TSan sees it). */
#ifndef FSD_FS_MUTEX_H_
#define FSD_FS_MUTEX_H_

#include <pthread.h>

#define FS_CAPABILITY __attribute__((capability("mutex")))
/* In C a member names its sibling lock by address: FS_GUARDED_BY(&lock). */
#define FS_GUARDED_BY(x) __attribute__((guarded_by(x)))
#define FS_REQUIRES(x) __attribute__((requires_capability(x)))
#define FS_EXCLUDES(x) __attribute__((locks_excluded(x)))
#define FS_ACQUIRE(x) __attribute__((acquire_capability(x)))
#define FS_TRY_ACQUIRE(ok, x) __attribute__((try_acquire_capability(ok, x)))
#define FS_RELEASE(x) __attribute__((release_capability(x)))
#define FS_NO_ANALYSIS __attribute__((no_thread_safety_analysis))

typedef struct FS_CAPABILITY fs_mutex {
  pthread_mutex_t m;
} fs_mutex;

static inline void fs_mutex_init(fs_mutex* l) { pthread_mutex_init(&l->m, 0); }
static inline void fs_mutex_destroy(fs_mutex* l) { pthread_mutex_destroy(&l->m); }
static inline void fs_mutex_lock(fs_mutex* l) FS_ACQUIRE(*l) FS_NO_ANALYSIS {
  pthread_mutex_lock(&l->m);
}
static inline void fs_mutex_unlock(fs_mutex* l) FS_RELEASE(*l) FS_NO_ANALYSIS {
  pthread_mutex_unlock(&l->m);
}

/* 1 with the lock taken, 0 if another thread holds it (no wait). */
static inline int fs_mutex_trylock(fs_mutex* l) FS_TRY_ACQUIRE(1, *l) FS_NO_ANALYSIS {
  return pthread_mutex_trylock(&l->m) == 0;
}

#endif /* FSD_FS_MUTEX_H_ */
