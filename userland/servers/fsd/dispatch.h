/* fsd's request decoding and dispatch: one request of fs_protocol.h in,
 * one reply out, for a connection, with no channels involved (the server
 * moves the bytes; host tests call this directly).
 *
 * Nothing in a request is trusted: a message shorter than its header,
 * `path_bytes` or `count` that disagree with its length, a path with a NUL
 * where none belongs (or not exactly one in RENAME/LINK/SYMLINK), flags or
 * mode bits the op does not take, an unknown op, or an op the connection's
 * kind does not serve is answered -EINVAL. */
#ifndef FSD_DISPATCH_H_
#define FSD_DISPATCH_H_

#include <stddef.h>
#include <stdint.h>

#include "userland/servers/fsd/ext2.h"

#ifdef __cplusplus
extern "C" {
#endif

enum fsd_conn_kind { FSD_CONN_DIR = 1, FSD_CONN_FILE = 2 };

/* What a connection is for. Owned by the server's connection table; a
 * connection holds one open reference on its inode (ext2_open/ext2_ref)
 * until fsd_conn_close. */
struct fsd_conn {
  uint32_t kind; /* enum fsd_conn_kind */
  uint32_t ino;
  uint32_t flags; /* the O_* it was opened with (access mode, O_APPEND) */
  /* The buffer the client shared (VIPER_FS_SHARE), mapped by the server;
   * 0 until then. READ_SHARED and WRITE_SHARED move their bytes here. */
  uint8_t* shared;
  uint64_t shared_bytes;
};

/* Room a reply may need: the header and the largest payload. */
#define FSD_REPLY_MAX (sizeof(struct viper_fs_reply) + VIPER_FS_IO_MAX)

struct fsd_result {
  size_t reply_bytes;
  int has_conn; /* OPEN, CLONE: the server makes a channel for `conn` */
  struct fsd_conn conn;
};

/* Handles one request on `conn`. `reply` must hold FSD_REPLY_MAX bytes.
 * Always writes a reply (its status says how it went). With has_conn the
 * caller owns the new connection's reference: it closes it with
 * fsd_conn_close if it cannot hand the connection out. */
void fsd_dispatch(struct ext2_fs* fs, const struct fsd_conn* conn, const void* request,
                  size_t request_bytes, void* reply, struct fsd_result* out);

/* fsd_dispatch for what can be answered without waiting: a READ or
 * READ_SHARED whose blocks are all cached while nobody holds the library's
 * lock (ext2_read_cached). 1 when `reply` and `out` are written; 0, with
 * nothing changed, when the request must go to fsd_dispatch (any other
 * op, a malformed one, a cache miss, the lock busy). */
int fsd_dispatch_cached(struct ext2_fs* fs, const struct fsd_conn* conn, const void* request,
                        size_t request_bytes, void* reply, struct fsd_result* out);

/* The checks on a SHARE request before the server maps its handle: the
 * request itself (a file connection, no path, flags, mode, offset or
 * count), exactly one handle, a VMO (`is_vmo`) with READ and WRITE
 * (`read_write`) of VIPER_FS_SHARED_MIN..MAX bytes, and no buffer on the
 * connection yet. 0 or the -errno fs_protocol.h names. */
int fsd_share_check(const struct fsd_conn* conn, const void* request, size_t request_bytes,
                    size_t handles, int is_vmo, int read_write, uint64_t size);

/* The write generations (fs_protocol.h): fsd_dispatch adds 1 to a node's
 * slot after each request that changes its data, before the caller
 * replies. `slots` holds VIPER_FS_GENERATION_SLOTS words, or is 0 (none
 * kept: host tests that do not ask). Set once, before serving. */
void fsd_set_generations(uint32_t* slots);

/* A connection to the root directory (init's). */
int fsd_conn_root(struct ext2_fs* fs, struct fsd_conn* out);
void fsd_conn_close(struct ext2_fs* fs, const struct fsd_conn* conn);

#ifdef __cplusplus
}
#endif

#endif /* FSD_DISPATCH_H_ */
