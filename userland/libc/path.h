/* The working directory and path resolution, kept in libc, over the mount
 * table of vfs_path.h: with a root connection the disk is "/" and the boot
 * archive "/boot" (its "bin" also "/bin"); without one the archive is "/",
 * whose names have no leading slash ("/bin/sh" is the archive's "bin/sh").
 * Internal to libc. */
#ifndef VIPERDOS_LIBC_PATH_H_
#define VIPERDOS_LIBC_PATH_H_

#include <stddef.h>

#include "userland/libc/vfs_path.h"

/* `path`, relative to the working directory unless absolute, with "." and
 * ".." and repeated slashes resolved, as an absolute name without its
 * leading slash ("" for the root) in `name` (VIPER_PATH_MAX bytes): 0,
 * -ENOENT for "", -ENAMETOOLONG. */
int __viper_resolve(const char* path, char name[VIPER_PATH_MAX]);

/* `path` resolved, and the mount it lies on with its name there. */
int __viper_route(const char* path, char name[VIPER_PATH_MAX], struct vfs_route* route);

/* `path` as the boot archive's name of a program (the kernel finds those
 * by name): 0, or -ENOENT for a path on the disk (program_image.h). */
int __viper_resolve_program(const char* path, char name[VIPER_PATH_MAX]);

/* The resolved `name` with every symbolic link on the disk replaced by
 * its target (the last component's only if `follow_last`), into `out`:
 * 0, -ELOOP after 40 links, -ENAMETOOLONG (symlinks.c). A component that
 * does not exist ends the walk: the call that asked reports it. */
int __viper_follow_links(const char* name, int follow_last, char out[VIPER_PATH_MAX]);

/* The working directory as an absolute path ("/", "/bin"). */
void __viper_cwd(char out[VIPER_PATH_MAX]);
/* Sets it from an absolute path a parent passed (startup): 0 or -errno. */
int __viper_set_cwd(const char* absolute);

#endif /* VIPERDOS_LIBC_PATH_H_ */
