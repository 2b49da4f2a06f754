/* Names of the boot archive as a tree: the archive holds paths ("bin/sh",
 * and the directories cpio recorded, "bin"); its directories are the
 * names those paths imply, the root is "". Internal to libc. */
#ifndef VIPERDOS_LIBC_BOOTFS_NAMES_H_
#define VIPERDOS_LIBC_BOOTFS_NAMES_H_

#include <stddef.h>

/* Whether `name` (no leading slash) is a directory of the archive. */
int __bootfs_is_directory(const char* name);

/* Calls `visit` for each name directly in `directory`, in archive order;
 * a directory implied by several paths is visited for each (the caller
 * keeps the first). visit returns non-zero to stop: a negative errno
 * from it, or from the listing, is returned; 0 otherwise. */
int __bootfs_each_child(const char* directory,
                        int (*visit)(const char* child, int is_dir, void* arg), void* arg);

#endif /* VIPERDOS_LIBC_BOOTFS_NAMES_H_ */
