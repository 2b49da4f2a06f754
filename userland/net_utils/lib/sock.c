/* Socket chores: see sock.h. */
#include "userland/net_utils/lib/sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int sock_set_nonblocking(int fd, int on) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -1;
  return fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

int sock_wait(int fd, short events, int timeout_ms) {
  struct pollfd p = {.fd = fd, .events = events};
  for (;;) {
    const int n = poll(&p, 1, timeout_ms);
    if (n > 0) return 1;
    if (n == 0) {
      errno = ETIMEDOUT;
      return 0;
    }
    if (errno != EINTR) return -1;
  }
}

/* One address: a non-blocking connect waited for, then blocking again. */
static int connect_one(const struct addrinfo* ai, int timeout_ms) {
  const int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  if (fd < 0) return -1;
  if (sock_set_nonblocking(fd, 1) != 0) goto fail;
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) goto fail;
    if (sock_wait(fd, POLLOUT, timeout_ms) <= 0) goto fail;
    int error = 0;
    socklen_t size = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) goto fail;
    if (error != 0) {
      errno = error;
      goto fail;
    }
  }
  if (sock_set_nonblocking(fd, 0) != 0) goto fail;
  return fd;
fail: {
  const int saved = errno;
  close(fd);
  errno = saved;
  return -1;
}
}

int sock_connect(const char* host, uint16_t port, int type, int timeout_ms, const char** why) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = type};
  char service[8];
  snprintf(service, sizeof(service), "%u", (unsigned)port);
  struct addrinfo* list = NULL;
  const int gai = getaddrinfo(host, service, &hints, &list);
  if (gai != 0) {
    if (why != NULL) *why = gai_strerror(gai);
    errno = 0;
    return -1;
  }
  int fd = -1;
  int error = ECONNREFUSED;
  for (const struct addrinfo* ai = list; ai != NULL && fd < 0; ai = ai->ai_next) {
    fd = connect_one(ai, timeout_ms);
    if (fd < 0) error = errno;
  }
  freeaddrinfo(list);
  if (fd < 0) {
    errno = error;
    if (why != NULL) *why = strerror(error);
  }
  return fd;
}

int sock_listen(const char* addr, uint16_t port, int type, uint16_t* bound) {
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = type, .ai_flags = AI_PASSIVE};
  char service[8];
  snprintf(service, sizeof(service), "%u", (unsigned)port);
  struct addrinfo* list = NULL;
  if (getaddrinfo(addr, service, &hints, &list) != 0) {
    errno = EINVAL;
    return -1;
  }
  const int fd = socket(list->ai_family, list->ai_socktype, list->ai_protocol);
  if (fd < 0) goto fail;
  const int one = 1;
  /* A restarted server must not wait out its old connections' TIME-WAIT. */
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, list->ai_addr, list->ai_addrlen) != 0) goto fail_close;
  if (type == SOCK_STREAM && listen(fd, 64) != 0) goto fail_close;
  struct sockaddr_in got;
  socklen_t size = sizeof(got);
  if (getsockname(fd, (struct sockaddr*)&got, &size) != 0) goto fail_close;
  *bound = ntohs(got.sin_port);
  freeaddrinfo(list);
  return fd;
fail_close: {
  const int saved = errno;
  close(fd);
  errno = saved;
}
fail:
  freeaddrinfo(list);
  return -1;
}

int sock_write_all(int fd, const void* data, size_t len, int timeout_ms) {
  const char* p = data;
  while (len > 0) {
    const ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n > 0) {
      p += n;
      len -= (size_t)n;
    } else if (n < 0 && errno == ENOTSOCK) {
      const ssize_t w = write(fd, p, len); /* stdout, a file */
      if (w < 0 && errno != EINTR) return -1;
      if (w > 0) p += w, len -= (size_t)w;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (sock_wait(fd, POLLOUT, timeout_ms) <= 0) return -1;
    } else if (n < 0 && errno != EINTR) {
      return -1;
    }
  }
  return 0;
}

ssize_t sock_read(int fd, void* buf, size_t len, int timeout_ms) {
  for (;;) {
    const int ready = sock_wait(fd, POLLIN, timeout_ms);
    if (ready <= 0) return -1;
    const ssize_t n = read(fd, buf, len);
    if (n >= 0 || (errno != EINTR && errno != EAGAIN)) return n;
  }
}

int sock_parse_port(const char* text, int allow_zero) {
  long value = 0;
  if (*text == '\0') return -1;
  for (const char* c = text; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9' || value > 65535) return -1;
    value = value * 10 + (*c - '0');
  }
  if (value > 65535 || (value == 0 && !allow_zero)) return -1;
  return (int)value;
}
