/* A per-thread cache of small freed blocks in front of picolibc's malloc
 * (nano-malloc), which every program reaches through it: the libc target
 * links with --wrap=malloc and --wrap=free, so every call of malloc and
 * free — the program's and picolibc's own (calloc, realloc, stdio) — comes
 * here first and __real_* is nano-malloc.
 *
 * Why: a malloc(64) + free pair in nano-malloc is a walk of its address-
 * sorted free list on both calls, split and coalesce, under the libc-wide
 * recursive lock; glibc's tcache answers the same pair from a per-thread
 * list without a lock (docs/performance.md, malloc). Here a free of a block
 * of at most kClasses * 16 usable bytes pushes it on this thread's list for
 * its size, and a malloc pops one: no lock, no walk, no atomic, and so
 * thread-safe by construction (nothing is shared). Blocks stay nano-malloc
 * chunks throughout (malloc_usable_size, realloc and free of them work as
 * before), handed out zeroed as nano-malloc's are; at most kPerClass per size wait in a thread's
 * cache, and viper_thread_exit hands them back (libc_malloc_cache_flush) before the thread's TLS
 * block goes. */
#include "userland/libc/malloc_cache.h"

#include <malloc.h>
#include <stddef.h>
#include <stdint.h>

void* __real_malloc(size_t bytes);
void __real_free(void* block);
void* __wrap_malloc(size_t bytes);
void __wrap_free(void* block);

enum {
  kClassBytes = 16,
  kClasses = 16, /* blocks of 16..256 usable bytes */
  kPerClass = 8,
};

struct bin {
  void* head; /* the first word of a cached block links the next */
  uint32_t count;
};

/* bins[c] holds blocks with at least c * kClassBytes usable bytes. */
static _Thread_local struct bin bins[kClasses + 1];

void* __wrap_malloc(size_t bytes) {
  const size_t c = (bytes + kClassBytes - 1) / kClassBytes;
  if (c != 0 && c <= kClasses) {
    struct bin* b = &bins[c];
    void* block = b->head;
    if (block) {
      b->head = *(void**)block;
      b->count--;
      /* picolibc's malloc hands out zeroed memory and its calloc relies
       * on that (it is malloc): so does this one. */
      __builtin_memset(block, 0, c * kClassBytes);
      return block;
    }
  }
  return __real_malloc(bytes);
}

void __wrap_free(void* block) {
  if (!block) return;
  const size_t c = malloc_usable_size(block) / kClassBytes;
  if (c != 0 && c <= kClasses && bins[c].count < kPerClass) {
    struct bin* b = &bins[c];
    *(void**)block = b->head;
    b->head = block;
    b->count++;
    return;
  }
  __real_free(block);
}

void libc_malloc_cache_flush(void) {
  for (size_t c = 1; c <= kClasses; c++) {
    struct bin* b = &bins[c];
    while (b->head) {
      void* block = b->head;
      b->head = *(void**)block;
      __real_free(block);
    }
    b->count = 0;
  }
}
