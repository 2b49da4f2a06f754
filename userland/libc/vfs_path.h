/* Path resolution and the mount table, as pure functions: libc's path.c
 * calls them with its working directory and whether it has a root
 * connection, and the host test (vfs_path_test.cc) compiles the same file.
 *
 * A resolved name is absolute without its leading slash ("" is "/"), free
 * of ".", ".." and repeated slashes: what fsd's protocol wants
 * (fs_protocol.h) and what the boot archive names.
 *
 * The mounts (fs_protocol.h, "Mounts"): with a root connection the disk is
 * "/", the boot archive "/boot", and the archive's "bin" also "/bin" (so
 * PATH=/bin and "#!/bin/sh" keep working); both are read-only. Without
 * one, the archive is "/" exactly as before the disk existed. */
#ifndef VIPERDOS_LIBC_VFS_PATH_H_
#define VIPERDOS_LIBC_VFS_PATH_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIPER_PATH_MAX 1024 /* bytes of a resolved path, with the NUL */

/* `path` against the absolute, already resolved `base` (unless `path` is
 * absolute) into `out` (VIPER_PATH_MAX bytes): 0, -EFAULT for a null
 * path, -ENOENT for "", -ENAMETOOLONG. */
int vfs_normalize(const char* base, const char* path, char out[VIPER_PATH_MAX]);

/* Whether `path` ends in '/' after a name ("a/", "a/."): POSIX then wants
 * a directory (open and stat fail ENOTDIR on a file). "/" is no such. */
int vfs_wants_directory(const char* path);

enum vfs_mount {
  VFS_BOOT = 1, /* the boot archive (read-only) */
  VFS_DISK = 2, /* fsd's root connection */
};

struct vfs_route {
  enum vfs_mount mount;
  const char* rest; /* the name inside that mount: points into the name */
};

/* Which mount resolved `name` lies on, and its name there. */
struct vfs_route vfs_route(const char* name, int has_disk);

/* Whether `name` is a mount point itself ("boot", "bin" on a disk root):
 * it cannot be removed or renamed (EBUSY). */
int vfs_is_mount_point(const char* name, int has_disk);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_LIBC_VFS_PATH_H_ */
