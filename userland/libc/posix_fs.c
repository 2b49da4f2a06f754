/* The POSIX path calls that change or ask the file system: mkdir, rmdir,
 * unlink, rename, link, symlink, readlink, truncate, chmod, utime(s),
 * sync, statvfs. A path on the disk is one request on the root connection
 * (fs_protocol.h); on the boot archive every change fails: ENOENT for a
 * name it lacks, else EROFS (EISDIR, ENOTDIR where POSIX puts those
 * first). Two paths on different mounts: EXDEV. A mount point ("/",
 * "/boot", "/bin") cannot be removed or renamed: EBUSY. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <viperdos/viper.h>

#include "userland/libc/bootfs_names.h"
#include "userland/libc/fdio.h"
#include "userland/libc/fs_client.h"
#include "userland/libc/path.h"

/* picolibc defines these for Cygwin and RTEMS only; the same values here. */
#ifndef UTIME_NOW
#define UTIME_NOW -2L
#define UTIME_OMIT -1L
#endif

static int fail_or(int result) {
  if (result >= 0) return result;
  errno = -result;
  return -1;
}

/* What the archive has at `name`: 1 a file, 2 a directory, 0 nothing. */
static int boot_kind(const char* name) {
  if (__bootfs_is_directory(name)) return 2;
  return viper_bootfs_stat(name) >= 0 ? 1 : 0;
}

/* A change to the archive: why it fails. */
static int boot_change(const char* name) { return boot_kind(name) ? -EROFS : -ENOENT; }

/* One request on the root connection about `path` (resolved). */
static int on_root(uint32_t op, const char* path, size_t path_bytes, uint32_t mode, uint64_t offset,
                   uint64_t count) {
  struct viper_fs_request request = {.op = op, .offset = offset, .count = count, .mode = mode};
  struct viper_fs_reply reply;
  struct fs_exchange x = {.path = path, .path_bytes = path_bytes};
  return __fs_call(__fs_root(), &request, &x, &reply);
}

/* The file-mode creation mask: what open(O_CREAT) and mkdir take away from
 * the mode they are given. 022 to start with, as on Unix; fork keeps it,
 * and so do exec and posix_spawn (the startup message carries it). */
static mode_t g_umask = 022;

mode_t umask(mode_t mask) { return __atomic_exchange_n(&g_umask, mask & 0777, __ATOMIC_RELAXED); }

mode_t __viper_umask(void) { return __atomic_load_n(&g_umask, __ATOMIC_RELAXED); }

int mkdir(const char* path, mode_t mode) {
  char name[VIPER_PATH_MAX];
  struct vfs_route r;
  int result = __viper_route(path, name, &r);
  if (result == 0 && r.mount == VFS_DISK) {
    result = r.rest[0] ? on_root(VIPER_FS_MKDIR, r.rest, strlen(r.rest),
                                 mode & 07777 & ~__viper_umask(), 0, 0)
                       : -EEXIST;
  } else if (result == 0) {
    result = boot_kind(r.rest) ? -EEXIST : -EROFS;
  }
  return fail_or(result);
}

int rmdir(const char* path) {
  char name[VIPER_PATH_MAX];
  struct vfs_route r;
  int result = __viper_route(path, name, &r);
  if (result == 0 && vfs_is_mount_point(name, __fs_root() != 0)) {
    result = -EBUSY;
  } else if (result == 0 && r.mount == VFS_DISK) {
    result = on_root(VIPER_FS_RMDIR, r.rest, strlen(r.rest), 0, 0, 0);
  } else if (result == 0) {
    const int kind = boot_kind(r.rest);
    result = kind == 2 ? -EROFS : kind == 1 ? -ENOTDIR : -ENOENT;
  }
  return fail_or(result);
}

int unlink(const char* path) {
  char name[VIPER_PATH_MAX];
  struct vfs_route r;
  int result = __viper_route(path, name, &r);
  if (result == 0 && r.mount == VFS_DISK) {
    result = r.rest[0] ? on_root(VIPER_FS_UNLINK, r.rest, strlen(r.rest), 0, 0, 0) : -EISDIR;
  } else if (result == 0) {
    const int kind = boot_kind(r.rest);
    result = kind == 2 ? -EISDIR : kind == 1 ? -EROFS : -ENOENT;
  }
  return fail_or(result);
}

/* RENAME or LINK: "old NUL new" on one mount. */
static int two_paths(uint32_t op, const char* from, const char* to) {
  char old_name[VIPER_PATH_MAX], new_name[VIPER_PATH_MAX];
  struct vfs_route a, b;
  int result = __viper_route(from, old_name, &a);
  if (result == 0) result = __viper_route(to, new_name, &b);
  if (result != 0) return result;
  const int has_disk = __fs_root() != 0;
  if (a.mount != b.mount) return -EXDEV;
  if (op == VIPER_FS_RENAME &&
      (vfs_is_mount_point(old_name, has_disk) || vfs_is_mount_point(new_name, has_disk))) {
    return -EBUSY;
  }
  if (a.mount == VFS_BOOT) return boot_change(a.rest);
  const size_t old_bytes = strlen(a.rest), new_bytes = strlen(b.rest);
  if (old_bytes == 0) return op == VIPER_FS_LINK ? -EPERM : -EBUSY;
  if (new_bytes == 0) return -EEXIST;
  char both[2 * VIPER_PATH_MAX];
  memcpy(both, a.rest, old_bytes);
  both[old_bytes] = 0;
  memcpy(both + old_bytes + 1, b.rest, new_bytes);
  return on_root(op, both, old_bytes + 1 + new_bytes, 0, 0, 0);
}

