/* picolibc's machine types, with a 64-bit ino_t.
 *
 * picolibc makes ino_t an unsigned short unless the target is Linux (its
 * sys/_types.h), so st_ino kept only the low 16 bits of an ext2 inode
 * number: two files 65 536 inodes apart looked like one file (hard-link
 * checks, `ls -i`, a walk's loop detection). Every ViperDOS program and
 * the libc that fills struct stat see this header before picolibc's (the
 * libc's include directory comes first); picolibc's own objects never
 * take a struct stat from us (the only callers, its search/hash code, are
 * not linked). */
#include_next <machine/_types.h>

#ifndef __machine_ino_t_defined
#define __machine_ino_t_defined
typedef unsigned long __ino_t;
#endif
