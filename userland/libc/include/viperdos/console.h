/* Console sessions as fds: what init and the shell need beyond termios.
 * A console session is a stream channel to consoled (<viperdos/stream.h>);
 * libc makes it an fd that isatty() reports as a terminal. Both calls
 * return -1 and set errno on failure. */
#ifndef VIPERDOS_CONSOLE_H_
#define VIPERDOS_CONSOLE_H_

#include <sys/types.h>
#include <viperdos/handles.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Makes `channel` (a stream channel; the fd owns it from now on) the
 * lowest free fd, a terminal if `is_terminal`: the fd, or -1 (EBADF: not a
 * channel, which stays the caller's; EMFILE or ENOMEM: the channel is
 * closed). init turns a console session into a child's
 * stdin/stdout/stderr with it (dup2 or posix_spawn file actions). */
int viper_fd_adopt_stream(viper_handle_t channel, int is_terminal);

/* Makes children `pids[0..count)` (started by this process: posix_spawn,
 * fork) the foreground job of the console session behind terminal `fd`,
 * so Ctrl-C signals them and not the caller; count 0: no foreground job.
 * Sends VIPER_STREAM_SET_FOREGROUND with duplicates of their process
 * handles. 0, or -1: EBADF, ENOTTY (not a console session), EINVAL (count
 * negative or above VIPER_MESSAGE_HANDLES_MAX), ESRCH (not a child). */
int viper_console_set_foreground(int fd, const pid_t* pids, int count);

#ifdef __cplusplus
}
#endif

#endif /* VIPERDOS_CONSOLE_H_ */
