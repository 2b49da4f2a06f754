/* The file-descriptor table: fd -> open file description, plus the fd's
 * own flags (FD_CLOEXEC). Portable C: libc links it, and the host test
 * (fd_table_test.cc) compiles the same file.
 *
 * PERF-008: the lowest free fd is found through a bitmap of used fds, a
 * word (64 fds) at a time with a count-trailing-zeros, so allocation costs
 * O(FD_TABLE_SIZE / 64) word reads, never a walk over the entries. The
 * table counts the words it reads (words_examined) so a test can prove it.
 *
 * Thread-safe: one futex mutex guards the bitmap and the entries. A
 * description found through the table is handed out with a reference taken
 * under that lock, so a concurrent close() cannot free it under its user.
 * The table never frees a description itself: what it removes it returns,
 * and the caller drops that reference outside the lock. */
#ifndef VIPERDOS_LIBC_FD_TABLE_H_
#define VIPERDOS_LIBC_FD_TABLE_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FD_TABLE_SIZE 256
#define FD_TABLE_WORDS (FD_TABLE_SIZE / 64)
#define FD_TABLE_CLOEXEC 1u /* the fd's FD_CLOEXEC */

/* The first member of every open file description: its reference count,
 * one per fd that names it plus one per user that holds it for a call. */
struct fd_counted {
  uint32_t references;
};

struct fd_entry {
  struct fd_counted* file; /* 0: the fd is free */
  uint32_t flags;          /* FD_TABLE_CLOEXEC */
};

struct fd_table {
  uint32_t lock; /* futex mutex: guards everything below */
  uint64_t used[FD_TABLE_WORDS];
  struct fd_entry entries[FD_TABLE_SIZE];
  uint64_t words_examined; /* bitmap words read by allocations, for tests */
};

/* Installs `file` (its caller's reference moves into the table) at the
 * lowest free fd >= `lowest`: the fd, -EMFILE when none is free, -EINVAL
 * for a `lowest` outside 0..FD_TABLE_SIZE-1. */
int fd_table_allocate(struct fd_table* table, int lowest, struct fd_counted* file, uint32_t flags);

/* Installs `file` at `fd` whether or not it is free (dup2, adoption):
 * 0, or -EBADF for an fd out of range. What was there is returned in
 * *replaced (0 if the fd was free); the caller drops that reference. */
int fd_table_install(struct fd_table* table, int fd, struct fd_counted* file, uint32_t flags,
                     struct fd_counted** replaced);

/* Frees `fd` and returns its description (the table's reference, now the
 * caller's), or 0 if the fd was not open. */
struct fd_counted* fd_table_remove(struct fd_table* table, int fd);

/* The description behind `fd` with a new reference for the caller, and
 * the fd's flags in *flags if given; 0 if the fd is not open. */
struct fd_counted* fd_table_get(struct fd_table* table, int fd, uint32_t* flags);

/* Sets the fd's flags: 0, or -EBADF. */
int fd_table_set_flags(struct fd_table* table, int fd, uint32_t flags);

/* The lowest open fd >= `from`, or -1: a walk over the bitmap. */
int fd_table_next_open(struct fd_table* table, int from);

/* How many fds are open. */
int fd_table_count(struct fd_table* table);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_LIBC_FD_TABLE_H_ */
