/* BSD sockets (<sys/socket.h>) over netd (<viperdos/net_protocol.h>):
 * AF_INET, SOCK_STREAM (TCP) and SOCK_DGRAM (UDP). Each call checks its
 * arguments before asking netd; errors are POSIX's, through errno. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <viperdos/viper.h>

#include "userland/libc/net_client.h"

static long fail(long error) {
  if (error >= 0) return error;
  errno = (int)-error;
  return -1;
}

/* The socket behind `fd` with a reference (put it back), or an error in
 * *error: EBADF, ENOTSOCK. */
static struct socket_file* socket_of(int fd, int* error) {
  struct fd_file* file = __fd_get(fd);
  struct socket_file* s = __fd_socket(file);
  *error = !file ? -EBADF : !s ? -ENOTSOCK : 0;
  if (!s) __fd_put(file);
  return s;
}

static void put(struct socket_file* s) { __fd_put(&s->file); }

/* A sockaddr_in's address and port in host order: 0, or -errno. */
static int endpoint_of(const struct sockaddr* address, socklen_t length, uint32_t* addr,
                       uint16_t* port) {
  if (!address) return -EFAULT;
  if (length < sizeof(struct sockaddr_in)) return -EINVAL;
  const struct sockaddr_in* in = (const struct sockaddr_in*)address;
  if (in->sin_family != AF_INET) return -EAFNOSUPPORT;
  *addr = ntohl(in->sin_addr.s_addr);
  *port = ntohs(in->sin_port);
  return 0;
}

/* Writes a sockaddr_in (truncated to *length, as POSIX says). */
static void store_endpoint(struct sockaddr* address, socklen_t* length, uint32_t addr,
                           uint16_t port) {
  if (!address || !length) return;
  struct sockaddr_in in;
  memset(&in, 0, sizeof(in));
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(addr);
  memcpy(address, &in, *length < sizeof(in) ? *length : sizeof(in));
  *length = sizeof(in);
}

static int control_call(struct socket_file* s, uint32_t op, uint32_t option, int64_t value,
                        uint32_t addr, uint16_t port, struct viper_net_reply* reply) {
  const struct viper_net_request request = {
      .op = op, .option = option, .value = value, .addr = addr, .port = port};
  struct viper_net_reply ignored;
  return __net_call(&s->control, &request, reply ? reply : &ignored, 0, 0, 0, 0, 0);
}

int socket(int domain, int type, int protocol) {
  const int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (domain != AF_INET) return (int)fail(-EAFNOSUPPORT);
  if (kind != SOCK_STREAM && kind != SOCK_DGRAM) return (int)fail(-EPROTOTYPE);
  if (protocol != 0 && protocol != (kind == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP)) {
    return (int)fail(-EPROTONOSUPPORT);
  }
  struct net_conn* service = __net_service();
  if (!service) return (int)fail(-ENETDOWN);
  const struct viper_net_request request = {.op = VIPER_NET_SOCKET, .value = kind};
  struct viper_net_reply reply;
  viper_handle_t handles[2];
  const int result = __net_call(service, &request, &reply, 0, 0, 0, handles, 2);
  if (result != 0) return (int)fail(result);
  struct fd_file* file = __fd_socket_new(handles[0], handles[1], kind,
                                         O_RDWR | (type & SOCK_NONBLOCK ? O_NONBLOCK : 0), 0);
  if (!file) return (int)fail(-ENOMEM);
  const int fd = __fd_install(file, 0, type & SOCK_CLOEXEC ? FD_TABLE_CLOEXEC : 0);
  if (fd < 0) __fd_put(file);
  return (int)fail(fd);
}

int bind(int fd, const struct sockaddr* address, socklen_t length) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return (int)fail(error);
  uint32_t addr;
  uint16_t port;
  error = endpoint_of(address, length, &addr, &port);
  if (!error) error = control_call(s, VIPER_NET_BIND, 0, 0, addr, port, 0);
  put(s);
  return (int)fail(error);
}

int listen(int fd, int backlog) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return (int)fail(error);
  if (s->type != SOCK_STREAM) {
    error = -EOPNOTSUPP;
  } else {
    if (backlog < 1) backlog = 1;
    if (backlog > SOMAXCONN) backlog = SOMAXCONN;
    error = control_call(s, VIPER_NET_LISTEN, 0, backlog, 0, 0, 0);
    if (!error) __atomic_store_n(&s->listening, 1, __ATOMIC_RELEASE);
  }
  put(s);
  return (int)fail(error);
}

