/* chdir, getcwd and the resolution of paths against the working directory
 * (path.h). The working directory is a string under one futex mutex; it
 * names a directory that existed when it was set (the archive never
 * changes). */
#include "userland/libc/path.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <viperdos/viper.h>

#include "userland/libc/bootfs_names.h"
#include "userland/libc/futex_mutex.h"

static uint32_t cwd_lock;
static char cwd[VIPER_PATH_MAX] = "/";

void __viper_cwd(char out[VIPER_PATH_MAX]) {
  futex_mutex_lock(&cwd_lock);
  memcpy(out, cwd, VIPER_PATH_MAX);
  futex_mutex_unlock(&cwd_lock);
}

/* Appends the components of `path` to the name in `out` (length *n). */
static int walk(const char* path, char* out, size_t* n) {
  while (*path) {
    while (*path == '/') ++path;
    const char* end = path;
    while (*end && *end != '/') ++end;
    const size_t length = (size_t)(end - path);
    if (length == 0 || (length == 1 && path[0] == '.')) {
      /* nothing */
    } else if (length == 2 && path[0] == '.' && path[1] == '.') {
      while (*n > 0 && out[*n - 1] != '/') --*n; /* the root's parent is the root */
      if (*n > 0) --*n;
    } else {
      if (*n + (*n > 0) + length >= VIPER_PATH_MAX - 1) return -ENAMETOOLONG; /* room for "/" */
      if (*n > 0) out[(*n)++] = '/';
      memcpy(out + *n, path, length);
      *n += length;
    }
    path = end;
  }
  out[*n] = 0;
  return 0;
}

int __viper_resolve(const char* path, char name[VIPER_PATH_MAX]) {
  if (!path) return -EFAULT;
  if (path[0] == 0) return -ENOENT;
  size_t n = 0;
  name[0] = 0;
  if (path[0] != '/') {
    char base[VIPER_PATH_MAX];
    __viper_cwd(base);
    walk(base, name, &n); /* already resolved: cannot fail */
  }
  return walk(path, name, &n);
}

/* Makes directory `name` (resolved) the working directory: 0 or -errno. */
static int enter(const char* name) {
  if (!__bootfs_is_directory(name)) return viper_bootfs_stat(name) >= 0 ? -ENOTDIR : -ENOENT;
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
