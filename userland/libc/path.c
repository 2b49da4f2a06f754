/* chdir, getcwd and the resolution of paths against the working directory
 * (path.h). The working directory is a string under one futex mutex; it
 * names a directory that existed when it was set (on the disk it may have
 * gone since: then paths under it fail with ENOENT, as on Unix). */
#include "userland/libc/path.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/bootfs_names.h"
#include "userland/libc/fs_client.h"
#include "userland/libc/futex_mutex.h"

static uint32_t cwd_lock;
static char cwd[VIPER_PATH_MAX] = "/";

void __viper_cwd(char out[VIPER_PATH_MAX]) {
  futex_mutex_lock(&cwd_lock);
  memcpy(out, cwd, VIPER_PATH_MAX);
  futex_mutex_unlock(&cwd_lock);
}

int __viper_resolve(const char* path, char name[VIPER_PATH_MAX]) {
  if (!path) return -EFAULT;
  char base[VIPER_PATH_MAX];
  __viper_cwd(base);
  return vfs_normalize(base, path, name);
}

int __viper_route(const char* path, char name[VIPER_PATH_MAX], struct vfs_route* route) {
  const int resolved = __viper_resolve(path, name);
  if (resolved == 0) *route = vfs_route(name, __fs_root() != 0);
  return resolved;
}

int __viper_resolve_program(const char* path, char name[VIPER_PATH_MAX]) {
  struct vfs_route route;
  const int resolved = __viper_route(path, name, &route);
  if (resolved < 0) return resolved;
  if (route.mount != VFS_BOOT) return -ENOENT; /* the kernel loads from the archive only */
  memmove(name, route.rest, strlen(route.rest) + 1);
  return 0;
}

/* Whether the resolved `name` is a directory: 0, -ENOTDIR or -ENOENT. */
static int is_directory(const char* name) {
  const struct vfs_route route = vfs_route(name, __fs_root() != 0);
  if (route.mount == VFS_DISK) {
    struct stat status;
    char absolute[VIPER_PATH_MAX + 1];
    absolute[0] = '/';
    memcpy(absolute + 1, name, strlen(name) + 1);
    if (stat(absolute, &status) != 0) return -errno; /* links followed */
    return S_ISDIR(status.st_mode) ? 0 : -ENOTDIR;
  }
  if (__bootfs_is_directory(route.rest)) return 0;
  return viper_bootfs_stat(route.rest) >= 0 ? -ENOTDIR : -ENOENT;
}

/* Makes directory `name` (resolved) the working directory: 0 or -errno. */
static int enter(const char* name) {
  const int checked = is_directory(name);
  if (checked != 0) return checked;
  futex_mutex_lock(&cwd_lock);
  cwd[0] = '/';
  memcpy(cwd + 1, name, strlen(name) + 1);
  futex_mutex_unlock(&cwd_lock);
  return 0;
}

int __viper_set_cwd(const char* absolute) {
  char name[VIPER_PATH_MAX];
  if (!absolute || absolute[0] != '/') return -EINVAL;
  const int resolved = __viper_resolve(absolute, name);
  return resolved < 0 ? resolved : enter(name);
}

int chdir(const char* path) {
  char name[VIPER_PATH_MAX];
  int result = __viper_resolve(path, name);
  if (result == 0) result = enter(name);
  if (result == 0) return 0;
  errno = -result;
  return -1;
}

char* getcwd(char* buffer, size_t size) {
  char now[VIPER_PATH_MAX];
  __viper_cwd(now);
  const size_t needed = strlen(now) + 1;
  if (!buffer) {
    if (size == 0) size = needed;
    if (size < needed) {
      errno = ERANGE;
      return 0;
    }
    if (!(buffer = malloc(size))) {
      errno = ENOMEM;
      return 0;
    }
  } else if (size == 0) {
    errno = EINVAL;
    return 0;
  } else if (size < needed) {
    errno = ERANGE;
    return 0;
  }
  memcpy(buffer, now, needed);
  return buffer;
}
