/* Path resolution and the mount table (vfs_path.h). Portable C. */
#include "userland/libc/vfs_path.h"

#include <errno.h>
#include <string.h>

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

int vfs_normalize(const char* base, const char* path, char out[VIPER_PATH_MAX]) {
  if (!path) return -EFAULT;
  if (path[0] == 0) return -ENOENT;
  size_t n = 0;
  out[0] = 0;
  if (path[0] != '/' && base) {
    const int based = walk(base, out, &n);
    if (based < 0) return based;
  }
  return walk(path, out, &n);
}

int vfs_wants_directory(const char* path) {
  if (!path) return 0;
  size_t n = strlen(path);
  if (n >= 2 && path[n - 1] == '.' && path[n - 2] == '/') --n; /* "a/." */
  int slash = 0;
  while (n > 0 && path[n - 1] == '/') {
    --n;
    slash = 1;
  }
  return slash && n > 0;
}

/* `name` with `prefix` as its first component: the rest after it ("" for
 * the prefix itself), or 0. */
static const char* under(const char* name, const char* prefix) {
  const size_t n = strlen(prefix);
  if (strncmp(name, prefix, n) != 0) return 0;
  if (name[n] == 0) return name + n;
  return name[n] == '/' ? name + n + 1 : 0;
}

struct vfs_route vfs_route(const char* name, int has_disk) {
  struct vfs_route route = {VFS_BOOT, name};
  if (!has_disk) return route;
  const char* rest = under(name, "boot");
  if (rest) {
    route.rest = rest;
  } else if (!under(name, "bin")) {
    route.mount = VFS_DISK; /* "bin" is the archive's "bin" as it is */
  }
  return route;
}

int vfs_is_mount_point(const char* name, int has_disk) {
  if (name[0] == 0) return 1;
  return has_disk && (strcmp(name, "boot") == 0 || strcmp(name, "bin") == 0);
}
