/* The file-system protocol: how libc talks to fsd.
 *
 * Every open directory and every open file is its own channel to fsd (the
 * model is Fuchsia's fdio): a process holds a connection to the root
 * directory, opening a path there sends OPEN and receives a new channel for
 * the node, and the fd layer keeps that channel as the fd. A connection is
 * used by one thread at a time (libc locks it around each call), so every
 * request is a request message and one reply: one viper_channel_call,
 * except OPEN and CLONE, whose reply carries a handle, and SHARE, whose
 * request does, which call() cannot (it moves bytes only): those are a
 * channel_write and a blocking channel_read. fsd must send those replies
 * with channel_write (a reply_and_read cannot attach the handle either).
 *
 * A request is struct viper_fs_request followed by `path_bytes` bytes of
 * path (no NUL; RENAME and LINK: the old path, one NUL, the new path) and
 * then, for WRITE, the data. Paths are relative to the directory the
 * connection is for, '/'-separated, already free of "." and ".." (libc
 * resolves them against its working directory); an empty path means the
 * directory itself. fsd refuses a path with a NUL, an empty component, ".",
 * "..", or a component longer than 255 bytes (-EINVAL / -ENAMETOOLONG).
 *
 * A reply is struct viper_fs_reply followed by its payload (READ: the
 * bytes; READDIR: records; STAT: a struct viper_fs_stat; READLINK: the
 * target) and, for OPEN and CLONE, one handle: the new connection.
 * `status` is 0 or a negative errno as picolibc's <errno.h> numbers it
 * (both ends are built against the same picolibc). A malformed request
 * (too short, lengths that disagree with the message, an op the connection
 * does not serve) is answered -EINVAL, never trusted; a client that sends
 * garbage loses nothing but that request.
 *
 * All integers are little-endian, as both ends are.
 *
 * Bootstrap (no iteration counts, no timeouts anywhere: USER-003):
 *   kernel -> init: after "console", one message per disk on init's
 *     bootstrap channel, the bytes "block" and the disk's handle (rights
 *     READ, WRITE unless read-only, WAIT, TRANSFER, DUPLICATE), disk 0 first.
 *   init -> fsd: fsd's bootstrap channel carries one message, "block" and
 *     the handle of the disk to mount; fsd waits for it with a blocking
 *     read. Once mounted, fsd serves that same channel as a connection to
 *     the root directory (init's); if the mount fails fsd says why on
 *     stderr and exits non-zero, so init's calls see the peer closed.
 *   libc: a process's root connection reaches it in its startup message
 *     (a CLONE of its parent's), so fork, posix_spawn and exec pass it on.
 *   Mounts (libc): with a root connection, the disk is "/", the boot
 *   archive "/boot" and its "bin" also "/bin" (both read-only); without
 *   one, the boot archive is "/" as before. */
#ifndef VIPERDOS_FS_PROTOCOL_H_
#define VIPERDOS_FS_PROTOCOL_H_

#include <stdint.h>

enum viper_fs_op {
  /* On a directory connection. */
  VIPER_FS_OPEN = 1,     /* flags: O_* (O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY,
                          * O_APPEND, access mode); mode: for O_CREAT. Reply:
                          * the node's connection (value: 1 for a directory,
                          * 0 for a file). O_TRUNC empties the file (REL-006). */
  VIPER_FS_MKDIR = 2,    /* mode */
  VIPER_FS_RMDIR = 3,    /* -ENOTEMPTY unless empty */
  VIPER_FS_UNLINK = 4,   /* -EISDIR for a directory */
  VIPER_FS_RENAME = 5,   /* old NUL new; replaces an existing new (a file,
                          * or an empty directory over a directory), across
                          * directories too; -EINVAL moving a directory into
                          * itself */
  VIPER_FS_LINK = 6,     /* old NUL new: a hard link; -EPERM for a directory */
  VIPER_FS_SYMLINK = 7,  /* old NUL new: `new` is a symbolic link to `old` */
  VIPER_FS_READLINK = 8, /* reply payload: the target */
  VIPER_FS_STATFS = 9,   /* reply payload: struct viper_fs_statfs */

  /* On a directory connection (path: the node, empty for itself) or a
   * file connection (path empty). */
  VIPER_FS_STAT = 16,   /* flags: VIPER_FS_NOFOLLOW for lstat; reply
                         * payload: struct viper_fs_stat */
  VIPER_FS_CLONE = 17,  /* reply: a new connection to the same node (for
                         * dup across processes: fork, spawn, exec) */
  VIPER_FS_SYNC = 18,   /* file: its data and inode reach the disk, and
                         * the disk's cache is flushed (fsync); directory:
                         * the whole file system (sync) */
  VIPER_FS_CHMOD = 19,  /* mode */
  VIPER_FS_UTIMES = 20, /* offset: atime ns since 1970, count: mtime ns */

