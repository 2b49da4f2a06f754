/* An ext2 file system over a block device (blockdev.h): the library fsd
 * serves, and host tests and the fuzzer drive directly.
 *
 * Every function takes the file system's one lock (ext2_internal.h says
 * what it protects) for its whole run, so calls from any number of threads
 * are safe and each is atomic with respect to the others (USER-001).
 * Functions return 0 or a non-negative value on success and a negative
 * errno on failure; nothing is trusted from the disk: a corrupt structure
 * is -EIO (or -EUCLEAN at mount), never a crash.
 *
 * Paths are relative to a directory inode, '/'-separated, with no empty
 * component, ".", ".." or NUL (-EINVAL), components at most 255 bytes
 * (-ENAMETOOLONG). fsd does not follow symbolic links: one met before the
 * last component is -ELOOP (libc resolves links with READLINK), the last
 * is the link itself. */
#ifndef FSD_EXT2_H_
#define FSD_EXT2_H_

#include <stddef.h>
#include <stdint.h>
#include <viperdos/fs_protocol.h>

#include "userland/servers/fsd/blockdev.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ext2_fs;

/* The root directory's inode. */
#define EXT2_ROOT_INO_PUBLIC 2

struct ext2_mount_options {
  int read_only;           /* mount read-only even if read-write were possible */
  uint32_t cache_blocks;   /* blocks the cache may hold (0: a default, or
                            * as many as cache_memory holds) */
  int64_t (*now_ns)(void); /* the wall clock (0: clock_gettime(CLOCK_REALTIME)) */
  /* Memory for the cache's buffers, carved block by block as they are
   * first used (fsd maps it demand-paged, so an unused part costs
   * nothing); 0: each buffer is malloc'ed when first used. */
  void* cache_memory;
  size_t cache_memory_bytes;
};

/* Mounts the file system on `dev`. On failure returns a negative errno and
 * says why in `message`; on success `message` says why the mount is
 * read-only, if it is (empty otherwise). */
int ext2_mount(const struct fs_blockdev* dev, const struct ext2_mount_options* options,
               struct ext2_fs** out, char* message, size_t message_capacity);
/* Writes everything back (sync) and frees the file system. */
int ext2_unmount(struct ext2_fs* fs);
int ext2_read_only(const struct ext2_fs* fs);

/* Opening takes a reference on the node that ext2_close drops: an inode
 * unlinked while open is freed at its last close. */
int ext2_open(struct ext2_fs* fs, uint32_t dir, const char* path, size_t path_len, uint32_t flags,
              uint32_t mode, uint32_t* ino, int* is_dir);
int ext2_ref(struct ext2_fs* fs, uint32_t ino); /* another reference (CLONE) */
int ext2_close(struct ext2_fs* fs, uint32_t ino);

int ext2_mkdir(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, uint32_t mode);
int ext2_rmdir(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len);
int ext2_unlink(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len);
int ext2_rename(struct ext2_fs* fs, uint32_t dir, const char* from, size_t from_len, const char* to,
                size_t to_len);
int ext2_link(struct ext2_fs* fs, uint32_t dir, const char* from, size_t from_len, const char* to,
              size_t to_len);
int ext2_symlink(struct ext2_fs* fs, uint32_t dir, const char* target, size_t target_len,
                 const char* path, size_t len);
/* Returns the target's length (at most `capacity` bytes are copied). */
int64_t ext2_readlink(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, char* buffer,
                      size_t capacity);

/* On `path` under `dir` (empty: `dir` itself). */
int ext2_stat(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len,
              struct viper_fs_stat* out);
int ext2_chmod(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, uint32_t mode);
int ext2_utimes(struct ext2_fs* fs, uint32_t dir, const char* path, size_t len, int64_t atime_ns,
                int64_t mtime_ns);
int ext2_statfs(struct ext2_fs* fs, struct viper_fs_statfs* out);

/* On an inode (a file someone holds open). */
int64_t ext2_read(struct ext2_fs* fs, uint32_t ino, uint64_t offset, void* buffer, size_t count);
/* ext2_read that never waits: -EAGAIN, with nothing changed but maybe
 * some of `buffer`, when another thread holds the lock or a block the read
 * needs is not cached (no device request, no eviction). fsd's poller
 * serves cached reads with it without a hop to a worker. */
int64_t ext2_read_cached(struct ext2_fs* fs, uint32_t ino, uint64_t offset, void* buffer,
                         size_t count);
/* `append`: at the end instead of `offset`; `*end`: where the write ended. */
int64_t ext2_write(struct ext2_fs* fs, uint32_t ino, uint64_t offset, const void* data,
                   size_t count, int append, uint64_t* end);
int ext2_truncate(struct ext2_fs* fs, uint32_t ino, uint64_t size);
int ext2_fsync(struct ext2_fs* fs, uint32_t ino);
int ext2_sync(struct ext2_fs* fs);

/* Directory entries from `cookie` (0: the first) while `emit` returns 0;
 * `*next` is where to continue (0: no more). `emit` runs with the lock
 * held and must not call back into the library. */
typedef int (*ext2_emit_fn)(void* context, uint32_t ino, uint8_t type, const char* name,
                            size_t name_len);
int ext2_readdir(struct ext2_fs* fs, uint32_t dir, uint64_t cookie, ext2_emit_fn emit,
                 void* context, uint64_t* next);

#ifdef __cplusplus
}
#endif

#endif /* FSD_EXT2_H_ */
