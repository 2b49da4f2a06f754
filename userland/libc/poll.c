/* poll() and select() over every kind of fd (<poll.h>, <sys/select.h>).
 *
 * A socket, pipe or console session waits on its channel's signals (a
 * socket's data channel: READABLE for data, EOF, an error or a
 * connection; WRITABLE for room in netd's queue; a pending connect waits
 * for READABLE, its CONNECTED message). Boot files, disk files and the
 * kernel console are always ready, as regular files are on Unix. One fd
 * waits with one viper_object_wait; several share a pollset made for the
 * call. Nothing spins: a wait with no timeout blocks in the kernel. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <viperdos/viper.h>

#include "userland/libc/net_client.h"

#define IN_EVENTS (POLLIN | POLLRDNORM | POLLPRI)
#define OUT_EVENTS (POLLOUT | POLLWRNORM)

struct watch {
  viper_handle_t channel; /* 0: needs no wait (ready, or invalid) */
  uint32_t signals;
};

/* What fds[i] waits on, and its readiness now without waiting. */
static short classify(struct pollfd* p, struct watch* w) {
  w->channel = 0;
  w->signals = 0;
  struct fd_file* file = p->fd >= 0 ? __fd_get(p->fd) : 0;
  if (p->fd < 0) return 0;
  if (!file) return POLLNVAL;
  short ready = 0;
  struct socket_file* s = __fd_socket(file);
  if (s) {
    const int connecting = __atomic_load_n(&s->connecting, __ATOMIC_ACQUIRE);
    if (connecting && (p->events & OUT_EVENTS)) __fd_socket_settle_connect(s, 0);
    if (__fd_socket_buffered(s)) ready |= p->events & IN_EVENTS;
    if (__atomic_load_n(&s->so_error, __ATOMIC_ACQUIRE))
      ready |= POLLERR | (p->events & OUT_EVENTS);
    w->channel = s->data;
    if (p->events & IN_EVENTS) w->signals |= VIPER_SIGNAL_READABLE;
    if (p->events & OUT_EVENTS) {
      /* Writable once connected; till then the CONNECTED message counts. */
      w->signals |= __atomic_load_n(&s->connecting, __ATOMIC_ACQUIRE) ? VIPER_SIGNAL_READABLE
                                                                      : VIPER_SIGNAL_WRITABLE;
    }
    w->signals |= VIPER_SIGNAL_PEER_CLOSED;
  } else if (file->ops->kind == FD_KIND_STREAM) {
    if (__fd_stream_buffered(file)) ready |= p->events & IN_EVENTS;
    w->channel = __fd_stream_channel(file);
    if (p->events & IN_EVENTS) w->signals |= VIPER_SIGNAL_READABLE;
    if (p->events & OUT_EVENTS) w->signals |= VIPER_SIGNAL_WRITABLE;
    w->signals |= VIPER_SIGNAL_PEER_CLOSED;
  } else {
    ready |= p->events & (IN_EVENTS | OUT_EVENTS); /* files are always ready */
  }
  __fd_put(file);
  return ready;
}

/* The revents of a channel's signals. */
static short from_signals(const struct pollfd* p, const struct watch* w, uint32_t seen) {
  short r = 0;
  const int connecting_out = (w->signals & VIPER_SIGNAL_READABLE) && !(p->events & IN_EVENTS);
  if ((seen & VIPER_SIGNAL_READABLE) && (p->events & IN_EVENTS)) r |= p->events & IN_EVENTS;
  if ((seen & VIPER_SIGNAL_READABLE) && connecting_out) r |= p->events & OUT_EVENTS;
  if ((seen & VIPER_SIGNAL_WRITABLE) && (p->events & OUT_EVENTS)) r |= p->events & OUT_EVENTS;
  if (seen & VIPER_SIGNAL_PEER_CLOSED) {
    r |= POLLHUP;
    if (p->events & IN_EVENTS) r |= p->events & IN_EVENTS; /* a read returns 0 */
  }
  return r;
}

/* Every fd's revents without waiting: how many are ready. */
static int sweep(struct pollfd* fds, nfds_t count, struct watch* w) {
  int ready = 0;
  for (nfds_t i = 0; i < count; ++i) {
    fds[i].revents = classify(&fds[i], &w[i]);
    if (w[i].channel && w[i].signals) {
      const int64_t seen = viper_object_wait(w[i].channel, w[i].signals, 0);
      if (seen > 0) fds[i].revents |= from_signals(&fds[i], &w[i], (uint32_t)seen);
    }
    if (fds[i].revents) ++ready;
  }
  return ready;
}

