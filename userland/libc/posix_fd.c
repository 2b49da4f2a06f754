/* The POSIX file calls on fdio (fdio.h): open, read, write, close, dup,
 * dup2, pipe, lseek, fstat, stat, lstat, isatty, fcntl, access, pread,
 * pwrite, ftruncate, fsync, fchmod (the path calls are posix_fs.c). Each
 * checks its arguments and fails with -1 and errno, never silently. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/bootfs_names.h"
#include "userland/libc/fdio.h"
#include "userland/libc/fs_client.h"
#include "userland/libc/path.h"

/* A result of the fd layer (a value or -errno) as POSIX returns it. */
static long fail_or(long result) {
  if (result >= 0) return result;
  errno = (int)-result;
  return -1;
}

/* Evaluates `expression` with `file`, the description behind `fd` (held
 * for the call), or fails with EBADF. */
#define WITH_FILE(fd, file, expression)      \
  do {                                       \
    struct fd_file* file = __fd_get(fd);     \
    if (!file) return (long)fail_or(-EBADF); \
    const long result_ = (long)(expression); \
    __fd_put(file);                          \
    return fail_or(result_);                 \
  } while (0)

int __viper_open_file(const char* path, int flags, mode_t mode, struct fd_file** out) {
  char name[VIPER_PATH_MAX];
  struct vfs_route route;
  const int resolved = __viper_route(path, name, &route);
  if (resolved < 0) return resolved;
  if (vfs_wants_directory(path)) {
    if (flags & O_CREAT) return -EISDIR; /* as Linux: no file named "a/" */
    flags |= O_DIRECTORY;
  }
  if (route.mount != VFS_DISK) return __fd_bootfile_open(route.rest, flags, out);
  int result = __fs_open(route.rest, flags, mode, out);
  if (result == -ELOOP) {
    /* A symbolic link on the way, which fsd does not follow: libc does
     * (symlinks.c), and opens what it leads to, on the disk or not. */
    char followed[VIPER_PATH_MAX];
    result = __viper_follow_links(name, !(flags & O_NOFOLLOW), followed);
    if (result != 0) return result;
    route = vfs_route(followed, 1);
    if (route.mount != VFS_DISK) return __fd_bootfile_open(route.rest, flags, out);
    result = __fs_open(route.rest, flags, mode, out);
  }
  return result;
}

int open(const char* path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list args;
    va_start(args, flags);
    mode = (mode_t)va_arg(args, int);
    va_end(args);
  }
  struct fd_file* file = 0;
  int result = __viper_open_file(path, flags, mode, &file);
  if (result == 0) {
    result = __fd_install(file, 0, (flags & O_CLOEXEC) ? FD_TABLE_CLOEXEC : 0);
    if (result < 0) __fd_put(file);
  }
  return (int)fail_or(result);
}

ssize_t read(int fd, void* buffer, size_t size) {
  if (!buffer && size) return fail_or(-EFAULT);
  WITH_FILE(fd, file, file->ops->read(file, buffer, size));
}

ssize_t write(int fd, const void* bytes, size_t size) {
  if (!bytes && size) return fail_or(-EFAULT);
  WITH_FILE(fd, file, file->ops->write(file, bytes, size));
}

off_t lseek(int fd, off_t offset, int whence) {
  WITH_FILE(fd, file, file->ops->seek(file, offset, whence));
}

int close(int fd) { return (int)fail_or(__fd_close(fd)); }

static int stat_file(struct fd_file* file, struct stat* status) {
  memset(status, 0, sizeof(*status));
  status->st_nlink = 1;
  status->st_blksize = 4096;
  return file->ops->stat(file, status);
}

int fstat(int fd, struct stat* status) {
  if (!status) return (int)fail_or(-EFAULT);
  WITH_FILE(fd, file, stat_file(file, status));
}

