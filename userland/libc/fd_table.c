/* The fd table (fd_table.h): a bitmap of used fds beside the entries. */
#include "userland/libc/fd_table.h"

#include <errno.h>

#include "userland/libc/futex_mutex.h"

static void set_used(struct fd_table* t, int fd) { t->used[fd / 64] |= 1ull << (fd % 64); }
static void clear_used(struct fd_table* t, int fd) { t->used[fd / 64] &= ~(1ull << (fd % 64)); }
static int valid(int fd) { return fd >= 0 && fd < FD_TABLE_SIZE; }

/* PERF-008: a word at a time from the word holding `lowest`; the bits
 * below `lowest` in its word are masked as if used. */
static int lowest_free(struct fd_table* t, int lowest) {
  for (int word = lowest / 64; word < FD_TABLE_WORDS; ++word) {
    ++t->words_examined;
    uint64_t taken = t->used[word];
    if (word == lowest / 64 && lowest % 64 != 0) taken |= (1ull << (lowest % 64)) - 1;
    if (taken != ~0ull) return word * 64 + __builtin_ctzll(~taken);
  }
  return -1;
}

int fd_table_allocate(struct fd_table* t, int lowest, struct fd_counted* file, uint32_t flags) {
  if (!valid(lowest) || file == 0) return -EINVAL;
  futex_mutex_lock(&t->lock);
  const int fd = lowest_free(t, lowest);
  if (fd >= 0) {
    set_used(t, fd);
    t->entries[fd].file = file;
    t->entries[fd].flags = flags;
  }
  futex_mutex_unlock(&t->lock);
  return fd >= 0 ? fd : -EMFILE;
}

int fd_table_install(struct fd_table* t, int fd, struct fd_counted* file, uint32_t flags,
                     struct fd_counted** replaced) {
  *replaced = 0;
  if (!valid(fd)) return -EBADF;
  if (file == 0) return -EINVAL;
  futex_mutex_lock(&t->lock);
  *replaced = t->entries[fd].file;
  set_used(t, fd);
  t->entries[fd].file = file;
  t->entries[fd].flags = flags;
  futex_mutex_unlock(&t->lock);
  return 0;
}

struct fd_counted* fd_table_remove(struct fd_table* t, int fd) {
  if (!valid(fd)) return 0;
  futex_mutex_lock(&t->lock);
  struct fd_counted* file = t->entries[fd].file;
  t->entries[fd].file = 0;
  t->entries[fd].flags = 0;
  clear_used(t, fd);
  futex_mutex_unlock(&t->lock);
  return file;
}

struct fd_counted* fd_table_get(struct fd_table* t, int fd, uint32_t* flags) {
  if (!valid(fd)) return 0;
  futex_mutex_lock(&t->lock);
  struct fd_counted* file = t->entries[fd].file;
  if (file) __atomic_fetch_add(&file->references, 1, __ATOMIC_RELAXED);
  if (file && flags) *flags = t->entries[fd].flags;
  futex_mutex_unlock(&t->lock);
  return file;
}

int fd_table_set_flags(struct fd_table* t, int fd, uint32_t flags) {
  if (!valid(fd)) return -EBADF;
  futex_mutex_lock(&t->lock);
  const int open = t->entries[fd].file != 0;
  if (open) t->entries[fd].flags = flags;
  futex_mutex_unlock(&t->lock);
  return open ? 0 : -EBADF;
}

int fd_table_next_open(struct fd_table* t, int from) {
  if (from < 0) from = 0;
  int found = -1;
  futex_mutex_lock(&t->lock);
  for (int word = from / 64; word < FD_TABLE_WORDS && found < 0 && from < FD_TABLE_SIZE; ++word) {
    uint64_t open = t->used[word];
    if (word == from / 64) open &= ~((1ull << (from % 64)) - 1);
    if (open != 0) found = word * 64 + __builtin_ctzll(open);
  }
  futex_mutex_unlock(&t->lock);
  return found;
}

int fd_table_count(struct fd_table* t) {
  int count = 0;
  futex_mutex_lock(&t->lock);
  for (int word = 0; word < FD_TABLE_WORDS; ++word) count += __builtin_popcountll(t->used[word]);
  futex_mutex_unlock(&t->lock);
  return count;
}
