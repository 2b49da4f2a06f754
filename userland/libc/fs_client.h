/* libc's client of fsd (<viperdos/fs_protocol.h>): connections, the one
 * request/reply helper, the root connection, and the disk's fds
 * (fd_fsfile.c). Internal to libc. Functions return 0 (or a value) or a
 * negative errno. */
#ifndef VIPERDOS_LIBC_FS_CLIENT_H_
#define VIPERDOS_LIBC_FS_CLIENT_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <viperdos/fs_protocol.h>
#include <viperdos/handles.h>

#include "userland/libc/fdio.h"

/* A channel to one node of fsd. The protocol is one request, one reply,
 * so a connection is used by one thread at a time: `lock` (a futex mutex)
 * is held around each exchange. */
struct fs_conn {
  uint32_t lock;
  viper_handle_t channel;
  /* The buffer shared with fsd for this connection's data (VIPER_FS_SHARE),
   * under `lock`: made on the first __fs_shared_io, mapped here and in fsd;
   * shared_refused once fsd (or memory) said no: then messages only. */
  uint8_t* shared;
  size_t shared_bytes;
  int shared_refused;
  /* Read-ahead (fs_protocol.h, "Write generations"): the node's slot in
   * fsd's generations (0: none, then no read-ahead); the file's bytes
   * [ahead_offset, + ahead_bytes) are at shared's start, fetched after
   * the slot read ahead_generation; next_offset is where the last read
   * ended (a read there is sequential and reads ahead). */
  const uint32_t* generation;
  uint64_t ahead_offset, next_offset;
  size_t ahead_bytes;
  uint32_t ahead_generation;
};

/* What one request sends besides its header, and where its reply goes. */
struct fs_exchange {
  const char* path; /* path_bytes bytes (RENAME, LINK, SYMLINK: old NUL new) */
  size_t path_bytes;
  const void* data; /* WRITE's bytes */
  size_t data_bytes;
  void* payload; /* the reply's payload: READ's bytes, STAT's record, ... */
  size_t capacity;
  size_t payload_bytes;   /* out */
  viper_handle_t* handle; /* OPEN, CLONE: the new connection (out) */
};

/* Sends `request` (path_bytes is filled in) on `conn`, under its lock, and
 * reads the reply into `reply` and `x`: the reply's status, or -EIO when
 * fsd is gone or answered nonsense. */
int __fs_call(struct fs_conn* conn, struct viper_fs_request* request, struct fs_exchange* x,
              struct viper_fs_reply* reply);
/* READ_SHARED or WRITE_SHARED (`op`) of up to the shared buffer's size
 * (a larger `count` is cut to it) at `offset` on `conn`, sharing the
 * buffer first if it has none; the bytes pass through the buffer (copied
 * out after a read, in before a write) under the connection's lock. A
 * sequential read fetches a whole buffer and the next reads are served
 * from it, with no request, while the node's write generation stays the
 * one read before the fetch.
 * Returns the reply's value (bytes moved), *end_offset = the reply's
 * offset (where an append ended); -ENOBUFS when there is no buffer and
 * none can be shared (the caller uses messages), or -errno. */
int64_t __fs_shared_io(struct fs_conn* conn, uint32_t op, uint32_t flags, uint64_t offset,
                       void* buffer, size_t count, uint64_t* end_offset);
/* The shared buffer's mapping goes (a forked child's copy of it, or a
 * connection closing); it may be shared again later. */
void __fs_shared_drop(struct fs_conn* conn);
/* A CLONE of `conn`: a new channel to the same node in *out. */
int __fs_clone(struct fs_conn* conn, viper_handle_t* out);
/* STAT of `path` under `conn` ("" for its node), as a struct stat. */
int __fs_stat(struct fs_conn* conn, const char* path, int nofollow, struct stat* out);

/* The file-mode creation mask (umask(), posix_fs.c). */
mode_t __viper_umask(void);

/* The root connection: 0 when this process has none (the boot archive is
 * then "/"). */
struct fs_conn* __fs_root(void);
/* Makes `channel` the root connection (taken; any previous one is
 * closed). */
void __fs_set_root(viper_handle_t channel);

/* Opens the disk's `path` (resolved, relative to the root) as a new
 * description in *out. */
int __fs_open(const char* path, int flags, mode_t mode, struct fd_file** out);

/* Disk fds (fd_fsfile.c). */
/* A description for connection `channel` (taken even on failure). */
struct fd_file* __fd_fs_new(viper_handle_t channel, int is_directory, int status_flags);
/* Its connection, or 0 for a description of another kind. */
struct fs_conn* __fd_fs_conn(struct fd_file* file);
off_t __fd_fs_offset(struct fd_file* file);
/* Moves a file's offset into a shared page (once; fd_fsfile.c says why),
 * and gives a duplicate of its VMO in *vmo_copy if asked: 0 or -ENOMEM
 * (then the offset stays this process's). Directories: nothing, 0. */
int __fd_fs_share_offset(struct fd_file* file, viper_handle_t* vmo_copy);
/* A child's side: `vmo` (taken) holds the offset it shares. */
int __fd_fs_adopt_offset(struct fd_file* file, viper_handle_t vmo);
void __fd_fs_set_offset(struct fd_file* file, off_t offset);
ssize_t __fd_fs_pread(struct fd_file* file, void* buffer, size_t size, off_t offset);
ssize_t __fd_fs_pwrite(struct fd_file* file, const void* bytes, size_t size, off_t offset);
/* READDIR from `cookie`: records into `buffer`; *next is where to go on
 * (0: the end). Returns how many records came. */
int __fd_fs_readdir(struct fd_file* file, uint64_t cookie, void* buffer, size_t capacity,
                    size_t* bytes, uint64_t* next);

/* fork (process.c): a child must not share a connection with its parent
 * (their requests and replies would cross on one channel), so the parent
 * clones every connection before the fork, the child takes the clones,
 * and the parent closes them. */
struct fs_fork;
struct fs_fork* __fs_fork_prepare(void); /* 0: none needed, or out of memory */
void __fs_fork_child(struct fs_fork* clones);
void __fs_fork_parent(struct fs_fork* clones);

#endif /* VIPERDOS_LIBC_FS_CLIENT_H_ */
