/* The per-thread cache of small freed blocks in front of picolibc's malloc
 * (malloc_cache.c). */
#ifndef VIPERDOS_LIBC_MALLOC_CACHE_H_
#define VIPERDOS_LIBC_MALLOC_CACHE_H_

/* Hands this thread's cached blocks back to the allocator: the thread is
 * about to end (viper_thread_exit), its TLS block with it. */
void libc_malloc_cache_flush(void);

#endif /* VIPERDOS_LIBC_MALLOC_CACHE_H_ */