static uint64_t deadline_of(int timeout_ms) {
  return timeout_ms < 0 ? VIPER_DEADLINE_NEVER
                        : viper_deadline_after((uint64_t)timeout_ms * 1000000u);
}

/* Blocks until one of the watched channels has a signal, or the deadline. */
static int wait_any(const struct watch* w, nfds_t count, uint64_t deadline) {
  int waiting = 0;
  nfds_t only = 0;
  for (nfds_t i = 0; i < count; ++i) {
    if (w[i].channel && w[i].signals) ++waiting, only = i;
  }
  if (waiting == 0) {
    if (deadline == VIPER_DEADLINE_NEVER) return -EINVAL; /* would sleep forever */
    viper_thread_sleep(deadline);
    return 0;
  }
  if (waiting == 1) {
    const int64_t seen = viper_object_wait(w[only].channel, w[only].signals, deadline);
    return seen < 0 && seen != VIPER_ERR_TIMED_OUT ? -__viper_errno(seen) : 0;
  }
  const int64_t set = viper_pollset_create();
  if (set < 0) return -__viper_errno(set);
  for (nfds_t i = 0; i < count; ++i) {
    /* One fd named twice (or two fds of one channel): added once. */
    if (w[i].channel && w[i].signals) viper_pollset_add(set, w[i].channel, w[i].signals, i);
  }
  struct viper_poll_event event;
  const int64_t n = viper_pollset_wait(set, &event, 1, deadline);
  viper_handle_close(set);
  return n < 0 && n != VIPER_ERR_TIMED_OUT ? -__viper_errno(n) : 0;
}

int poll(struct pollfd* fds, nfds_t count, int timeout_ms) {
  if (count > FD_TABLE_SIZE * 4 || (!fds && count)) {
    errno = !fds ? EFAULT : EINVAL;
    return -1;
  }
  struct watch* w = count ? malloc(count * sizeof(*w)) : 0;
  if (count && !w) {
    errno = ENOMEM;
    return -1;
  }
  const uint64_t deadline = deadline_of(timeout_ms);
  int ready;
  for (;;) {
    ready = sweep(fds, count, w);
    if (ready || timeout_ms == 0 || viper_clock_monotonic() >= deadline) break;
    const int error = wait_any(w, count, deadline);
    if (error) {
      free(w);
      errno = -error;
      return -1;
    }
  }
  free(w);
  return ready;
}

int select(int count, fd_set* read_set, fd_set* write_set, fd_set* except_set,
           struct timeval* timeout) {
  if (count < 0 || count > FD_SETSIZE ||
      (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000))) {
    errno = EINVAL;
    return -1;
  }
  struct pollfd fds[FD_SETSIZE];
  nfds_t n = 0;
  for (int fd = 0; fd < count; ++fd) {
    short events = 0;
    if (read_set && FD_ISSET(fd, read_set)) events |= POLLIN;
    if (write_set && FD_ISSET(fd, write_set)) events |= POLLOUT;
    if (except_set && FD_ISSET(fd, except_set)) events |= POLLPRI;
    if (!events) continue;
    fds[n].fd = fd;
    fds[n].events = events;
    fds[n++].revents = 0;
  }
  const int ms = !timeout ? -1 : (int)(timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000);
  const int got = poll(fds, n, ms);
  if (got < 0) return -1;
  for (nfds_t i = 0; i < n; ++i) {
    if (fds[i].revents & POLLNVAL) {
      errno = EBADF; /* select names no closed fd */
      return -1;
    }
  }
  int bits = 0;
  for (nfds_t i = 0; i < n; ++i) {
    const int fd = fds[i].fd;
    const short r = fds[i].revents;
    if (read_set) {
      if ((r & (POLLIN | POLLHUP | POLLERR)) && (fds[i].events & POLLIN)) {
        ++bits;
      } else {
        FD_CLR(fd, read_set);
      }
    }
    if (write_set) {
      if ((r & (POLLOUT | POLLERR)) && (fds[i].events & POLLOUT)) {
        ++bits;
      } else {
        FD_CLR(fd, write_set);
      }
    }
    if (except_set) {
      if ((r & POLLPRI) && (fds[i].events & POLLPRI)) {
        ++bits;
      } else {
        FD_CLR(fd, except_set);
      }
    }
  }
  /* fds in the sets past those polled stay as they were only if unset. */
  return bits;
}