  /* On a file connection. The file offset lives in libc; each request
   * names its position. */
  VIPER_FS_READ = 32,     /* offset, count (at most VIPER_FS_IO_MAX); reply:
                           * value = bytes read (0 at the end), then them */
  VIPER_FS_WRITE = 33,    /* offset, then the data (at most VIPER_FS_IO_MAX);
                           * flags: VIPER_FS_APPEND writes at the end
                           * instead. Reply: value = bytes written, offset
                           * in the reply = where the write ended */
  VIPER_FS_TRUNCATE = 34, /* offset: the new size (grows sparse) */
  /* A buffer shared by the client and fsd for this connection's data, so
   * READ_SHARED and WRITE_SHARED move their bytes outside the messages (one
   * request per read of up to the buffer's size, and two copies: the cache
   * to the buffer, the buffer to the caller). The request carries one
   * handle: a VMO of VIPER_FS_SHARED_MIN to VIPER_FS_SHARED_MAX bytes with
   * READ and WRITE (fsd maps it). -EINVAL: no handle or more than one, not
   * a VMO, a size out of range; -EACCES: without READ or WRITE; -EBUSY:
   * the connection has one already (it keeps it until it closes). A CLONE
   * does not inherit it. The reply (value: the node's slot in the write
   * generations, below) carries a read-only VMO of them, or no handle
   * (then the client keeps no data it was not asked for). */
  VIPER_FS_SHARE = 35,
  VIPER_FS_READ_SHARED = 36,  /* as READ, count at most the shared buffer's
                               * size; the bytes go to its start and the
                               * reply is the header only. -ENOBUFS: no
                               * buffer shared; -EINVAL: count beyond it */
  VIPER_FS_WRITE_SHARED = 37, /* as WRITE, the count bytes from the shared
                               * buffer's start (no data in the message);
                               * the same errors as READ_SHARED */

  /* On a directory connection. */
  VIPER_FS_READDIR = 48, /* offset: the cookie to start at (0 first), count:
                          * the payload capacity; reply: value = records,
                          * offset = the cookie to continue at (0: no more),
                          * then the records */
};

/* Request flags besides O_*. */
#define VIPER_FS_NOFOLLOW 0x40000000u
#define VIPER_FS_APPEND 0x20000000u

/* Bytes of file data in one READ or WRITE: a message is at most
 * VIPER_MESSAGE_BYTES_MAX with its header. */
#define VIPER_FS_IO_MAX 32768u
/* The sizes of a shared buffer (VIPER_FS_SHARE): fsd maps one per
 * connection that asks. */
#define VIPER_FS_SHARED_MIN 4096u
#define VIPER_FS_SHARED_MAX (1u << 20)

/* Write generations: VIPER_FS_GENERATION_SLOTS 32-bit counters in a VMO
 * fsd shares read-only with every SHARE. A node's slot is
 * VIPER_FS_GENERATION_SLOT(ino) (nodes may share one); fsd adds 1 to it
 * after every WRITE, WRITE_SHARED, TRUNCATE and OPEN with O_TRUNC of the
 * node, before the reply. So a client that read the slot (acquire) before
 * a READ_SHARED and finds it unchanged later knows no write to the node
 * has returned since: the bytes it fetched beyond what it was asked for
 * (read-ahead in the shared buffer) are still the file's. A write of
 * another node in the same slot only costs a needless refetch. */
#define VIPER_FS_GENERATION_SLOTS 4096u
#define VIPER_FS_GENERATION_SLOT(ino) ((uint32_t)(ino) % VIPER_FS_GENERATION_SLOTS)
#define VIPER_FS_NAME_MAX 255u
#define VIPER_FS_PATH_MAX 4096u

struct viper_fs_request {
  uint32_t op; /* enum viper_fs_op */
  uint32_t flags;
  uint64_t offset;
  uint64_t count;
  uint32_t mode;       /* permission bits (and S_IF* from fsd on STAT) */
  uint32_t path_bytes; /* path bytes after this header */
};

struct viper_fs_reply {
  int32_t status; /* 0 or -errno */
  uint32_t reserved;
  uint64_t value;
  uint64_t offset;
};

struct viper_fs_stat {
  uint64_t ino;
  uint64_t size;
  uint64_t blocks; /* 512-byte units allocated */
  uint32_t mode;   /* S_IF* | permission bits */
  uint32_t nlink;
  uint32_t uid, gid;
  uint32_t block_size;
  uint32_t reserved;
  int64_t atime_ns, mtime_ns, ctime_ns; /* since 1970 */
};

struct viper_fs_statfs {
  uint64_t block_size;
  uint64_t blocks, free_blocks;
  uint64_t inodes, free_inodes;
  uint32_t read_only; /* mounted read-only (an incompatible feature, or a
                         read-only disk) */
  uint32_t reserved;
};

/* One READDIR record: the header, then name_bytes of name (no NUL), padded
 * to a multiple of 8 (record_bytes says where the next begins). */
struct viper_fs_dirent {
  uint64_t ino;
  uint16_t record_bytes;
  uint8_t type; /* VIPER_FS_TYPE_* */
  uint8_t name_bytes;
  uint32_t reserved;
};

#define VIPER_FS_TYPE_UNKNOWN 0
#define VIPER_FS_TYPE_FILE 1
#define VIPER_FS_TYPE_DIR 2
#define VIPER_FS_TYPE_SYMLINK 7

#endif /* VIPERDOS_FS_PROTOCOL_H_ */