int rename(const char* from, const char* to) {
  return fail_or(two_paths(VIPER_FS_RENAME, from, to));
}

int link(const char* from, const char* to) { return fail_or(two_paths(VIPER_FS_LINK, from, to)); }

int symlink(const char* target, const char* path) {
  if (!target) return fail_or(-EFAULT);
  if (!target[0]) return fail_or(-ENOENT);
  char name[VIPER_PATH_MAX];
  struct vfs_route r;
  int result = __viper_route(path, name, &r);
  if (result != 0) return fail_or(result);
  if (r.mount == VFS_BOOT) return fail_or(boot_kind(r.rest) ? -EEXIST : -EROFS);
  if (!r.rest[0]) return fail_or(-EEXIST);
  /* The target is stored as given: a link says what it says. */
  const size_t target_bytes = strlen(target), new_bytes = strlen(r.rest);
  if (target_bytes >= VIPER_FS_PATH_MAX) return fail_or(-ENAMETOOLONG);
  char both[VIPER_FS_PATH_MAX + VIPER_PATH_MAX];
  memcpy(both, target, target_bytes);
  both[target_bytes] = 0;
  memcpy(both + target_bytes + 1, r.rest, new_bytes);
  return fail_or(on_root(VIPER_FS_SYMLINK, both, target_bytes + 1 + new_bytes, 0, 0, 0));
}

ssize_t readlink(const char* path, char* buffer, size_t size) {
  if (!buffer) return fail_or(-EFAULT);
  if (size == 0) return fail_or(-EINVAL);
  char name[VIPER_PATH_MAX];
  struct vfs_route r;
  int result = __viper_route(path, name, &r);
  if (result != 0) return fail_or(result);
  if (r.mount == VFS_BOOT) return fail_or(boot_kind(r.rest) ? -EINVAL : -ENOENT);
  char target[VIPER_FS_PATH_MAX];
  struct viper_fs_request request = {.op = VIPER_FS_READLINK};
  struct viper_fs_reply reply;
  struct fs_exchange x = {
      .path = r.rest, .path_bytes = strlen(r.rest), .payload = target, .capacity = sizeof(target)};
  result = __fs_call(__fs_root(), &request, &x, &reply);
  if (result != 0) return fail_or(result);
  const size_t n = x.payload_bytes < size ? x.payload_bytes : size; /* POSIX: truncated, no NUL */
  memcpy(buffer, target, n);
  return (ssize_t)n;
}

int truncate(const char* path, off_t length) {
  if (length < 0) return fail_or(-EINVAL);
  const int fd = open(path, O_WRONLY);
  if (fd < 0) return -1; /* EISDIR, EROFS, ENOENT */
  const int result = ftruncate(fd, length);
  const int saved = errno;
  close(fd);
  errno = saved;
  return result;
}

int chmod(const char* path, mode_t mode) {
  char name[VIPER_PATH_MAX];
  struct vfs_route r;
  int result = __viper_route(path, name, &r);
  if (result == 0 && r.mount == VFS_DISK) {
    result = on_root(VIPER_FS_CHMOD, r.rest, strlen(r.rest), mode & 07777, 0, 0);
  } else if (result == 0) {
    result = boot_change(r.rest);
  }
  return fail_or(result);
}

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* UTIMES with times in ns since 1970. */
static int set_times(const char* path, int64_t atime_ns, int64_t mtime_ns) {
  char name[VIPER_PATH_MAX];
  struct vfs_route r;
  const int result = __viper_route(path, name, &r);
  if (result != 0) return result;
  if (r.mount == VFS_BOOT) return boot_change(r.rest);
  return on_root(VIPER_FS_UTIMES, r.rest, strlen(r.rest), 0, (uint64_t)atime_ns,
                 (uint64_t)mtime_ns);
}

int utimes(const char* path, const struct timeval times[2]) {
  if (!times) {
    const int64_t now = now_ns();
    return fail_or(set_times(path, now, now));
  }
  for (int i = 0; i < 2; ++i) {
    if (times[i].tv_usec < 0 || times[i].tv_usec >= 1000000) return fail_or(-EINVAL);
  }
  return fail_or(set_times(path, (int64_t)times[0].tv_sec * 1000000000 + times[0].tv_usec * 1000,
                           (int64_t)times[1].tv_sec * 1000000000 + times[1].tv_usec * 1000));
}

