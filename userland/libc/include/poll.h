/* poll() (POSIX <poll.h>) over every kind of fd: sockets, pipes and
 * console sessions wait on their channels' signals, files are always
 * ready (userland/libc/poll.c). */
#ifndef _POLL_H_
#define _POLL_H_

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int nfds_t;

struct pollfd {
  int fd;
  short events;
  short revents;
};

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

int poll(struct pollfd* fds, nfds_t count, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* _POLL_H_ */