int accept4(int fd, struct sockaddr* address, socklen_t* length, int flags) {
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return (int)fail(-EINVAL);
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return (int)fail(error);
  viper_handle_t handles[2];
  uint32_t addr = 0;
  uint16_t port = 0;
  error = __fd_socket_accept(s, handles, &addr, &port);
  put(s);
  if (error) return (int)fail(error);
  struct fd_file* file = __fd_socket_new(handles[0], handles[1], SOCK_STREAM,
                                         O_RDWR | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0), 1);
  if (!file) return (int)fail(-ENOMEM);
  const int installed = __fd_install(file, 0, flags & SOCK_CLOEXEC ? FD_TABLE_CLOEXEC : 0);
  if (installed < 0) {
    __fd_put(file);
    return (int)fail(installed);
  }
  store_endpoint(address, length, addr, port);
  return installed;
}

int accept(int fd, struct sockaddr* address, socklen_t* length) {
  return accept4(fd, address, length, 0);
}

int connect(int fd, const struct sockaddr* address, socklen_t length) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return (int)fail(error);
  uint32_t addr;
  uint16_t port;
  error = endpoint_of(address, length, &addr, &port);
  if (!error && __atomic_load_n(&s->connecting, __ATOMIC_ACQUIRE)) error = -EALREADY;
  if (!error && s->type == SOCK_STREAM && __atomic_load_n(&s->connected, __ATOMIC_ACQUIRE)) {
    error = -EISCONN;
  }
  if (!error) error = control_call(s, VIPER_NET_CONNECT, 0, 0, addr, port, 0);
  if (!error) __atomic_store_n(&s->connected, 1, __ATOMIC_RELEASE); /* UDP: the peer is set */
  if (error == -EINPROGRESS) {
    __atomic_store_n(&s->connecting, 1, __ATOMIC_RELEASE);
    const int nonblocking = (s->file.status_flags & O_NONBLOCK) != 0;
    if (!nonblocking) {
      /* Blocking: the CONNECTED message says how it ended (a send timeout
       * bounds the wait, as on Linux). */
      error = __fd_socket_settle_connect(s, __net_deadline(s->send_timeout_ns, 0));
      if (error == -EAGAIN) error = -ETIMEDOUT;
      if (!error) {
        const int failed = __atomic_exchange_n(&s->so_error, 0, __ATOMIC_ACQ_REL);
        error = failed ? -failed : 0;
      }
    }
  }
  put(s);
  return (int)fail(error);
}

ssize_t recvfrom(int fd, void* buffer, size_t size, int flags, struct sockaddr* from,
                 socklen_t* length) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return fail(error);
  if (!buffer && size) {
    put(s);
    return fail(-EFAULT);
  }
  uint32_t addr = 0;
  uint16_t port = 0;
  const ssize_t n = __fd_socket_receive(s, buffer, size, flags, &addr, &port);
  if (n >= 0 && from && length) {
    struct viper_net_reply peer = {0};
    if (s->type == SOCK_STREAM || addr == 0) {
      control_call(s, VIPER_NET_GETPEERNAME, 0, 0, 0, 0, &peer);
      addr = peer.addr;
      port = peer.port;
    }
    store_endpoint(from, length, addr, port);
  }
  put(s);
  return fail(n);
}

ssize_t recv(int fd, void* buffer, size_t size, int flags) {
  return recvfrom(fd, buffer, size, flags, 0, 0);
}

ssize_t sendto(int fd, const void* bytes, size_t size, int flags, const struct sockaddr* to,
               socklen_t length) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return fail(error);
  uint32_t addr = 0;
  uint16_t port = 0;
  ssize_t n = 0;
  if (!bytes && size) n = -EFAULT;
  if (!n && to && s->type == SOCK_DGRAM) n = endpoint_of(to, length, &addr, &port);
  if (!n && to && s->type == SOCK_STREAM) n = -EISCONN;
  if (!n) n = __fd_socket_send(s, bytes, size, flags, to ? &addr : 0, port);
  put(s);
  return fail(n);
}

ssize_t send(int fd, const void* bytes, size_t size, int flags) {
  return sendto(fd, bytes, size, flags, 0, 0);
}

int shutdown(int fd, int how) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return (int)fail(error);
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) {
    error = -EINVAL;
  } else if (s->type == SOCK_STREAM && !__atomic_load_n(&s->connected, __ATOMIC_ACQUIRE)) {
    error = -ENOTCONN;
  } else {
    if (how != SHUT_WR) error = control_call(s, VIPER_NET_SHUTDOWN, 0, SHUT_RD, 0, 0, 0);
    if (!error && how != SHUT_RD && s->type == SOCK_STREAM) {
      error = __fd_socket_shutdown_write(s);
    }
  }
  put(s);
  return (int)fail(error);
}