int utime(const char* path, const struct utimbuf* times) {
  if (!times) return utimes(path, 0);
  return fail_or(
      set_times(path, (int64_t)times->actime * 1000000000, (int64_t)times->modtime * 1000000000));
}

void sync(void) {
  struct fs_conn* root = __fs_root();
  if (root) on_root(VIPER_FS_SYNC, "", 0, 0, 0, 0); /* sync() reports nothing */
}

/* STATFS on the root connection as a struct statvfs. */
static int disk_statvfs(struct statvfs* out) {
  struct viper_fs_statfs s;
  struct viper_fs_request request = {.op = VIPER_FS_STATFS};
  struct viper_fs_reply reply;
  struct fs_exchange x = {.payload = &s, .capacity = sizeof(s)};
  const int result = __fs_call(__fs_root(), &request, &x, &reply);
  if (result != 0) return result;
  if (x.payload_bytes != sizeof(s)) return -EIO;
  *out = (struct statvfs){.f_bsize = s.block_size,
                          .f_frsize = s.block_size,
                          .f_blocks = s.blocks,
                          .f_bfree = s.free_blocks,
                          .f_bavail = s.free_blocks,
                          .f_files = s.inodes,
                          .f_ffree = s.free_inodes,
                          .f_favail = s.free_inodes,
                          .f_fsid = 1,
                          .f_flag = s.read_only ? ST_RDONLY : 0,
                          .f_namemax = VIPER_FS_NAME_MAX};
  return 0;
}

/* The archive: read-only, as big as it is, nothing free. */
static int boot_statvfs(struct statvfs* out) {
  *out = (struct statvfs){.f_bsize = 4096,
                          .f_frsize = 4096,
                          .f_fsid = 0,
                          .f_flag = ST_RDONLY,
                          .f_namemax = VIPER_SPAWN_PATH_MAX - 1};
  return 0;
}

int statvfs(const char* path, struct statvfs* out) {
  if (!out) return fail_or(-EFAULT);
  char name[VIPER_PATH_MAX];
  struct vfs_route r;
  int result = __viper_route(path, name, &r);
  if (result != 0) return fail_or(result);
  struct stat status;
  if (stat(path, &status) != 0) return -1; /* ENOENT, as POSIX wants */
  return fail_or(r.mount == VFS_DISK ? disk_statvfs(out) : boot_statvfs(out));
}

int fstatvfs(int fd, struct statvfs* out) {
  if (!out) return fail_or(-EFAULT);
  struct fd_file* file = __fd_get(fd);
  if (!file) return fail_or(-EBADF);
  const int disk = __fd_fs_conn(file) != 0;
  const int boot = file->ops->kind == FD_KIND_BOOTFILE || file->ops->kind == FD_KIND_DIRECTORY;
  __fd_put(file);
  if (!disk && !boot) return fail_or(-EINVAL); /* a pipe or a terminal */
  return fail_or(disk ? disk_statvfs(out) : boot_statvfs(out));
}

/* A timespec of futimens as ns since 1970, `now` for UTIME_NOW, `keep`
 * for UTIME_OMIT: 0, or -EINVAL for nanoseconds out of range. */
static int ns_of(const struct timespec* t, int64_t now, int64_t keep, int64_t* out) {
  if (t->tv_nsec == UTIME_NOW) {
    *out = now;
  } else if (t->tv_nsec == UTIME_OMIT) {
    *out = keep;
  } else if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000) {
    return -EINVAL;
  } else {
    *out = (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
  }
  return 0;
}

static int set_fd_times(int fd, const struct timespec times[2]) {
  struct fd_file* file = __fd_get(fd);
  if (!file) return -EBADF;
  struct fs_conn* conn = __fd_fs_conn(file);
  int result = conn ? 0
               : file->ops->kind == FD_KIND_BOOTFILE || file->ops->kind == FD_KIND_DIRECTORY
                   ? -EROFS
                   : -EINVAL;
  const int64_t now = now_ns();
  int64_t atime = now, mtime = now;
  if (result == 0 && times) {
    struct stat s = {0};
    if (times[0].tv_nsec == UTIME_OMIT || times[1].tv_nsec == UTIME_OMIT) {
      result = __fs_stat(conn, "", 0, &s);
    }
    const int64_t old_atime = (int64_t)s.st_atim.tv_sec * 1000000000 + s.st_atim.tv_nsec;
    const int64_t old_mtime = (int64_t)s.st_mtim.tv_sec * 1000000000 + s.st_mtim.tv_nsec;
    if (result == 0) result = ns_of(&times[0], now, old_atime, &atime);
    if (result == 0) result = ns_of(&times[1], now, old_mtime, &mtime);
  }
  if (result == 0) {
    struct viper_fs_request request = {
        .op = VIPER_FS_UTIMES, .offset = (uint64_t)atime, .count = (uint64_t)mtime};
    struct viper_fs_reply reply;
    struct fs_exchange x = {0};
    result = __fs_call(conn, &request, &x, &reply);
  }
  __fd_put(file);
  return result;
}

int futimens(int fd, const struct timespec times[2]) { return fail_or(set_fd_times(fd, times)); }