/* stat and lstat: the disk answers for itself; the archive has no links. */
static int stat_path(const char* path, struct stat* status, int nofollow) {
  if (!status) return -EFAULT;
  char name[VIPER_PATH_MAX];
  struct vfs_route route;
  int result = __viper_route(path, name, &route);
  if (result != 0) return result;
  /* "a/" names a directory: a link there is followed, a file refused. */
  const int directory = vfs_wants_directory(path);
  const int follow = !nofollow || directory;
  if (route.mount == VFS_DISK) {
    result = __fs_stat(__fs_root(), route.rest, 1, status);
    if (result == -ELOOP || (result == 0 && follow && S_ISLNK(status->st_mode))) {
      /* A symbolic link on the way (or the last one, for stat): followed
       * here, as fsd does not (symlinks.c). */
      char followed[VIPER_PATH_MAX];
      result = __viper_follow_links(name, follow, followed);
      if (result != 0) return result;
      memcpy(name, followed, strlen(followed) + 1);
      route = vfs_route(name, 1);
      if (route.mount == VFS_DISK) result = __fs_stat(__fs_root(), route.rest, 1, status);
    }
  }
  if (route.mount != VFS_DISK) {
    struct fd_file* file = 0;
    result = __fd_bootfile_open(route.rest, O_RDONLY, &file);
    if (result == 0) {
      result = stat_file(file, status);
      __fd_put(file);
    }
  }
  if (result == 0 && directory && !S_ISDIR(status->st_mode)) result = -ENOTDIR;
  return result;
}

int stat(const char* path, struct stat* status) { return (int)fail_or(stat_path(path, status, 0)); }

int lstat(const char* path, struct stat* status) {
  return (int)fail_or(stat_path(path, status, 1));
}

int access(const char* path, int mode) {
  if (mode & ~(R_OK | W_OK | X_OK)) return (int)fail_or(-EINVAL);
  char name[VIPER_PATH_MAX];
  struct vfs_route route;
  struct stat status;
  const int found = stat_path(path, &status, 0);
  if (found != 0) return (int)fail_or(found);
  __viper_route(path, name, &route);
  /* One user: the disk's permission bits are its owner's, and it is us. */
  if ((mode & W_OK) && route.mount == VFS_BOOT) return (int)fail_or(-EROFS);
  return 0;
}

ssize_t pread(int fd, void* buffer, size_t size, off_t offset) {
  if (!buffer && size) return fail_or(-EFAULT);
  WITH_FILE(fd, file, __fd_fs_pread(file, buffer, size, offset));
}

ssize_t pwrite(int fd, const void* bytes, size_t size, off_t offset) {
  if (!bytes && size) return fail_or(-EFAULT);
  WITH_FILE(fd, file, __fd_fs_pwrite(file, bytes, size, offset));
}

/* A request with no payload on the fd's own connection; `fallback` for a
 * description that is not the disk's. */
static int on_node(struct fd_file* file, struct viper_fs_request request, int fallback) {
  struct fs_conn* conn = __fd_fs_conn(file);
  if (!conn) return fallback;
  struct viper_fs_reply reply;
  struct fs_exchange x = {0};
  return __fs_call(conn, &request, &x, &reply);
}

int ftruncate(int fd, off_t length) {
  if (length < 0) return (int)fail_or(-EINVAL);
  struct viper_fs_request request = {.op = VIPER_FS_TRUNCATE, .offset = (uint64_t)length};
  WITH_FILE(fd, file,
            file->ops->kind == FD_KIND_FSDIR                                     ? -EISDIR
            : __fd_fs_conn(file) && (file->status_flags & O_ACCMODE) == O_RDONLY ? -EBADF
            : file->ops->kind == FD_KIND_BOOTFILE                                ? -EROFS
                                                  : on_node(file, request, -EINVAL));
}

int fsync(int fd) {
  struct viper_fs_request request = {.op = VIPER_FS_SYNC};
  /* The archive never changes: nothing of it is waiting to be written. */
  WITH_FILE(fd, file,
            file->ops->kind == FD_KIND_BOOTFILE || file->ops->kind == FD_KIND_DIRECTORY
                ? 0
                : on_node(file, request, -EINVAL));
}

int fdatasync(int fd) { return fsync(fd); }

int fchmod(int fd, mode_t mode) {
  struct viper_fs_request request = {.op = VIPER_FS_CHMOD, .mode = (uint32_t)mode & 07777};
  WITH_FILE(fd, file,
            file->ops->kind == FD_KIND_BOOTFILE || file->ops->kind == FD_KIND_DIRECTORY
                ? -EROFS
                : on_node(file, request, -EINVAL));
}

