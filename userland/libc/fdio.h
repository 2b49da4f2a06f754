/* fdio: file descriptors in libc, over channels and the boot archive.
 *
 * An fd names an open file description (struct fd_file): what it is (a
 * stream, a boot file, a boot directory, the kernel console), its open
 * flags and its own state (an offset, the unread rest of a message). dup()
 * and dup2() make more fds for one description, so they share that state,
 * as POSIX says. The table (fd_table.h) maps fds to descriptions; a
 * description is freed when its last fd and its last user are gone.
 *
 * Why libc and not the kernel (ARCHITECTURE.md, "Files"): the kernel has
 * channels and handles already, and everything an fd needs to be (a pipe,
 * a console session, a file of fsd) is one; an fd table in the kernel would
 * be a second handle table with its own rights, inheritance and locking.
 * In libc a read of a pipe is one channel read (no extra hop or copy
 * through a kernel VFS layer), a process passes fds to a child as the
 * handles they are (startup.h), and the kernel keeps no policy.
 *
 * Internal to libc. Functions return a value >= 0 or a negative errno. */
#ifndef VIPERDOS_LIBC_FDIO_H_
#define VIPERDOS_LIBC_FDIO_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <viperdos/handles.h>

#include "userland/libc/fd_table.h"

enum fd_kind {
  FD_KIND_CONSOLE = 1,   /* the kernel console (debug_write): the fallback */
  FD_KIND_STREAM = 2,    /* a channel speaking <viperdos/stream.h> */
  FD_KIND_BOOTFILE = 3,  /* a regular file of the boot archive */
  FD_KIND_DIRECTORY = 4, /* a directory of the boot archive (fstat only) */
  FD_KIND_FSFILE = 5,    /* a file of the disk: a connection to fsd (fd_fsfile.c) */
  FD_KIND_FSDIR = 6,     /* a directory of the disk: a connection to fsd */
  FD_KIND_FSROOT = 7,    /* the startup message's root connection (no fd) */
  FD_KIND_SOCKET = 8,    /* a socket of netd: control and data channels (fd_socket.c) */
  FD_KIND_NETROOT = 9,   /* the startup message's netd connection (no fd) */
};

struct fd_file;

struct fd_ops {
  enum fd_kind kind;
  ssize_t (*read)(struct fd_file* file, void* buffer, size_t size);
  ssize_t (*write)(struct fd_file* file, const void* bytes, size_t size);
  off_t (*seek)(struct fd_file* file, off_t offset, int whence);
  int (*stat)(struct fd_file* file, struct stat* status);
  void (*destroy)(struct fd_file* file);
};

struct fd_file {
  struct fd_counted counted; /* first: the table counts it */
  const struct fd_ops* ops;
  int status_flags; /* open()'s access mode and O_APPEND, O_NONBLOCK (F_GETFL) */
};

/* The process's fds. */
extern struct fd_table __viper_fds;

/* The description behind `fd` (a reference for the caller), or 0. */
struct fd_file* __fd_get(int fd);
/* Drops a reference; the last one destroys the description. */
void __fd_put(struct fd_file* file);
/* A new fd (>= lowest) for `file`, whose reference moves to the table on
 * success: the fd, or -EMFILE/-EINVAL (the reference stays the caller's). */
int __fd_install(struct fd_file* file, int lowest, uint32_t fd_flags);
/* Puts `file` at `fd` (its reference moves), closing what was there. */
int __fd_install_at(int fd, struct fd_file* file, uint32_t fd_flags);
/* Closes `fd`: 0 or -EBADF. */
int __fd_close(int fd);

/* The kinds. Each new description comes with one reference. */
struct fd_file* __fd_console(void);
/* A stream over `channel` (the description owns it): 0 when out of memory. */
struct fd_file* __fd_stream_new(viper_handle_t channel, int is_terminal, int status_flags);
viper_handle_t __fd_stream_channel(const struct fd_file* file);
int __fd_stream_is_terminal(const struct fd_file* file);
/* Whether a read of a stream returns at once (poll.c). */
int __fd_stream_buffered(struct fd_file* file);
/* A control message (SET_MODE, SET_FOREGROUND) on a stream, in order
 * with its data: 0 or -errno (-ENOTTY: not a stream). */
int __fd_stream_control(struct fd_file* file, const void* bytes, size_t size,
                        const viper_handle_t* handles, size_t handle_count);
/* A terminal's attributes (termios.c): 0 or -ENOTTY. */
struct termios;
void __fd_default_attributes(struct termios* attributes);
int __fd_stream_attributes(struct fd_file* file, struct termios* out);
int __fd_stream_set_attributes(struct fd_file* file, const struct termios* attributes);
/* A boot file or directory at archive path `name` (no leading slash). */
int __fd_bootfile_open(const char* name, int flags, struct fd_file** out);
const char* __fd_bootfile_name(const struct fd_file* file);
off_t __fd_bootfile_offset(const struct fd_file* file);

/* open()'s description for `path` on whichever mount it lies (posix_fd.c). */
int __viper_open_file(const char* path, int flags, mode_t mode, struct fd_file** out);

/* A kernel error (VIPER_ERR_*) as an errno value. */
int __viper_errno(int64_t error);

#endif /* VIPERDOS_LIBC_FDIO_H_ */
