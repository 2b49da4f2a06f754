/* The working directory and path resolution, kept in libc: "/" is the boot
 * archive's root, whose names have no leading slash ("/bin/sh" is the
 * archive's "bin/sh"). Internal to libc. */
#ifndef VIPERDOS_LIBC_PATH_H_
#define VIPERDOS_LIBC_PATH_H_

#include <stddef.h>

#define VIPER_PATH_MAX 256 /* bytes of a resolved path, with the NUL */

/* `path`, relative to the working directory unless absolute, with "." and
 * ".." and repeated slashes resolved, as an archive name ("" for the root)
 * in `name` (VIPER_PATH_MAX bytes): 0, -ENOENT for "", -ENAMETOOLONG. */
int __viper_resolve(const char* path, char name[VIPER_PATH_MAX]);

/* The working directory as an absolute path ("/", "/bin"). */
void __viper_cwd(char out[VIPER_PATH_MAX]);
/* Sets it from an absolute path a parent passed (startup): 0 or -errno. */
int __viper_set_cwd(const char* absolute);

#endif /* VIPERDOS_LIBC_PATH_H_ */
