/* Passing fds to a new program (the processargs model): the parent sends
 * one startup message on the program's bootstrap channel and raises
 * VIPER_SIGNAL_USER0 on the child's end, which says "libc's startup
 * message is queued first". The child's libc (start.c) adopts the fds
 * before main; a bootstrap without USER0 is left untouched for the
 * program, and a program without one keeps the kernel console at 0/1/2.
 *
 * The message (little-endian, packed, version 1):
 *   header   u32 magic "VFDS", u16 version, u16 fd count, u16 cwd bytes, u16 0
 *   per fd   i16 fd, u8 kind (fdio.h), u8 is_terminal, i32 open flags,
 *            i64 offset (boot files), u16 name bytes (with the NUL), u16 0[3],
 *            then the name (boot files and directories: the archive name)
 *   cwd      the working directory, absolute, with its NUL
 * and one handle per stream fd, in the order of the fds (a duplicate of
 * the parent's channel end), per disk fd (FD_KIND_FSFILE, FD_KIND_FSDIR:
 * a CLONE of its connection; the offset is the description's; a file's
 * entry with reserved[0] = 1 has a second handle, the VMO its offset is
 * shared in: fd_fsfile.c) and for the
 * root connection: an entry of kind FD_KIND_FSROOT with fd -1, first, so
 * the child has its mounts before it adopts the cwd. Internal to libc. */
#ifndef VIPERDOS_LIBC_FD_STARTUP_H_
#define VIPERDOS_LIBC_FD_STARTUP_H_

#include <stdint.h>

#include "userland/libc/fdio.h"

/* The fds a child will have: a snapshot of this process's, each with a
 * reference, that posix_spawn's file actions then change. */
struct fd_view {
  struct fd_file* files[FD_TABLE_SIZE];
  uint32_t flags[FD_TABLE_SIZE];
};

void __fd_view_take(struct fd_view* view);
void __fd_view_release(struct fd_view* view);
/* Puts `file` (its reference moves) at `fd` of the view. */
void __fd_view_set(struct fd_view* view, int fd, struct fd_file* file, uint32_t flags);

/* A bootstrap channel for a child whose fds are the view's without
 * FD_CLOEXEC: the child's end, or a negative VIPER_ERR_* code
 * (kOutOfRange: more stream fds than a message carries handles). */
int64_t __fd_startup_channel(const struct fd_view* view);

/* start.c, before the constructors: adopts the fds the parent sent, or
 * makes 0/1/2 the kernel console. */
void __viper_fd_startup(void);

#endif /* VIPERDOS_LIBC_FD_STARTUP_H_ */
