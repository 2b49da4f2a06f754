/* What the shell needs from the system beyond portable POSIX, in one seam:
 * platform_host.c on POSIX systems (Linux for the host tests),
 * platform_viperdos.c on ViperDOS (built with -D__viperdos__). */
#ifndef USERLAND_SHELL_PLATFORM_H_
#define USERLAND_SHELL_PLATFORM_H_

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "userland/shell/util.h"

/* The names in a directory (without . and ..), unsorted; -1 if it cannot be
 * read. */
int platform_list_dir(const char* path, sh_vec* names);

/* Raw mode for the line editor on the terminal fd: bytes as typed, no echo,
 * no signals from Ctrl-C (the editor sees it as a byte). */
bool platform_raw_mode_enter(int fd);
void platform_raw_mode_leave(int fd);

/* Tells the console which processes Ctrl-C signals (count 0: none, so it
 * reaches no one while the shell edits). A no-op where the terminal driver
 * does this itself (the host). */
void platform_set_foreground(int fd, const pid_t* pids, int count);

/* Does a background job get a process group of its own? On the host the
 * terminal signals its foreground process group on Ctrl-C, which is the
 * shell's, so a background job must be outside it; consoled signals the
 * processes the shell names, so ViperDOS needs no groups. */
bool platform_background_groups(void);

/* May a file with this status be started as a program? */
bool platform_is_executable(const struct stat* st);

#endif /* USERLAND_SHELL_PLATFORM_H_ */
