/* What a new program starts with besides argv and envp: its file
 * descriptors (and later its working directory), sent by the parent on
 * the program's bootstrap channel and adopted by _start before main.
 * Internal to libc; the fd layer owns the message format. */
#pragma once

#include <stdint.h>

/* Makes the bootstrap channel for a program that replaces this one
 * (execve): a new channel whose far end already holds this process's
 * inheritable fds. Returns the handle to pass as viper_spawn_args.bootstrap,
 * 0 when there is nothing to pass, or a negative VIPER_ERR_* code. */
int64_t __viper_startup_channel_for_exec(void);
