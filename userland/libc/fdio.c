/* The process's fd table and the kernel console kind (fdio.h). */
#include "userland/libc/fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <viperdos/viper.h>

struct fd_table __viper_fds;

struct fd_file* __fd_get(int fd) { return (struct fd_file*)fd_table_get(&__viper_fds, fd, 0); }

void __fd_put(struct fd_file* file) {
  if (file && __atomic_sub_fetch(&file->counted.references, 1, __ATOMIC_ACQ_REL) == 0) {
    file->ops->destroy(file);
  }
}

int __fd_install(struct fd_file* file, int lowest, uint32_t fd_flags) {
  return fd_table_allocate(&__viper_fds, lowest, &file->counted, fd_flags);
}

int __fd_install_at(int fd, struct fd_file* file, uint32_t fd_flags) {
  struct fd_counted* replaced = 0;
  const int installed = fd_table_install(&__viper_fds, fd, &file->counted, fd_flags, &replaced);
  if (installed < 0) return installed;
  __fd_put((struct fd_file*)replaced);
  return fd;
}

int __fd_close(int fd) {
  struct fd_file* file = (struct fd_file*)fd_table_remove(&__viper_fds, fd);
  if (!file) return -EBADF;
  __fd_put(file);
  return 0;
}

/* ---- The kernel console: today's fds 0/1/2 of a program started without
 * fds. Output goes to debug_write; there is no input (read is end of
 * file). One static description, never freed. */

static ssize_t console_read(struct fd_file* file, void* buffer, size_t size) {
  (void)file;
  (void)buffer;
  (void)size;
  return 0;
}

static ssize_t console_write(struct fd_file* file, const void* bytes, size_t size) {
  (void)file;
  size_t done = 0;
  while (done < size) {
    size_t chunk = size - done;
    if (chunk > VIPER_DEBUG_WRITE_MAX) chunk = VIPER_DEBUG_WRITE_MAX;
    const int64_t n = viper_debug_write((const char*)bytes + done, chunk);
    if (n < 0) return done > 0 ? (ssize_t)done : -__viper_errno(n);
    done += (size_t)n;
  }
  return (ssize_t)done;
}

static off_t console_seek(struct fd_file* file, off_t offset, int whence) {
  (void)file;
  (void)offset;
  (void)whence;
  return -ESPIPE;
}

static int console_stat(struct fd_file* file, struct stat* status) {
  (void)file;
  status->st_mode = S_IFCHR | 0620;
  return 0;
}

static void console_destroy(struct fd_file* file) {
  file->counted.references = 1u << 30; /* static: never freed */
}

static const struct fd_ops console_ops = {
    .kind = FD_KIND_CONSOLE,
    .read = console_read,
    .write = console_write,
    .seek = console_seek,
    .stat = console_stat,
    .destroy = console_destroy,
};

static struct fd_file console = {{1u << 30}, &console_ops, O_RDWR};

struct fd_file* __fd_console(void) {
  __atomic_fetch_add(&console.counted.references, 1, __ATOMIC_RELAXED);
  return &console;
}

int __viper_errno(int64_t error) {
  switch (error) {
    case VIPER_ERR_NO_MEMORY:
      return ENOMEM;
    case VIPER_ERR_INVALID_ARGUMENT:
      return EINVAL;
    case VIPER_ERR_NOT_FOUND:
      return ENOENT;
    case VIPER_ERR_BAD_HANDLE:
      return EBADF;
    case VIPER_ERR_ACCESS_DENIED:
      return EACCES;
    case VIPER_ERR_WOULD_BLOCK:
      return EAGAIN;
    case VIPER_ERR_TIMED_OUT:
      return ETIMEDOUT;
    case VIPER_ERR_PEER_CLOSED:
      return EPIPE;
    case VIPER_ERR_BUSY:
      return EBUSY;
    case VIPER_ERR_ALREADY_EXISTS:
      return EEXIST;
    case VIPER_ERR_OUT_OF_RANGE:
      return ERANGE;
    case VIPER_ERR_FAULT:
      return EFAULT;
    case VIPER_ERR_INTERRUPTED:
      return EINTR;
    case VIPER_ERR_NO_SPACE:
      return ENOSPC;
    case VIPER_ERR_OVERFLOW:
      return EOVERFLOW;
    case VIPER_ERR_NOT_SUPPORTED:
      return ENOTSUP;
    case VIPER_ERR_CORRUPT:
      return ENOEXEC;
    case VIPER_ERR_IO:
      return EIO;
    default:
      return ENOSYS;
  }
}