static int terminal(struct fd_file* file) {
  if (file->ops->kind == FD_KIND_CONSOLE || __fd_stream_is_terminal(file)) return 1;
  return -ENOTTY;
}

int isatty(int fd) {
  struct fd_file* file = __fd_get(fd);
  if (!file) {
    errno = EBADF;
    return 0;
  }
  const int result = terminal(file);
  __fd_put(file);
  if (result == 1) return 1;
  errno = ENOTTY;
  return 0;
}

/* A new fd >= lowest for the description behind `fd`. */
static int duplicate(int fd, int lowest, uint32_t fd_flags) {
  if (lowest < 0 || lowest >= FD_TABLE_SIZE) return -EINVAL;
  struct fd_file* file = __fd_get(fd);
  if (!file) return -EBADF;
  const int copy = __fd_install(file, lowest, fd_flags); /* our reference moves */
  if (copy < 0) __fd_put(file);
  return copy;
}

int dup(int fd) { return (int)fail_or(duplicate(fd, 0, 0)); }

int dup2(int fd, int target) {
  struct fd_file* file = __fd_get(fd);
  if (!file) return (int)fail_or(-EBADF);
  if (fd == target) {
    __fd_put(file);
    return target;
  }
  const int result = __fd_install_at(target, file, 0);
  if (result < 0) __fd_put(file);
  return (int)fail_or(result);
}

int pipe(int fds[2]) {
  if (!fds) return (int)fail_or(-EFAULT);
  viper_handle_t ends[2];
  const int64_t created = viper_channel_create(ends);
  if (created < 0) return (int)fail_or(-__viper_errno(created));
  struct fd_file* reader = __fd_stream_new(ends[0], 0, O_RDONLY);
  struct fd_file* writer = __fd_stream_new(ends[1], 0, O_WRONLY);
  int result = reader && writer ? 0 : -ENOMEM;
  if (!reader) viper_handle_close(ends[0]);
  if (!writer) viper_handle_close(ends[1]);
  const int r = result == 0 ? __fd_install(reader, 0, 0) : -1;
  const int w = r >= 0 ? __fd_install(writer, 0, 0) : -1;
  if (r >= 0 && w >= 0) {
    fds[0] = r;
    fds[1] = w;
    return 0;
  }
  if (result == 0) result = -EMFILE;
  if (r >= 0) {
    __fd_close(r); /* drops the reader */
  } else {
    __fd_put(reader);
  }
  __fd_put(writer);
  return (int)fail_or(result);
}

int fcntl(int fd, int command, ...) {
  va_list args;
  va_start(args, command);
  const int argument = command == F_GETFD || command == F_GETFL ? 0 : va_arg(args, int);
  va_end(args);
  uint32_t flags = 0;
  struct fd_file* file = (struct fd_file*)fd_table_get(&__viper_fds, fd, &flags);
  if (!file) return (int)fail_or(-EBADF);
  int result;
  switch (command) {
    case F_DUPFD:
      result = duplicate(fd, argument, 0);
      break;
    case F_DUPFD_CLOEXEC:
      result = duplicate(fd, argument, FD_TABLE_CLOEXEC);
      break;
    case F_GETFD:
      result = (flags & FD_TABLE_CLOEXEC) ? FD_CLOEXEC : 0;
      break;
    case F_SETFD:
      result = argument & ~FD_CLOEXEC
                   ? -EINVAL
                   : fd_table_set_flags(&__viper_fds, fd,
                                        (argument & FD_CLOEXEC) ? FD_TABLE_CLOEXEC : 0);
      break;
    case F_GETFL:
      result = file->status_flags;
      break;
    case F_SETFL:
      /* O_NONBLOCK, which sockets honour (fd_socket.c); the other kinds do
       * not yet, so asking it of them is refused rather than ignored. The
       * access mode and creation flags are not the caller's to change. */
      if ((argument & O_NONBLOCK) && file->ops->kind != FD_KIND_SOCKET) {
        result = -EINVAL;
      } else {
        const int kept = file->status_flags & ~O_NONBLOCK;
        __atomic_store_n(&file->status_flags, kept | (argument & O_NONBLOCK), __ATOMIC_RELEASE);
        result = 0;
      }
      break;
    default:
      result = -EINVAL; /* locks: nothing here honours them yet */
  }
  __fd_put(file);
  return (int)fail_or(result);
}