static int name_of(int fd, uint32_t op, struct sockaddr* address, socklen_t* length) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return (int)fail(error);
  struct viper_net_reply reply = {0};
  error = !address || !length ? -EFAULT : control_call(s, op, 0, 0, 0, 0, &reply);
  if (!error) store_endpoint(address, length, reply.addr, reply.port);
  put(s);
  return (int)fail(error);
}

int getsockname(int fd, struct sockaddr* address, socklen_t* length) {
  return name_of(fd, VIPER_NET_GETSOCKNAME, address, length);
}

int getpeername(int fd, struct sockaddr* address, socklen_t* length) {
  return name_of(fd, VIPER_NET_GETPEERNAME, address, length);
}

/* netd's option for (level, name), or 0: one libc keeps itself. */
static uint32_t netd_option(int level, int name) {
  if (level == IPPROTO_TCP) return name == TCP_NODELAY ? VIPER_NET_OPT_NODELAY : 0;
  switch (name) {
    case SO_REUSEADDR:
      return VIPER_NET_OPT_REUSEADDR;
    case SO_RCVBUF:
      return VIPER_NET_OPT_RCVBUF;
    case SO_SNDBUF:
      return VIPER_NET_OPT_SNDBUF;
    case SO_KEEPALIVE:
      return VIPER_NET_OPT_KEEPALIVE;
    case SO_ERROR:
      return VIPER_NET_OPT_ERROR;
    default:
      return 0;
  }
}

static uint64_t timeval_ns(const struct timeval* t) {
  return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_usec * 1000u;
}

int setsockopt(int fd, int level, int name, const void* value, socklen_t length) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return (int)fail(error);
  const int timeout = level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
  if (!value) {
    error = -EFAULT;
  } else if (level != SOL_SOCKET && level != IPPROTO_TCP) {
    error = -ENOPROTOOPT;
  } else if (timeout) {
    const struct timeval* t = value;
    if (length < sizeof(*t) || t->tv_sec < 0 || t->tv_usec < 0 || t->tv_usec >= 1000000) {
      error = -EINVAL;
    } else if (name == SO_RCVTIMEO) {
      s->receive_timeout_ns = timeval_ns(t);
    } else {
      s->send_timeout_ns = timeval_ns(t);
    }
  } else if (length < sizeof(int)) {
    error = -EINVAL;
  } else {
    const uint32_t option = netd_option(level, name);
    int v;
    memcpy(&v, value, sizeof(v));
    error = !option || option == VIPER_NET_OPT_ERROR
                ? -ENOPROTOOPT
                : control_call(s, VIPER_NET_SETSOCKOPT, option, v, 0, 0, 0);
  }
  put(s);
  return (int)fail(error);
}

int getsockopt(int fd, int level, int name, void* value, socklen_t* length) {
  int error;
  struct socket_file* s = socket_of(fd, &error);
  if (!s) return (int)fail(error);
  const int timeout = level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
  if (!value || !length) {
    error = -EFAULT;
  } else if (timeout) {
    const uint64_t ns = name == SO_RCVTIMEO ? s->receive_timeout_ns : s->send_timeout_ns;
    struct timeval t = {.tv_sec = (time_t)(ns / 1000000000u),
                        .tv_usec = (suseconds_t)(ns % 1000000000u / 1000u)};
    if (*length < sizeof(t)) {
      error = -EINVAL;
    } else {
      memcpy(value, &t, sizeof(t));
      *length = sizeof(t);
    }
  } else if (*length < sizeof(int)) {
    error = -EINVAL;
  } else if (level == SOL_SOCKET && name == SO_TYPE) {
    memcpy(value, &s->type, sizeof(int));
    *length = sizeof(int);
  } else if (level == SOL_SOCKET && name == SO_ERROR &&
             (__atomic_load_n(&s->connecting, __ATOMIC_ACQUIRE) ||
              __atomic_load_n(&s->so_error, __ATOMIC_ACQUIRE))) {
    /* A connect's outcome is libc's to tell (the CONNECTED message). */
    __fd_socket_settle_connect(s, 0);
    const int e = __atomic_exchange_n(&s->so_error, 0, __ATOMIC_ACQ_REL);
    memcpy(value, &e, sizeof(e));
    *length = sizeof(int);
  } else {
    const uint32_t option =
        (level == SOL_SOCKET || level == IPPROTO_TCP) ? netd_option(level, name) : 0;
    struct viper_net_reply reply = {0};
    error = option ? control_call(s, VIPER_NET_GETSOCKOPT, option, 0, 0, 0, &reply) : -ENOPROTOOPT;
    if (!error) {
      const int v = (int)reply.value;
      memcpy(value, &v, sizeof(v));
      *length = sizeof(int);
    }
  }
  put(s);
  return (int)fail(error);
}
